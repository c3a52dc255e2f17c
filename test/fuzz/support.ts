//! Fuzzing support: valid random scenarios, mutations of any JSON-like tree, run invariants, and
//! per-family figures (cases, slowest case, peak memory) for long runs.

import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { RunResult } from '../../src/model/run-result.js';
import type { SimulationSpec } from '../../src/model/spec.js';

/**
 * Cases per family: a few hundred in `npm test`, `FUZZ_RUNS` in `npm run fuzz`. Families that
 * start a process per case run a twentieth as many.
 */
export function fuzzRuns(inTestSuite: number, perProcess = false): number {
  const env = process.env.FUZZ_RUNS;
  if (env === undefined) return inTestSuite;
  const n = Number(env);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a whole number >= 1, got ${env}`);
  return perProcess ? Math.max(1, Math.round(n / 20)) : n;
}

/** fast-check settings: a fixed seed in the test suite (the same cases every time), a fresh one with FUZZ_RUNS. */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS === undefined ? 18 : undefined;
  return { numRuns, ...(seed !== undefined && { seed }), endOnFailure: process.env.FUZZ_RUNS !== undefined };
}

/** Longest a single valid run may take, wall time (issue "Hardening, part two": 10 s on this machine). */
export const MAX_RUN_WALL_MS = Number(process.env.FUZZ_MAX_RUN_MS ?? 10_000);

/** Largest resident memory the fuzzing process may reach. */
export const MAX_RSS_BYTES = 2 ** 30;

/**
 * Cases, slowest case and peak memory of one family. With `FUZZ_STATS=PREFIX` set they are
 * written to `PREFIX.FAMILY.json` every 10 s and at the end, so a long run can be stopped at any time.
 */
export class FamilyStats {
  cases = 0;
  slowestMs = 0;
  slowestCase = '';
  peakRss = 0;
  private readonly started = performance.now();
  private lastWrite = performance.now();

  constructor(readonly family: string) {}

  /**
   * With `FUZZ_STATS` set, writes the case about to run to `PREFIX.FAMILY.current`, so a case
   * that takes the process down (out of memory, never ending) is left on disk.
   */
  begin(text: string): void {
    const prefix = process.env.FUZZ_STATS;
    if (prefix !== undefined) writeFileSync(`${prefix}.${this.family.replace(/[^a-z]+/gi, '-')}.current`, text);
  }

  /** Times `f` as one case; `describe` says what the case was, for the slowest. */
  time<T>(describe: () => string, f: () => T): T {
    const t0 = performance.now();
    const out = f();
    this.note(performance.now() - t0, describe);
    return out;
  }

  note(ms: number, describe: () => string): void {
    this.cases++;
    if (ms > this.slowestMs) {
      this.slowestMs = ms;
      this.slowestCase = describe();
    }
    this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
    if (performance.now() - this.lastWrite > 10_000) this.write();
  }

  write(): void {
    const prefix = process.env.FUZZ_STATS;
    if (prefix === undefined) return;
    this.lastWrite = performance.now();
    const file = `${prefix}.${this.family.replace(/[^a-z]+/gi, '-')}.json`;
    const line = {
      family: this.family,
      cases: this.cases,
      seconds: Math.round((performance.now() - this.started) / 100) / 10,
      slowestMs: Math.round(this.slowestMs),
      peakRssMiB: Math.round(this.peakRss / 2 ** 20),
      slowestCase: this.slowestCase.slice(0, 4000),
    };
    writeFileSync(file, `${JSON.stringify(line, null, 1)}\n`);
  }
}

// ---------------------------------------------------------------------------------- valid scenarios

const patternArb = fc.constantFrom('all-to-all', 'pointwise', 'broadcast');

const vertexArb = fc.record({
  parallelism: fc.option(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 200 })), { nil: undefined, freq: 2 }),
  sourceBytes: fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), fc.constantFrom('64 mb', '1 gb', '1.5 kb', 0, 1, 7)),
  rate: fc.option(fc.oneof(fc.integer({ min: 1, max: 2 ** 30 }), fc.constantFrom('100 mb/s', '1 b/s', 1e-300, 0.5)), { nil: undefined, freq: 1 }),
  fixed: fc.option(fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constantFrom('1 ms', '1e6 d')), { nil: undefined }),
  selectivity: fc.option(fc.constantFrom(0, 0.001, 0.3, 1, 2.5), { nil: undefined }),
  sigma: fc.option(fc.constantFrom(0.1, 0.5, 2, 10), { nil: undefined, freq: 3 }),
  skew: fc.option(
    fc.oneof(
      fc.record({ zipf: fc.constantFrom(0, 0.5, 1.2, 3), keys: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }) }),
      fc.record({ weights: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 10 }).filter((w) => w.some((x) => x > 0)) }),
    ),
    { nil: undefined, freq: 3 },
  ),
  inputs: fc.array(fc.tuple(fc.nat(), patternArb), { maxLength: 3 }),
});

const clusterArb = fc.record({
  slots: fc.integer({ min: 1, max: 4 }),
  cpuPerSlot: fc.option(fc.constantFrom(0.5, 1, 2), { nil: undefined }),
  disk: fc.option(fc.constantFrom('auto', '100 mb', '1 gb', '40 gb'), { nil: undefined }),
  startup: fc.constantFrom(0, 1, 10),
  idleTimeout: fc.constantFrom(0, 5, 30),
  shutdown: fc.option(fc.constantFrom(0, 2), { nil: undefined }),
  maxSlots: fc.option(fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constant('unlimited')), { nil: undefined }),
  shuffle: fc.option(fc.constantFrom('local', 'remote'), { nil: undefined }),
});

const configArb = fc.record({
  mode: fc.constantFrom('BATCH', 'BATCH', 'BATCH', 'STREAMING'),
  globalDefault: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined, freq: 3 }),
  minMax: fc.option(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 64 })), { nil: undefined }),
  avg: fc.option(fc.constantFrom('1 mb', '16 mb', '128 mb'), { nil: undefined }),
  auto: fc.option(fc.boolean(), { nil: undefined, freq: 4 }),
  decider: fc.option(fc.constantFrom('1.17', '1.15'), { nil: undefined }),
  failover: fc.option(fc.constantFrom('region', 'full'), { nil: undefined }),
  restart: fc.option(
    fc.oneof(
      fc.record({ 'restart-strategy.type': fc.constant('none') }),
      fc.record({
        'restart-strategy.type': fc.constant('fixed-delay'),
        'restart-strategy.fixed-delay.attempts': fc.integer({ min: 0, max: 5 }),
        'restart-strategy.fixed-delay.delay': fc.constantFrom('0 s', '1 s', '30 s'),
      }),
      fc.record({ 'restart-strategy.type': fc.constant('exponential-delay') }),
    ),
    { nil: undefined },
  ),
  limit: fc.option(fc.constantFrom('10 min', '1 h', '2 d'), { nil: undefined }),
  maxAttempts: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
});

const faultArb = fc.oneof(
  fc.record({ type: fc.constant('subtask'), vertex: fc.nat(), subtask: fc.nat({ max: 3 }), attempt: fc.option(fc.nat({ max: 2 }), { nil: undefined }), at: fc.option(fc.constantFrom(0, 0.3, 0.5, 1), { nil: undefined }) }),
  fc.record({ type: fc.constant('taskmanager'), at: fc.integer({ min: 0, max: 200 }), tm: fc.nat({ max: 6 }) }),
  fc.record({ type: fc.constant('taskmanager'), at: fc.integer({ min: 0, max: 200 }), vertex: fc.nat(), subtask: fc.nat({ max: 3 }) }),
  fc.record({ type: fc.constant('random-subtask'), probability: fc.constantFrom(0.01, 0.1, 0.3) }),
);

/** A parallelism known before the run, as validation computes it (so a fault's subtask index is legal). */
function knownParallelism(
  v: { parallelism?: number; source?: unknown },
  cfg: { auto: boolean; globalDefault: number | undefined; maxP: number },
): number | undefined {
  if (v.parallelism !== undefined) return v.parallelism;
  if (!cfg.auto) return cfg.globalDefault ?? 1;
  return v.source !== undefined ? 1 : undefined;
}

/** A valid scenario as a plain object (the YAML document), with its seed. */
export const validScenarioArb = fc
  .record({
    vertices: fc.array(vertexArb, { minLength: 1, maxLength: 8 }),
    cluster: clusterArb,
    config: configArb,
    faults: fc.array(faultArb, { maxLength: 3 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ vertices, cluster, config, faults, seed }) => {
    const cfg: Record<string, unknown> = {};
    if (config.mode === 'STREAMING') cfg['execution.runtime-mode'] = 'STREAMING';
    if (config.globalDefault !== undefined) cfg['parallelism.default'] = config.globalDefault;
    let maxP = config.globalDefault ?? 128;
    if (config.minMax !== undefined) {
      let [min, extra] = config.minMax;
      // Flink 1.15 needs a power of two in the range: a power-of-two minimum gives one.
      if (config.decider === '1.15') min = 2 ** Math.floor(Math.log2(min));
      const max = min + extra;
      cfg['execution.batch.adaptive.auto-parallelism.min-parallelism'] = min;
      cfg['execution.batch.adaptive.auto-parallelism.max-parallelism'] = max;
      maxP = Math.min(max, config.globalDefault ?? max);
      if (config.decider === '1.15' && config.globalDefault !== undefined && config.globalDefault < min) {
        cfg['parallelism.default'] = min;
        maxP = min;
      }
    }
    if (config.avg !== undefined) cfg['execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task'] = config.avg;
    if (config.auto !== undefined) cfg['execution.batch.adaptive.auto-parallelism.enabled'] = config.auto;
    if (config.decider !== undefined) cfg['batchsim.parallelism-decider'] = config.decider;
    if (config.failover !== undefined) cfg['jobmanager.execution.failover-strategy'] = config.failover;
    if (config.restart !== undefined) Object.assign(cfg, config.restart);
    if (config.limit !== undefined) cfg['batchsim.max-simulated-time'] = config.limit;
    if (config.maxAttempts !== undefined) cfg['batchsim.max-attempts-per-subtask'] = config.maxAttempts;

    const vs = vertices.map((s, i) => {
      const froms = new Map<string, string>();
      if (i > 0) for (const [k, pattern] of s.inputs) froms.set(`v${k % i}`, pattern);
      const v: Record<string, unknown> = { id: `v${i}` };
      if (s.parallelism !== undefined) v.parallelism = s.parallelism;
      if (froms.size === 0) v.source = { bytes: s.sourceBytes };
      else v.inputs = [...froms].map(([from, pattern]) => ({ from, pattern }));
      if (s.rate !== undefined) v.rate = s.rate;
      if (s.fixed !== undefined) v.fixed = s.fixed;
      if (s.selectivity !== undefined) v.selectivity = s.selectivity;
      if (s.sigma !== undefined) v.jitter = { sigma: s.sigma };
      if (s.skew !== undefined) v.skew = 'zipf' in s.skew && s.skew.keys === undefined ? { zipf: s.skew.zipf } : s.skew;
      return v;
    });
    const known = { auto: config.auto ?? true, globalDefault: config.globalDefault, maxP };
    const fs = faults.map((f) => {
      if (f.type === 'random-subtask') return f;
      if (f.type === 'taskmanager' && 'tm' in f) return f;
      const v = vs[(f as { vertex: number }).vertex % vs.length];
      const p = knownParallelism(v as { parallelism?: number; source?: unknown }, known);
      const subtask = p === undefined ? f.subtask : f.subtask % p;
      if (f.type === 'taskmanager') return { type: 'taskmanager', at: f.at, hosting: `${v.id as string}[${subtask}]` };
      const s = f as { attempt?: number; at?: number };
      return { type: 'subtask', vertex: v.id, subtask, ...(s.attempt !== undefined && { attempt: s.attempt }), ...(s.at !== undefined && { at: s.at }) };
    });
    const c: Record<string, unknown> = {
      taskmanager: {
        slots: cluster.slots,
        startup: cluster.startup,
        idleTimeout: cluster.idleTimeout,
        ...(cluster.cpuPerSlot !== undefined && { cpuPerSlot: cluster.cpuPerSlot }),
        ...(cluster.disk !== undefined && { disk: cluster.disk }),
        ...(cluster.shutdown !== undefined && { shutdown: cluster.shutdown }),
      },
      ...(cluster.maxSlots !== undefined && { maxSlots: cluster.maxSlots }),
      ...(cluster.shuffle !== undefined && { shuffle: cluster.shuffle }),
    };
    return { seed, cluster: c, config: cfg, job: { vertices: vs }, ...(fs.length > 0 && { faults: fs }) };
  });

// ---------------------------------------------------------------------------------- invariants

const MAX_PARALLELISM = 32768;

/** What every run must satisfy, whatever the scenario. */
export function checkRunInvariants(spec: SimulationSpec, result: RunResult): void {
  expect(['FINISHED', 'FAILED']).toContain(result.status);
  if (result.status === 'FAILED') expect(typeof result.failureCause).toBe('string');
  expect(Number.isFinite(result.makespan)).toBe(true);
  expect(result.makespan).toBeGreaterThanOrEqual(0);
  expect(result.makespan * 1000).toBeLessThanOrEqual(spec.guards.maxSimulatedMs + 1e-6);
  allNumbersFinite(result, 'result');
  for (const v of result.vertices) {
    if (v.parallelism !== null) {
      expect(Number.isInteger(v.parallelism) && v.parallelism >= 1 && v.parallelism <= MAX_PARALLELISM, `${v.id}.parallelism ${v.parallelism}`).toBe(true);
    } else {
      expect(result.status).toBe('FAILED');
    }
    for (const [k, b] of Object.entries({ inputBytes: v.inputBytes, outputBytes: v.outputBytes, ...v.subtaskInputBytes })) {
      expect(Number.isSafeInteger(b) && b >= 0, `${v.id}.${k} = ${b} is not a whole byte count`).toBe(true);
    }
    if (result.status === 'FINISHED') expect(v.end, `${v.id} has no end in a finished job`).not.toBeNull();
  }
  for (const f of result.failures) expect(f.time).toBeLessThanOrEqual(result.makespan + 1e-9);
  expect(result.taskManagers.created).toBeGreaterThanOrEqual(result.taskManagers.peak);
}

/** Every number in a JSON-like tree is finite (no NaN or Infinity, which JSON prints as null). */
export function allNumbersFinite(value: unknown, path: string): void {
  if (typeof value === 'number') expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((x, i) => allNumbersFinite(x, `${path}[${i}]`));
  else if (typeof value === 'object' && value !== null) for (const [k, x] of Object.entries(value)) allNumbersFinite(x, `${path}.${k}`);
}

// ---------------------------------------------------------------------------------- mutations

/** Values that stress parsers and bounds. */
const weirdValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    -1, 0, 1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e9, 1e300, 1e308, -1e308, 1e-300, Number.MAX_VALUE, NaN, Infinity, -Infinity,
    '', ' ', '-5', '1.5', 'abc', '__proto__', 'constructor', '1e308 tb', '1e308 d', '1e308', '1e-300 b/s', '100MiB/s', '10 parsecs',
    'unlimited', 'auto', 'v0[3]', 'v0[99999]', 'v1[0]', 'STREAMING', 'BATCH', '1.15', 'none', 'true', '30', '0 s', '1e9 d',
    null, true, false, [], {}, [1, 2], { zipf: 1e308 }, { weights: [1e308, 1e308] }, { zipf: 1, keys: 1e12 }, { bytes: '1e308 tb' },
  ),
  fc.string({ maxLength: 12 }),
  fc.double(),
  fc.integer(),
  fc.nat({ max: 40000 }),
);

const keyArb = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'parallelism', 'slots', 'type', 'at', 'bytes', 'zipf', 'taskmanager.slots', 'x.__proto__', 'toString'),
  fc.string({ maxLength: 8 }),
);

/** One change to a tree: at the node picked by `pick` (modulo the node count), set, delete, add a key, or wrap. */
export interface Mutation {
  pick: number;
  action: 'set' | 'delete' | 'add' | 'wrap' | 'swap-type';
  key: string;
  value: unknown;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  action: fc.constantFrom('set', 'set', 'set', 'delete', 'add', 'wrap', 'swap-type'),
  key: keyArb,
  value: weirdValueArb,
});

/** Text damage: delete, insert or replace characters at a position. */
export interface TextEdit {
  at: number;
  remove: number;
  insert: string;
}

export const textEditArb: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 4 }),
  insert: fc.oneof(fc.constantFrom('', ':', '- ', '[', ']', '{', '}', '\n', '  ', '"', "'", '#', '&a', '*a', '!!binary', '0', '9e999', '.nan', '.inf', '\t', '\u0000'), fc.string({ maxLength: 6 })),
});

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % (t.length + 1);
    t = t.slice(0, at) + e.insert + t.slice(at + e.remove);
  }
  return t;
}

/** Applies mutations to a deep copy of a JSON-like tree; each picks among the maps and lists it holds. */
export function applyMutations(tree: unknown, mutations: readonly Mutation[]): unknown {
  let root = structuredClone(tree);
  for (const m of mutations) {
    const nodes: { parent: Record<string, unknown> | unknown[] | null; key: string | number; node: unknown }[] = [];
    const walk = (node: unknown, parent: Record<string, unknown> | unknown[] | null, key: string | number): void => {
      nodes.push({ parent, key, node });
      if (Array.isArray(node)) node.forEach((x, i) => walk(x, node, i));
      else if (typeof node === 'object' && node !== null) for (const [k, x] of Object.entries(node)) walk(x, node as Record<string, unknown>, k);
    };
    walk(root, null, '');
    const target = nodes[m.pick % nodes.length];
    const value = structuredClone(m.value);
    const replace = (v: unknown): void => {
      if (target.parent === null) root = v;
      else if (Array.isArray(target.parent)) target.parent[target.key as number] = v;
      else Object.defineProperty(target.parent, target.key, { value: v, enumerable: true, configurable: true, writable: true });
    };
    switch (m.action) {
      case 'set':
        replace(value);
        break;
      case 'delete':
        if (Array.isArray(target.parent)) target.parent.splice(target.key as number, 1);
        else if (target.parent !== null) delete target.parent[target.key as string];
        break;
      case 'add':
        if (Array.isArray(target.node)) target.node.push(value);
        else if (typeof target.node === 'object' && target.node !== null) {
          // defineProperty, so `__proto__` becomes an own key, as a parser would make it.
          Object.defineProperty(target.node, m.key, { value, enumerable: true, configurable: true, writable: true });
        }
        break;
      case 'wrap':
        replace([target.node]);
        break;
      case 'swap-type':
        replace(typeof target.node === 'number' ? String(target.node) : typeof target.node === 'string' ? Number(target.node) : { [m.key]: target.node });
        break;
    }
  }
  return root;
}

/** Did a process print a stack trace or an internal error? */
export function crashed(stderr: string): boolean {
  return /\n\s+at |internal error|Error: .*\n\s+at /.test(stderr);
}
