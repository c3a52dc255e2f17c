//! Turns a workload's entries into the jobs it submits: schedules repeated, random arrivals
//! drawn (seeded), `after` resolved to job names, and each job's seed derived from its name.

import { RandomStreams } from '../engine/rng.js';
import type { WorkloadEntry, WorkloadJobSpec, WorkloadSpec } from '../model/workload-spec.js';

const FNV_OFFSET_64 = 0xcbf29ce484222325n;
const FNV_PRIME_64 = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;
const MASK_53 = (1n << 53n) - 1n;

/** The 64-bit FNV-1a hash of a string's UTF-8 bytes. */
export function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET_64;
  for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * FNV_PRIME_64) & MASK_64;
  return h;
}

/**
 * A job's own seed within a workload: the low 53 bits of the 64-bit FNV-1a hash of the
 * workload's seed in decimal, a NUL character and the job's name. It depends on nothing
 * else, so a job draws the same numbers whatever other jobs share the cluster, and it is a
 * non-negative integer a double holds exactly.
 */
export function jobSeed(seed: number, name: string): number {
  return Number(fnv1a64(`${seed}\u0000${name}`) & MASK_53);
}

/**
 * The jobs a workload submits, in the order of its entries (a repeated entry's jobs in
 * submission order). Pure: the same spec and seed give the same jobs.
 *
 * - A job submitted once keeps its name; a schedule (`every`) submits `NAME#0` at its submit
 *   time, `NAME#k` k gaps later; an arrival process draws exponential gaps of its mean (on the
 *   random stream `arrivals:NAME`) from its start, so `NAME#0` comes one gap after it, and
 *   picks each job's template uniformly (on the stream `templates:NAME`). Times are rounded
 *   to whole milliseconds, from the exact running sum, so rounding never accumulates.
 * - `after: [X]`, X a job submitted once: that job. X a schedule or arrival process: every
 *   job of it, except that a schedule's job k after another schedule with the same `count`
 *   waits only for that schedule's job k (day k's report after day k's load). `X#k` names one.
 * - Each job's `spec.seed` is {@link jobSeed}(seed, its name).
 * @param seed the run's seed (the scenario's, or one given on the command line)
 */
export function expandJobs(spec: WorkloadSpec, seed: number): WorkloadJobSpec[] {
  const byName = new Map<string, WorkloadEntry>(spec.entries.map((e) => [entryName(e), e]));
  const streams = new RandomStreams(seed);
  const out: WorkloadJobSpec[] = [];
  const add = (job: WorkloadJobSpec, name: string, submitMs: number, entry: WorkloadEntry, k: number) => {
    out.push({
      ...job,
      name,
      submitMs,
      after: job.after.flatMap((ref) => resolveAfter(ref, entry, k, byName)),
      spec: { ...job.spec, seed: jobSeed(seed, name) },
    });
  };
  for (const e of spec.entries) {
    if (e.kind === 'once') add(e.job, e.job.name, e.job.submitMs, e, 0);
    else if (e.kind === 'every') {
      for (let k = 0; k < e.count; k++) add(e.job, `${e.job.name}#${k}`, e.job.submitMs + k * e.everyMs, e, k);
    } else {
      const gaps = streams.stream(`arrivals:${e.name}`);
      const picks = streams.stream(`templates:${e.name}`);
      let t = e.startMs;
      for (let k = 0; k < e.count; k++) {
        // 1 - u is in (0, 1], so the logarithm is finite.
        t += -e.meanMs * Math.log(1 - gaps.next());
        const template = e.templates[Math.floor(picks.next() * e.templates.length)];
        add(template, `${e.name}#${k}`, Math.round(t), e, k);
      }
    }
  }
  return out;
}

/** How many jobs a workload submits, schedules and arrival processes counted job by job. */
export function workloadJobCount(spec: WorkloadSpec): number {
  return spec.entries.reduce((n, e) => n + entryCount(e), 0);
}

function entryName(e: WorkloadEntry): string {
  return e.kind === 'poisson' ? e.name : e.job.name;
}

function entryCount(e: WorkloadEntry): number {
  return e.kind === 'once' ? 1 : e.count;
}

/** The names of the jobs that `ref` (in the `after` of job k of `from`) stands for. */
function resolveAfter(ref: string, from: WorkloadEntry, k: number, byName: ReadonlyMap<string, WorkloadEntry>): string[] {
  const target = byName.get(ref);
  if (target === undefined) return [ref];
  if (target.kind === 'once') return [ref];
  if (from.kind === 'every' && target.kind === 'every' && target.count === from.count) return [`${ref}#${k}`];
  return Array.from({ length: entryCount(target) }, (_, i) => `${ref}#${i}`);
}
