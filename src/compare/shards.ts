//! `compare` as a sharded sweep: what a part records of the comparison, the runs of each shard, and the comparison rebuilt from the parts.

import { z } from 'zod';
import { ScenarioError } from '../scenario/issues.js';
import { loadJobScenario, STDIN_LABEL } from '../scenario/load.js';
import { assignShards, itemsOfShard } from '../sweep/partition.js';
import { makePart, zodIssues, type Part, type PartResult } from '../sweep/part.js';
import type { Shard } from '../sweep/shard.js';
import { buildComparison, type Comparison, type RunSummary } from './aggregate.js';
import { DIMENSIONS, seedList, type Dimension, type GridAxes } from './grid.js';
import { planComparison, runWeights, type ComparePlan } from './plan.js';

/** The `kind` of a compare part. */
export const COMPARE_KIND = 'compare';

/** A swept value as JSON holds it: `unlimited` for an unlimited bandwidth or slot cap. */
export type AxisValue = number | string;

/**
 * What identifies a comparison and is enough to plan it again: the scenario's text and the
 * name it was given, the values of each swept setting, and the seeds.
 */
export interface CompareSweep {
  file: string;
  scenario: string;
  axes: Partial<Record<Dimension, AxisValue[]>>;
  seed: number;
  seeds: number;
}

const UNLIMITED = 'unlimited';

/** The sweep of a comparison, with Infinity spelled `unlimited` (JSON has no Infinity). */
export function compareSweep(args: { file: string; text: string; axes: GridAxes; firstSeed: number; seedCount: number }): CompareSweep {
  const axes: Partial<Record<Dimension, AxisValue[]>> = {};
  for (const d of DIMENSIONS) {
    const values = args.axes[d] as readonly (number | string)[] | undefined;
    if (values !== undefined && values.length > 0) axes[d] = values.map((v) => (v === Infinity ? UNLIMITED : v));
  }
  return { file: args.file, scenario: args.text, axes, seed: args.firstSeed, seeds: args.seedCount };
}

const count = z.number().int().min(1);
const positive = z.number().positive().finite();
const orUnlimited = z.union([positive, z.literal(UNLIMITED)]);
const axesSchema = z.strictObject({
  slots: z.array(count).min(1).optional(),
  cpuPerSlot: z.array(positive).min(1).optional(),
  memoryPerSlot: z.array(count).min(1).optional(),
  diskBandwidth: z.array(orUnlimited).min(1).optional(),
  networkBandwidth: z.array(orUnlimited).min(1).optional(),
  maxSlots: z.array(z.union([count, z.literal(UNLIMITED)])).min(1).optional(),
  shuffle: z.array(z.enum(['local', 'remote'])).min(1).optional(),
  avgVolume: z.array(count).min(1).optional(),
  mode: z.array(z.enum(['BATCH', 'STREAMING'])).min(1).optional(),
});
const sweepSchema = z.strictObject({
  file: z.string().min(1),
  scenario: z.string(),
  axes: axesSchema,
  seed: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  seeds: count,
});

/** The grid axes of a sweep, `unlimited` read back as Infinity. */
export function sweepAxes(sweep: CompareSweep): GridAxes {
  const axes: Record<string, unknown[]> = {};
  for (const [d, values] of Object.entries(sweep.axes)) axes[d] = values.map((v) => (v === UNLIMITED ? Infinity : v));
  return axes as GridAxes;
}

/** The sweep of a part, checked. @throws ScenarioError naming the file and the field */
export function readCompareSweep(file: string, raw: unknown): CompareSweep {
  const r = sweepSchema.safeParse(raw);
  if (!r.success) throw new ScenarioError(file, zodIssues(r.error, 'sweep'));
  return r.data as CompareSweep;
}

/**
 * A number as `compare`'s own option parsers read it back: JavaScript's shortest exact
 * digits, with an exponent (`1e-7`) written out as a plain decimal (`0.0000001`).
 */
export function plainNumber(n: number): string {
  const s = String(n);
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const digits = m[1] + (m[2] ?? '');
  const point = 1 + Number(m[3]); // where the decimal point goes in `digits`
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  return point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** How the command line spells each swept value, so that parsing the spelling gives the value back exactly. */
const SPELL: Record<Dimension, (v: AxisValue) => string> = {
  slots: String,
  cpuPerSlot: (v) => plainNumber(v as number),
  memoryPerSlot: (v) => `${plainNumber(v as number)}b`,
  diskBandwidth: (v) => (v === UNLIMITED ? UNLIMITED : `${String(v)}b/s`),
  networkBandwidth: (v) => (v === UNLIMITED ? UNLIMITED : `${String(v)}b/s`),
  maxSlots: String,
  shuffle: String,
  avgVolume: (v) => `${plainNumber(v as number)}b`,
  mode: (v) => String(v).toLowerCase(),
};

/** `--memory-per-slot` for `memoryPerSlot`. */
const flagOf = (d: Dimension): string => `--${d.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The arguments of `batchsim compare` that run this sweep (without `--shard` and `--out`). */
export function compareArgs(sweep: CompareSweep): string[] {
  const args = ['compare', sweep.file === STDIN_LABEL ? '-' : sweep.file];
  for (const d of DIMENSIONS) {
    const values = sweep.axes[d];
    if (values !== undefined) args.push(flagOf(d), values.map(SPELL[d]).join(','));
  }
  args.push('--seed', String(sweep.seed), '--seeds', String(sweep.seeds));
  return args;
}

/** The shard of each run of a plan, balanced by each run's expected cost. */
export function shardOfRuns(plan: ComparePlan, count: number): Uint32Array {
  return assignShards(runWeights(plan), count);
}

/** The positions of the runs that `shard` makes. */
export function runsOfShard(plan: ComparePlan, shard: Shard): number[] {
  return itemsOfShard(shardOfRuns(plan, shard.count), shard.index);
}

/** A shard's part: the sweep and the summaries of its runs, by run position. */
export function comparePart(args: { sweep: CompareSweep; version: string; shard: Shard; total: number; positions: readonly number[]; summaries: readonly RunSummary[] }): Part<CompareSweep, RunSummary> {
  const results: PartResult<RunSummary>[] = args.positions.map((position, i) => ({ position, value: args.summaries[i] }));
  return makePart({ kind: COMPARE_KIND, version: args.version, shard: args.shard, total: args.total, sweep: args.sweep, rerun: compareArgs(args.sweep), results });
}

const finite = z.number().finite().min(0);
/** A run summary as a part holds it (compare's; advise's adds its detail). */
export const runSummarySchema = z.strictObject({
  seed: z.number().int(),
  status: z.enum(['FINISHED', 'FAILED']),
  failureCause: z.string().nullable(),
  makespan: finite,
  tmsCreated: finite,
  tmsPeak: finite,
  coreSeconds: finite,
  gibSeconds: finite,
  peakDiskBytes: finite,
  restarts: finite,
});

/** A run summary of a part, checked, and of the seed its position runs. @throws ScenarioError */
export function readRunSummary(file: string, path: string, raw: unknown, seed: number): RunSummary {
  const r = runSummarySchema.safeParse(raw);
  if (!r.success) throw new ScenarioError(file, zodIssues(r.error, path));
  if (r.data.seed !== seed) throw new ScenarioError(file, [{ path: `${path}.seed`, message: `is ${r.data.seed}, but this run's seed is ${seed}` }]);
  return r.data as RunSummary;
}

/** The plan of a sweep read from a part: the scenario is loaded from the part's own text. */
export function planOfSweep(sweep: CompareSweep, onWarnings?: (label: string, warnings: string[]) => void): ComparePlan {
  const scenario = loadJobScenario(sweep.scenario, sweep.file, 'compare');
  return planComparison({ text: sweep.scenario, label: sweep.file, scenario, axes: sweepAxes(sweep), seeds: seedList(sweep.seed, sweep.seeds), onWarnings });
}

/** The comparison of a plan and every run's summary, as the unsharded command builds it. */
export function comparisonOf(plan: ComparePlan, file: string, summaries: readonly RunSummary[]): Comparison {
  return buildComparison({ scenario: plan.name, file, seeds: plan.seeds, swept: plan.swept, base: plan.base, choices: plan.choices, summaries });
}
