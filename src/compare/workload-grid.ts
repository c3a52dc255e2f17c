//! The grid `batchsim compare` sweeps for a multi-job scenario: the queues' capacities and the slot cap of every job, applied to the loaded workload.

import { jobManagerCu, taskManagerCu } from '../model/capacity-units.js';
import type { QueueSpec, WorkloadEntry, WorkloadJobSpec, WorkloadSpec } from '../model/workload-spec.js';
import { formatMaxSlots } from './grid.js';

/**
 * One `--queue-capacity` flag: the capacities (CU; Infinity = unlimited) to try for one
 * queue (`NAME=32,64`), or, with `queue` null, for every queue no other flag names (`32,64`),
 * all of those taking the same value in a choice.
 */
export interface CapacityAxis {
  queue: string | null;
  values: number[];
}

/** What a multi-job comparison sweeps; an absent or empty list keeps the scenario's values. */
export interface WorkloadAxes {
  capacity?: readonly CapacityAxis[];
  /** `slotmanager.number-of-slots.max` of every job (Infinity = unlimited). */
  maxSlots?: readonly number[];
}

/** What a choice changes: capacities by queue name, and the slot cap of every job. */
export interface WorkloadOverrides {
  capacity?: Record<string, number>;
  maxSlots?: number;
}

/** One point of the grid. */
export interface WorkloadChoice {
  /** Position in the grid, from 0. */
  index: number;
  /** The value of each swept axis, in {@link sweptAxes} order. */
  values: number[];
  overrides: WorkloadOverrides;
  /** Every queue with the capacity it has in this choice. */
  queues: QueueSpec[];
  /** The slot cap every job runs with, or null when each keeps its own. */
  maxSlots: number | null;
  /** The swept values in words, e.g. `etl 32 CU, max slots 8`. */
  label: string;
}

/** A swept axis, for headings: what it changes and its values. */
export interface SweptAxis {
  kind: 'capacity' | 'maxSlots';
  /** For `capacity`: the queues it sets (one, or every queue no other flag names). */
  queues: string[];
  /** True for the flag without a queue name. */
  everyQueue: boolean;
  values: number[];
}

/** A flag that does not fit the scenario (unknown queue, a capacity no job fits in): exit 2. */
export class SweepFlagError extends Error {}

/** `unlimited` or the number of CU, as the flag and the scenario spell a capacity. */
export function formatCapacity(cu: number): string {
  return Number.isFinite(cu) ? `${+cu.toFixed(3)}` : 'unlimited';
}

/**
 * The swept axes in grid order (the capacity flags as given, then max slots), each
 * resolved against the workload's queues.
 * @throws SweepFlagError for a queue the workload does not have, a queue named twice,
 *   two flags without a name, or a flag without a name that is left no queue
 */
export function sweptAxes(workload: WorkloadSpec, axes: WorkloadAxes): SweptAxis[] {
  const names = workload.queues.map((q) => q.name);
  const flags = axes.capacity ?? [];
  const named = new Set<string>();
  for (const f of flags) {
    if (f.queue === null) continue;
    if (!names.includes(f.queue)) {
      throw new SweepFlagError(`--queue-capacity ${f.queue}=...: the scenario has no queue \`${f.queue}\`; its queues are ${names.map((n) => `\`${n}\``).join(', ')}`);
    }
    if (named.has(f.queue)) throw new SweepFlagError(`--queue-capacity: queue \`${f.queue}\` is given twice; list all its values in one flag (\`${f.queue}=32,64\`)`);
    named.add(f.queue);
  }
  const bare = flags.filter((f) => f.queue === null);
  if (bare.length > 1) throw new SweepFlagError('--queue-capacity: only one list without a queue name (it sets every queue not named); name the queues (`NAME=32,64`) to sweep them apart');
  const out: SweptAxis[] = [];
  for (const f of flags) {
    if (f.values.length === 0) continue;
    if (f.queue !== null) {
      out.push({ kind: 'capacity', queues: [f.queue], everyQueue: false, values: f.values });
      continue;
    }
    const rest = names.filter((n) => !named.has(n));
    if (rest.length === 0) throw new SweepFlagError('--queue-capacity: the list without a queue name sets every queue not named, but every queue is named');
    out.push({ kind: 'capacity', queues: rest, everyQueue: true, values: f.values });
  }
  if ((axes.maxSlots?.length ?? 0) > 0) out.push({ kind: 'maxSlots', queues: [], everyQueue: false, values: [...(axes.maxSlots as number[])] });
  return out;
}

/** How many choices the axes make, without making them. */
export function workloadGridSize(axes: WorkloadAxes): number {
  const lists = [...(axes.capacity ?? []).map((a) => a.values), axes.maxSlots ?? []];
  return lists.reduce((n, l) => n * (l.length > 0 ? l.length : 1), 1);
}

/** An axis's value in words, for a label. */
export function describeAxisValue(axis: SweptAxis, value: number, queueCount: number): string {
  if (axis.kind === 'maxSlots') return `max slots ${formatMaxSlots(value)}`;
  const who = axis.everyQueue ? (axis.queues.length === queueCount ? (queueCount === 1 ? `${axis.queues[0]}` : 'every queue') : 'other queues') : axis.queues[0];
  return `${who} ${formatCapacity(value)}${Number.isFinite(value) ? ' CU' : ''}`;
}

/**
 * The cartesian product of the swept values, the first axis varying slowest. With nothing
 * swept the grid is the scenario itself: one choice, no overrides.
 */
export function buildWorkloadGrid(workload: WorkloadSpec, swept: readonly SweptAxis[]): WorkloadChoice[] {
  let points: number[][] = [[]];
  for (const axis of swept) points = points.flatMap((p) => axis.values.map((v) => [...p, v]));
  return points.map((values, index) => {
    const overrides: WorkloadOverrides = {};
    swept.forEach((axis, i) => {
      if (axis.kind === 'maxSlots') overrides.maxSlots = values[i];
      else for (const q of axis.queues) (overrides.capacity ??= {})[q] = values[i];
    });
    const queues = workload.queues.map((q) => ({ name: q.name, capacityCu: overrides.capacity?.[q.name] ?? q.capacityCu }));
    const label =
      swept.length === 0 ? 'as in the scenario' : swept.map((axis, i) => describeAxisValue(axis, values[i], workload.queues.length)).join(', ');
    return { index, values, overrides, queues, maxSlots: overrides.maxSlots ?? null, label };
  });
}

/** Every job an entry can run: the job of a single or scheduled entry, the templates of an arrival process. */
export function entryJobs(e: WorkloadEntry): WorkloadJobSpec[] {
  return e.kind === 'poisson' ? e.templates : [e.job];
}

/** The name an entry's jobs report under: theirs, or `NAME` for `NAME#0`, `NAME#1`, ... */
export function entryName(e: WorkloadEntry): string {
  return e.kind === 'poisson' ? e.name : e.job.name;
}

/**
 * The workload with a choice applied: queue capacities replaced, and every job's slot cap
 * (whatever set it: `cluster.maxSlots`, the scenario's, the job file's or the job's own
 * `config`) replaced by the choice's. Nothing else the loader derives depends on either, so
 * the resolved workload is changed rather than reloaded.
 * @throws SweepFlagError when a job could never start in its queue at the choice's capacity
 */
export function applyWorkloadChoice(workload: WorkloadSpec, overrides: WorkloadOverrides): WorkloadSpec {
  const queues = workload.queues.map((q) => ({ name: q.name, capacityCu: overrides.capacity?.[q.name] ?? q.capacityCu }));
  const cap = overrides.maxSlots;
  const patch = (j: WorkloadJobSpec): WorkloadJobSpec => ({ ...j, spec: { ...j.spec, cluster: { ...j.spec.cluster, maxSlots: cap as number } } });
  const entries =
    cap === undefined
      ? workload.entries
      : workload.entries.map((e): WorkloadEntry => (e.kind === 'poisson' ? { ...e, templates: e.templates.map(patch) } : { ...e, job: patch(e.job) }));
  if (overrides.capacity !== undefined) {
    for (const e of entries) {
      for (const j of entryJobs(e)) {
        const q = queues.find((x) => x.name === j.queue);
        const need = jobManagerCu(j.spec.cluster) + taskManagerCu(j.spec.cluster);
        if (q !== undefined && need > q.capacityCu) {
          throw new SweepFlagError(
            `--queue-capacity ${formatCapacity(q.capacityCu)} for queue \`${q.name}\`: job \`${j.name}\` needs ${formatCapacity(need)} CU to start ` +
              `(its JobManager ${formatCapacity(jobManagerCu(j.spec.cluster))} CU and one TaskManager ${formatCapacity(taskManagerCu(j.spec.cluster))} CU), so it could never run`,
          );
        }
      }
    }
  }
  return { ...workload, queues, entries };
}

/**
 * Jobs whose TaskManagers have more slots than the choice's cap: none of their TaskManagers
 * can start, so they end FAILED. Said as a warning, as the loader says it of a single job.
 */
export function capBelowTaskManager(workload: WorkloadSpec, maxSlots: number): string[] {
  const names = new Set<string>();
  for (const e of workload.entries) for (const j of entryJobs(e)) if (j.spec.cluster.slotsPerTaskManager > maxSlots) names.add(j.name);
  return [...names];
}
