//! fast-check generators of jobs and clusters, and invariant checks over a run's timeline.

import fc from 'fast-check';
import { pointwiseProducers } from '../../src/model/job/job-graph.js';
import type { RunResult, Timeline } from '../../src/model/run-result.js';

export interface GenVertex {
  id: string;
  parallelism?: number;
  source?: { bytes: number };
  inputs?: { from: string; pattern: 'all-to-all' | 'pointwise' | 'broadcast' }[];
  fixed: number;
  rate: number;
  selectivity: number;
  /** Sorts or hashes in managed memory: spills what does not fit (the slot's share of a 4 GiB default). */
  managedMemory?: boolean;
}

/** A random DAG: every vertex reads from earlier ones; roots are sources. */
export const jobArb = fc
  .array(
    fc.record({
      parallelism: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined, freq: 4 }),
      fixed: fc.integer({ min: 0, max: 20 }),
      rateMiB: fc.integer({ min: 1, max: 64 }),
      sourceMiB: fc.integer({ min: 1, max: 256 }),
      selectivity: fc.constantFrom(0.1, 0.5, 1, 2),
      managedMemory: fc.boolean(),
      inputs: fc.array(fc.tuple(fc.nat(), fc.constantFrom('all-to-all', 'pointwise', 'broadcast') as fc.Arbitrary<'all-to-all' | 'pointwise' | 'broadcast'>), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 7 },
  )
  .map((specs) =>
    specs.map((s, i): GenVertex => {
      const froms = new Map<string, 'all-to-all' | 'pointwise' | 'broadcast'>();
      if (i > 0) for (const [k, pattern] of s.inputs) froms.set(`v${k % i}`, pattern);
      const v: GenVertex = { id: `v${i}`, fixed: s.fixed, rate: s.rateMiB * 2 ** 20, selectivity: s.selectivity, ...(s.managedMemory && { managedMemory: true }) };
      if (froms.size === 0) {
        v.source = { bytes: s.sourceMiB * 2 ** 20 };
        v.parallelism = s.parallelism ?? 1 + (i % 3);
      } else {
        v.inputs = [...froms].map(([from, pattern]) => ({ from, pattern }));
        if (s.parallelism !== undefined) v.parallelism = s.parallelism;
      }
      return v;
    }),
  );

/** A random elastic cluster. */
export const clusterArb = fc
  .record({
    slots: fc.integer({ min: 1, max: 4 }),
    startup: fc.integer({ min: 0, max: 20 }),
    idleTimeout: fc.integer({ min: 0, max: 60 }),
    shutdown: fc.integer({ min: 0, max: 10 }),
    extraCap: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    shuffle: fc.constantFrom('local', 'remote'),
    cpuPerSlot: fc.constantFrom(0.5, 1, 1, 2),
    memoryPerSlot: fc.constantFrom('1GiB', '2GiB', '4GiB'),
    diskBandwidth: fc.constantFrom('auto', 'unlimited', '20MiB/s', '200MiB/s'),
    networkBandwidth: fc.constantFrom('auto', 'unlimited', '10MiB/s', '100MiB/s'),
  })
  .map((c) => ({
    taskmanager: {
      slots: c.slots,
      startup: c.startup,
      idleTimeout: c.idleTimeout,
      shutdown: c.shutdown,
      cpuPerSlot: c.cpuPerSlot,
      // Small slots, so generated inputs (up to a few hundred MiB) overflow managed memory and spill.
      memoryPerSlot: c.memoryPerSlot,
      diskBandwidth: c.diskBandwidth,
      networkBandwidth: c.networkBandwidth,
    },
    ...(c.extraCap !== undefined && { maxSlots: c.slots + c.extraCap }),
    shuffle: c.shuffle,
  }));

/** The most slots live at once, from the TaskManager records. */
export function peakLiveSlots(t: Timeline): number {
  const deltas: [number, number][] = [];
  for (const tm of t.taskManagers) {
    deltas.push([tm.requestedAt, tm.slots]);
    deltas.push([tm.goneAt ?? Infinity, -tm.slots]);
  }
  deltas.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let peak = 0;
  for (const [, d] of deltas) {
    live += d;
    peak = Math.max(peak, live);
  }
  return peak;
}

/** Throws unless no slot ever ran two attempts at the same time. */
export function checkSlotsNotShared(t: Timeline): void {
  const bySlot = new Map<string, { start: number; end: number }[]>();
  for (const a of t.attempts) {
    const k = `${a.tm}/${a.slot}`;
    if (!bySlot.has(k)) bySlot.set(k, []);
    bySlot.get(k)?.push(a);
  }
  for (const [k, list] of bySlot) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < list.length; i++) {
      if (list[i].start < list[i - 1].end - 1e-9) throw new Error(`slot ${k} runs two attempts at ${list[i].start}`);
    }
  }
}

/**
 * Throws unless every subtask's final (finished) attempt started after the final attempts of
 * every producer subtask it reads from had finished.
 */
export function checkBlockingEdges(vertices: GenVertex[], result: RunResult, t: Timeline): void {
  const p = new Map(result.vertices.map((v) => [v.id, v.parallelism]));
  const finalEnd = new Map<string, number>();
  const finalStart = new Map<string, number>();
  for (const a of t.attempts) {
    if (a.outcome !== 'finished') continue;
    finalEnd.set(`${a.vertex}[${a.subtask}]`, a.end);
    finalStart.set(`${a.vertex}[${a.subtask}]`, a.start);
  }
  for (const v of vertices) {
    const pv = p.get(v.id) as number;
    for (let j = 0; j < pv; j++) {
      const start = finalStart.get(`${v.id}[${j}]`);
      if (start === undefined) continue;
      for (const inp of v.inputs ?? []) {
        const pu = p.get(inp.from) as number;
        const [a, b] = inp.pattern === 'pointwise' ? pointwiseProducers(pu, pv, j) : [0, pu];
        for (let i = a; i < b; i++) {
          const end = finalEnd.get(`${inp.from}[${i}]`);
          if (end === undefined || end > start + 1e-9) {
            throw new Error(`${v.id}[${j}] started at ${start} before ${inp.from}[${i}] finished (${end})`);
          }
        }
      }
    }
  }
}

/** Throws unless the timeline's clock never goes back. */
export function checkTimeMonotone(t: Timeline): void {
  for (const series of [t.samples, t.events, t.disk]) {
    for (let i = 1; i < series.length; i++) {
      if (series[i].time < series[i - 1].time) throw new Error(`time goes back at ${series[i].time}`);
    }
  }
}

/**
 * Throws unless no TaskManager ever used more cores, disk or network bandwidth than it has
 * (from the per-TaskManager resource samples; a small slack for rounding).
 */
export function checkResourcesWithinCapacity(t: Timeline, cluster: { slotsPerTaskManager: number; cpuPerSlot: number; diskBandwidth: number; networkBandwidth: number }): void {
  const cores = cluster.slotsPerTaskManager * cluster.cpuPerSlot;
  for (const r of t.resources) {
    if (r.cpu > cores + 1e-3) throw new Error(`TaskManager ${r.tm} uses ${r.cpu} cores of ${cores} at ${r.time}`);
    if (r.disk > cluster.diskBandwidth * (1 + 1e-9) + 1) throw new Error(`TaskManager ${r.tm} uses ${r.disk} B/s of disk (${cluster.diskBandwidth}) at ${r.time}`);
    if (r.network > cluster.networkBandwidth * (1 + 1e-9) + 1) throw new Error(`TaskManager ${r.tm} uses ${r.network} B/s of network (${cluster.networkBandwidth}) at ${r.time}`);
  }
}
