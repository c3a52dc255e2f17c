//! Runs candidates over a growing prefix of the seeds and keeps their statistics; a candidate with a failed run gets no more seeds.

import { median, percentile, type RunSummary } from '../compare/aggregate.js';
import { scenarioForChoice, type ChoiceOverrides } from '../compare/grid.js';
import { ScenarioError } from '../scenario/issues.js';
import type { EvaluationPool, PoolTask } from './pool.js';
import { candidateKey, candidateOverrides, candidateSettings, changedCount, type AdviseSettings, type Candidate, type Space } from './space.js';

/** A candidate's statistics over the seeds it has run. */
export interface CandidateStats {
  /** Seeds run so far (the first ones of the list). */
  seeds: number;
  /** Runs that ended FAILED. */
  failed: number;
  /** The first failed run's cause, or null. */
  failureCause: string | null;
  /** Makespan at the asked percentile (nearest rank) and median, seconds. */
  makespanPercentile: number;
  makespanMedian: number;
  /** Median CU-seconds: the cost. */
  costMedian: number;
  coreSecondsMedian: number;
  gibSecondsMedian: number;
  tmsCreatedMedian: number;
  restartsTotal: number;
  /** Fullest TaskManager's disk over all runs, bytes, and as a share of one TaskManager's disk. */
  peakDiskBytesMax: number;
  diskBytes: number;
  diskShare: number;
  /** Highest heap occupancy over all runs and vertices. */
  heapOccupancyMax: number;
}

/** One candidate the search has looked at. */
export interface Evaluated {
  candidate: Candidate;
  key: string;
  settings: AdviseSettings;
  overrides: ChoiceOverrides;
  /** Settings changed from the scenario as written. */
  changed: number;
  /** Why the scenario loader rejects this candidate (a memory layout Flink would not start), or null. */
  invalid: string | null;
  /** Its runs, in seed order. */
  runs: RunSummary[];
  /** Disk of one TaskManager, bytes. */
  diskBytes: number;
  /** Its number in the pool. */
  choice: number;
}

/** The statistics of a candidate's runs so far, or null when it has none (rejected, or not yet run). */
export function candidateStats(e: Evaluated, pct: number): CandidateStats | null {
  if (e.runs.length === 0) return null;
  const pick = (f: (r: RunSummary) => number) => e.runs.map(f);
  const failed = e.runs.filter((r) => r.status !== 'FINISHED');
  const peak = Math.max(...pick((r) => r.peakDiskBytes));
  return {
    seeds: e.runs.length,
    failed: failed.length,
    failureCause: failed[0]?.failureCause ?? null,
    makespanPercentile: percentile(pick((r) => r.makespan), pct),
    makespanMedian: median(pick((r) => r.makespan)),
    costMedian: median(pick((r) => r.detail?.cuSeconds ?? NaN)),
    coreSecondsMedian: median(pick((r) => r.coreSeconds)),
    gibSecondsMedian: median(pick((r) => r.gibSeconds)),
    tmsCreatedMedian: median(pick((r) => r.tmsCreated)),
    restartsTotal: e.runs.reduce((n, r) => n + r.restarts, 0),
    peakDiskBytesMax: peak,
    diskBytes: e.diskBytes,
    diskShare: e.diskBytes > 0 ? peak / e.diskBytes : 0,
    heapOccupancyMax: Math.max(...pick((r) => r.detail?.heapOccupancy ?? 0)),
  };
}

/** The key of one run of a candidate among {@link KnownRuns}. */
export const runKey = (candidateKey: string, seed: number): string => `${candidateKey}@${seed}`;

/**
 * Runs already made elsewhere (a sharded search's earlier rounds), by {@link runKey}. With
 * `stop`, a batch that needs a run not among them is not run: {@link RunsNeeded} is thrown
 * with the batch's missing runs, which is where a sharded search hands out its next round.
 */
export interface KnownRuns {
  runs: ReadonlyMap<string, RunSummary>;
  stop: boolean;
}

/** One run a search needs: a candidate with a seed. */
export interface NeededRun {
  candidate: Candidate;
  seed: number;
}

/** Thrown by {@link Evaluator.ensure} in `stop` mode: the runs of the batch that are not known, in batch order. */
export class RunsNeeded extends Error {
  constructor(readonly runs: NeededRun[]) {
    super(`${runs.length} runs are needed`);
  }
}

/**
 * Every candidate looked at, with its runs. Runs are asked for by how many seeds a
 * candidate should have; the missing ones of all the candidates asked for go to the pool as
 * one batch, so the threads stay busy.
 */
export class Evaluator {
  private readonly entries = new Map<string, Evaluated>();
  private runCount = 0;

  constructor(
    readonly space: Space,
    private readonly text: string,
    private readonly file: string,
    readonly seeds: readonly number[],
    readonly pct: number,
    private readonly pool: EvaluationPool,
    private readonly onRun?: (runs: number, candidates: number) => void,
    private readonly known?: KnownRuns,
  ) {}

  /** Runs simulated so far. */
  get runs(): number {
    return this.runCount;
  }

  /** Every candidate looked at, in the order first seen. */
  all(): Evaluated[] {
    return [...this.entries.values()];
  }

  /** The candidate's record, made (and its scenario checked) on first sight. */
  entry(c: Candidate): Evaluated {
    const key = candidateKey(c);
    let e = this.entries.get(key);
    if (e !== undefined) return e;
    const overrides = candidateOverrides(this.space, c);
    let invalid: string | null = null;
    let diskBytes = 0;
    try {
      diskBytes = scenarioForChoice(this.text, this.file, overrides).spec.cluster.diskBytes;
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      invalid = err.message;
    }
    const choice = invalid === null ? this.pool.addChoices([overrides]) : -1;
    e = { candidate: c, key, settings: candidateSettings(this.space, c), overrides, changed: changedCount(this.space, c), invalid, runs: [], diskBytes, choice };
    this.entries.set(key, e);
    return e;
  }

  /** Statistics of a candidate over its runs so far. */
  stats(e: Evaluated): CandidateStats | null {
    return candidateStats(e, this.pct);
  }

  /** True when the candidate can get no more runs: rejected, or a run failed. */
  done(e: Evaluated): boolean {
    return e.invalid !== null || e.runs.some((r) => r.status !== 'FINISHED');
  }

  /** Gives each candidate its first `count` seeds (fewer when it is {@link done}). */
  async ensure(candidates: readonly Evaluated[], count: number): Promise<void> {
    const want = Math.min(count, this.seeds.length);
    const tasks: PoolTask[] = [];
    const owners: Evaluated[] = [];
    const seen = new Set<Evaluated>();
    for (const e of candidates) {
      if (this.done(e) || seen.has(e)) continue;
      seen.add(e);
      for (let i = e.runs.length; i < want; i++) {
        tasks.push({ choice: e.choice, seed: this.seeds[i] });
        owners.push(e);
      }
    }
    const counted = () => {
      this.runCount++;
      this.onRun?.(this.runCount, this.entries.size);
    };
    const summaries = await this.runOrRecall(tasks, owners, counted);
    // Tasks were listed per candidate in seed order, so appending keeps each one's runs in seed order.
    summaries.forEach((s, i) => owners[i].runs.push(s));
  }

  /** The summaries of the tasks: the known ones recalled, the others simulated (or, in `stop` mode, asked for). */
  private async runOrRecall(tasks: readonly PoolTask[], owners: readonly Evaluated[], counted: () => void): Promise<RunSummary[]> {
    if (this.known === undefined) return this.pool.run(tasks, counted);
    const known = this.known.runs;
    const out = tasks.map((t, i) => known.get(runKey(owners[i].key, t.seed)));
    const missing = tasks.map((t, i) => ({ t, i })).filter(({ i }) => out[i] === undefined);
    if (missing.length > 0 && this.known.stop) throw new RunsNeeded(missing.map(({ t, i }) => ({ candidate: owners[i].candidate, seed: t.seed })));
    const made = await this.pool.run(missing.map(({ t }) => t));
    missing.forEach(({ i }, k) => (out[i] = made[k]));
    out.forEach(counted);
    return out as RunSummary[];
  }
}
