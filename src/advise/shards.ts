//! `advise` as a sharded sweep, in rounds: a plan (the search replayed over the runs known so far, up to the first batch it lacks), shards that make that batch's runs, and the merge that adds them and plans the next round.

import { z } from 'zod';
import { runSummarySchema } from '../compare/shards.js';
import type { RunSummary } from '../compare/aggregate.js';
import { scenarioForChoice, seedList } from '../compare/grid.js';
import { estimatedSubtasks } from '../compare/plan.js';
import { ScenarioError } from '../scenario/issues.js';
import { loadJobScenario } from '../scenario/load.js';
import { sweepFingerprint, zodIssues } from '../sweep/part.js';
import { assignShards } from '../sweep/partition.js';
import { advise, type Advice } from './advise.js';
import { EvaluationPool } from './pool.js';
import { runKey, RunsNeeded, type NeededRun } from './evaluate.js';
import type { Goal } from './goal.js';
import { buildSpace, candidateKey, candidateOverrides, SETTINGS, type Setting, type SettingValue, type SpaceRequest } from './space.js';

/** The `kind` of an advise part. */
export const ADVISE_KIND = 'advise';
/** The value of a plan's `format` field. */
export const PLAN_FORMAT = 'batchsim-advise-plan';
/** Raised when the layout of a plan changes. */
export const PLAN_FORMAT_VERSION = 1;

/** A run made, with its summary. */
export interface KnownRun {
  candidate: number[];
  seed: number;
  summary: RunSummary;
}

/** A setting's value as JSON holds it: `unlimited` for an unlimited slot cap. */
type JsonValue = number | string;

/**
 * Everything a round of a sharded search needs, and what ties its parts together: the
 * search asked for (scenario text and name, seeds, goal, `--fix` and `--vary`), the runs
 * known from earlier rounds, and the runs this round needs.
 */
export interface AdviseSweep {
  file: string;
  scenario: string;
  seed: number;
  seeds: number;
  goal: Goal;
  fix: Partial<Record<Setting, JsonValue>>;
  vary: Partial<Record<Setting, JsonValue[]>>;
  /** 1 for the first plan, then one more for each merge. */
  round: number;
  known: KnownRun[];
  runs: { candidate: number[]; seed: number }[];
}

/** A plan file: the sweep of one round with the version that made it and its fingerprint. */
export interface AdvisePlan {
  format: typeof PLAN_FORMAT;
  formatVersion: typeof PLAN_FORMAT_VERSION;
  version: string;
  fingerprint: string;
  sweep: AdviseSweep;
}

const UNLIMITED = 'unlimited';
const toJson = (v: SettingValue): JsonValue => (v === Infinity ? UNLIMITED : v);
const fromJson = (v: JsonValue): SettingValue => (v === UNLIMITED ? Infinity : (v as SettingValue));

/** The search a sweep asks for, without its rounds: what the first plan is made from. */
export interface AdviseAsk {
  file: string;
  text: string;
  firstSeed: number;
  seedCount: number;
  goal: Goal;
  space: SpaceRequest;
}

/** The first round's sweep (no run known yet, the runs not yet planned). */
export function firstSweep(ask: AdviseAsk): AdviseSweep {
  const fix: AdviseSweep['fix'] = {};
  const vary: AdviseSweep['vary'] = {};
  for (const [s, v] of Object.entries(ask.space.fix ?? {}) as [Setting, SettingValue][]) fix[s] = toJson(v);
  for (const [s, l] of Object.entries(ask.space.vary ?? {}) as [Setting, SettingValue[]][]) vary[s] = l.map(toJson);
  return { file: ask.file, scenario: ask.text, seed: ask.firstSeed, seeds: ask.seedCount, goal: ask.goal, fix, vary, round: 1, known: [], runs: [] };
}

/** The search of a sweep, without its rounds: equal for two sweeps of one search. */
export function askFingerprint(sweep: AdviseSweep, version: string): string {
  const { round: _r, known: _k, runs: _n, ...ask } = sweep;
  return sweepFingerprint(ADVISE_KIND, version, ask);
}

function spaceOf(sweep: AdviseSweep): SpaceRequest {
  const fix: SpaceRequest['fix'] = {};
  const vary: SpaceRequest['vary'] = {};
  for (const [s, v] of Object.entries(sweep.fix) as [Setting, JsonValue][]) fix[s] = fromJson(v);
  for (const [s, l] of Object.entries(sweep.vary) as [Setting, JsonValue[]][]) vary[s] = l.map(fromJson);
  return { fix, vary };
}

/** What a round of the search comes to: the answer, or the runs it needs next. */
export type Step = { advice: Advice } | { needs: NeededRun[] };

/**
 * Replays the search over the sweep's known runs (simulating none of them again) until it
 * finishes or needs a batch with runs not known. The search is deterministic and a run's
 * result depends only on its setting and seed, so every round replays the same path and
 * the answer is the one the unsharded search gives.
 */
export async function stepSearch(sweep: AdviseSweep): Promise<Step> {
  const scenario = loadJobScenario(sweep.scenario, sweep.file, 'advise');
  const runs = new Map<string, RunSummary>(sweep.known.map((k) => [runKey(candidateKey(k.candidate), k.seed), k.summary]));
  try {
    const advice = await advise({
      text: sweep.scenario,
      file: sweep.file,
      scenario,
      seeds: seedList(sweep.seed, sweep.seeds),
      goal: sweep.goal,
      space: spaceOf(sweep),
      threads: 1,
      known: { runs, stop: true },
    });
    return { advice };
  } catch (err) {
    if (err instanceof RunsNeeded) return { needs: err.runs };
    throw err;
  }
}

/** The sweep with the runs it needs (as {@link stepSearch} found them). */
export function withRuns(sweep: AdviseSweep, needs: readonly NeededRun[]): AdviseSweep {
  return { ...sweep, runs: needs.map((n) => ({ candidate: [...n.candidate], seed: n.seed })) };
}

/** The next round's sweep: this round's runs, made, added to the known ones; its runs still to be found. */
export function nextSweep(sweep: AdviseSweep, made: readonly RunSummary[]): AdviseSweep {
  const known = [...sweep.known, ...sweep.runs.map((r, i) => ({ candidate: r.candidate, seed: r.seed, summary: made[i] }))];
  return { ...sweep, round: sweep.round + 1, known, runs: [] };
}

/** The shard of each run of the round, balanced by the subtasks of its setting. */
export function shardOfPlanRuns(sweep: AdviseSweep, count: number): Uint32Array {
  const space = buildSpace(loadJobScenario(sweep.scenario, sweep.file, 'advise').spec, spaceOf(sweep));
  const cost = new Map<string, number>();
  const weights = sweep.runs.map((r) => {
    const key = candidateKey(r.candidate);
    let w = cost.get(key);
    if (w === undefined) {
      w = estimatedSubtasks(scenarioForChoice(sweep.scenario, sweep.file, candidateOverrides(space, r.candidate)).spec);
      cost.set(key, w);
    }
    return w;
  });
  return assignShards(weights, count);
}

/** The overrides of each run's setting, for the pool. */
export function planOverrides(sweep: AdviseSweep) {
  const space = buildSpace(loadJobScenario(sweep.scenario, sweep.file, 'advise').spec, spaceOf(sweep));
  return (candidate: readonly number[]) => candidateOverrides(space, candidate);
}

/** A plan file's text (one line of JSON). */
export function planText(sweep: AdviseSweep, version: string): string {
  const plan: AdvisePlan = { format: PLAN_FORMAT, formatVersion: PLAN_FORMAT_VERSION, version, fingerprint: sweepFingerprint(ADVISE_KIND, version, sweep), sweep };
  return `${JSON.stringify(plan)}\n`;
}

const finite = z.number().finite().min(0);
const summarySchema = runSummarySchema.extend({ detail: z.strictObject({ cuSeconds: finite, heapOccupancy: finite }) });
const candidate = z.array(z.number().int().min(0));
const seed = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const value = z.union([z.number().finite(), z.string()]);
const settingKey = z.enum(SETTINGS as [Setting, ...Setting[]]);
const sweepSchema = z.strictObject({
  file: z.string().min(1),
  scenario: z.string(),
  seed,
  seeds: z.number().int().min(1),
  goal: z.strictObject({
    objective: z.enum(['cost', 'makespan']),
    percentile: z.number().gt(0).max(100),
    deadline: z.number().positive().finite().optional(),
    budget: z.number().positive().finite().optional(),
    safety: z.number().gt(0).max(1).optional(),
  }),
  fix: z.partialRecord(settingKey, value),
  vary: z.partialRecord(settingKey, z.array(value).min(1)),
  round: z.number().int().min(1),
  known: z.array(z.strictObject({ candidate, seed, summary: summarySchema })),
  runs: z.array(z.strictObject({ candidate, seed })),
});

/** The sweep of a plan or a part, checked. @throws ScenarioError naming the file and the field */
export function readAdviseSweep(file: string, raw: unknown, path = 'sweep'): AdviseSweep {
  const r = sweepSchema.safeParse(raw);
  if (!r.success) throw new ScenarioError(file, zodIssues(r.error, path));
  const sweep = r.data as AdviseSweep;
  // A candidate is an index into each setting's values: one per setting, each in range.
  const space = buildSpace(loadJobScenario(sweep.scenario, sweep.file, 'advise').spec, spaceOf(sweep));
  const bad = (c: readonly number[]) => c.length !== space.settings.length || c.some((v, i) => v >= space.values[space.settings[i]].length);
  const at = [...sweep.known.map((k, i) => ({ c: k.candidate, where: `${path}.known[${i}].candidate` })), ...sweep.runs.map((n, i) => ({ c: n.candidate, where: `${path}.runs[${i}].candidate` }))].find((x) => bad(x.c));
  if (at !== undefined) {
    throw new ScenarioError(file, [{ path: at.where, message: `is not a setting of this search: expected ${space.settings.length} value indexes (${space.settings.join(', ')}) within their lists` }]);
  }
  return sweep;
}

/** A run summary of a part, checked against the seed of its run. @throws ScenarioError */
export function readAdviseSummary(file: string, path: string, raw: unknown, seedOfRun: number): RunSummary {
  const r = summarySchema.safeParse(raw);
  if (!r.success) throw new ScenarioError(file, zodIssues(r.error, path));
  if (r.data.seed !== seedOfRun) throw new ScenarioError(file, [{ path: `${path}.seed`, message: `is ${r.data.seed}, but this run's seed is ${seedOfRun}` }]);
  return r.data as RunSummary;
}

/**
 * Reads a plan written by `advise --plan --out` or `merge --out`; refuses one of another
 * batchsim version (its runs would not be this simulator's) or one edited since.
 * @throws ScenarioError naming the file
 */
export function readPlan(file: string, text: string, version: string): AdviseSweep {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(file, [{ path: '', message: `not an advise plan: ${(err as Error).message}` }]);
  }
  const r = raw as Partial<AdvisePlan> | null;
  if (typeof r !== 'object' || r === null || r.format !== PLAN_FORMAT) {
    throw new ScenarioError(file, [{ path: '', message: 'not an advise plan (a file written by `batchsim advise FILE --plan --out PLAN` or `batchsim merge PARTS --out PLAN`)' }]);
  }
  if (r.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new ScenarioError(file, [{ path: 'formatVersion', message: `plan format ${String(r.formatVersion)} is not the one this batchsim reads (${PLAN_FORMAT_VERSION}); make the plan again with this batchsim` }]);
  }
  if (r.version !== version) {
    throw new ScenarioError(file, [{ path: 'version', message: `was made by batchsim ${String(r.version)}, this is batchsim ${version}: run every round of a search with one version` }]);
  }
  const sweep = readAdviseSweep(file, r.sweep);
  if (sweepFingerprint(ADVISE_KIND, version, sweep) !== r.fingerprint) {
    throw new ScenarioError(file, [{ path: 'fingerprint', message: 'does not match the plan: the file was edited or damaged; make it again' }]);
  }
  return sweep;
}

/** Makes the runs of the plan at `positions` on `threads` threads; summaries in position order. */
export async function runPlanRuns(sweep: AdviseSweep, positions: readonly number[], threads: number): Promise<RunSummary[]> {
  const overridesOf = planOverrides(sweep);
  const pool = new EvaluationPool(sweep.scenario, sweep.file, threads);
  try {
    const choice = new Map<string, number>();
    const tasks = positions.map((p) => {
      const r = sweep.runs[p];
      const key = candidateKey(r.candidate);
      let c = choice.get(key);
      if (c === undefined) {
        c = pool.addChoices([overridesOf(r.candidate)]);
        choice.set(key, c);
      }
      return { choice: c, seed: r.seed };
    });
    return await pool.run(tasks);
  } finally {
    await pool.close();
  }
}
