//! `batchsim advise` as a library call: search the space, then gather the answer (recommendation, scenario as written, Pareto front, reasons).

import { Evaluator, type CandidateStats, type Evaluated, type KnownRuns } from './evaluate.js';
import { compareCandidates, score, type Goal, type Score } from './goal.js';
import { EvaluationPool } from './pool.js';
import { criticalPath, diagnosesOf, diskHeldShare, percentileRun, reasons, runDetailed, type Reason, type SlotsComparison } from './reasons.js';
import { search } from './search.js';
import { buildSpace, gridCount, UNSET, type AdviseSettings, type Setting, type SettingValue, type Space, type SpaceRequest } from './space.js';
import type { JobScenario } from '../scenario/load.js';
import type { Diagnosis } from '../model/run-result.js';
import { simulate } from '../sim/simulate.js';
import { summarizeRun } from '../compare/aggregate.js';
import { scenarioForChoice } from '../compare/grid.js';
import { runDetail } from '../compare/run-detail.js';

/** What to ask. */
export interface AdviseRequest {
  text: string;
  file: string;
  scenario: JobScenario;
  seeds: number[];
  goal: Goal;
  space?: SpaceRequest;
  /** Threads (1 = inline). */
  threads: number;
  /** Called after each run with the runs and settings so far. */
  onRun?: (runs: number, settings: number) => void;
  /** Runs made elsewhere (a sharded search); in `stop` mode a batch with others throws `RunsNeeded`. */
  known?: KnownRuns;
}

/** A setting the answer shows, with its statistics over every seed. */
export interface AdvisedSetting {
  settings: AdviseSettings;
  /** The settings that differ from the scenario as written. */
  changed: Setting[];
  stats: CandidateStats;
  score: Score;
}

/** The answer. */
export interface Advice {
  scenario: string;
  file: string;
  seeds: number[];
  goal: Goal;
  /** Each setting's values searched, and the scenario's own. */
  space: Space;
  /** The full grid: settings and runs (settings x seeds). */
  gridSettings: number;
  gridRuns: number;
  /** What the search ran. */
  settingsEvaluated: number;
  runs: number;
  /** `meets`: the recommendation meets every constraint; `missed`: none found does, `fastest` is shown; `failed`: every setting had failed runs. */
  outcome: 'meets' | 'missed' | 'failed';
  recommendation: AdvisedSetting | null;
  /** The fastest setting run on every seed without a failure (shown when the constraints cannot be met). */
  fastest: AdvisedSetting | null;
  asWritten: AdvisedSetting;
  /** Settings run on every seed without failure that no other beats on both makespan and cost, fastest first. */
  front: AdvisedSetting[];
  /** Every setting run on every seed (the points of the report's chart). */
  complete: AdvisedSetting[];
  /** The settings searched whose runs failed (each stopped at its first failed run): never recommended. */
  failed: AdvisedSetting[];
  /** Settings the scenario loader rejects (a memory layout Flink would not start), and the first one's reason. */
  rejected: { count: number; first: string | null };
  /** Why, for the recommendation (or, when none meets the goal, the fastest). */
  reasons: Reason[];
  /** The diagnosis of the scenario as written and of the setting the reasons are about. */
  diagnosis: { asWritten: Diagnosis[]; advised: Diagnosis[] };
}

function advised(space: Space, ev: Evaluator, e: Evaluated, goal: Goal): AdvisedSetting {
  const stats = ev.stats(e);
  if (stats === null) throw new Error('a setting without runs cannot be shown');
  return {
    settings: e.settings,
    changed: space.settings.filter((s) => e.settings[s] !== space.asWritten[s]),
    stats,
    score: score(stats, goal),
  };
}

/** The settings without failed runs that no other beats on both the makespan percentile and the cost, fastest first. */
export function paretoFront(items: readonly AdvisedSetting[]): AdvisedSetting[] {
  const ok = items.filter((x) => x.stats.failed === 0);
  const sorted = [...ok].sort((a, b) => a.stats.makespanPercentile - b.stats.makespanPercentile || a.stats.costMedian - b.stats.costMedian);
  const out: AdvisedSetting[] = [];
  for (const x of sorted) if (out.length === 0 || x.stats.costMedian < out[out.length - 1].stats.costMedian) out.push(x);
  return out;
}

/** Searches the scenario's settings for the goal and explains the answer. */
export async function advise(req: AdviseRequest): Promise<Advice> {
  const { text, file, goal, seeds } = req;
  const space = buildSpace(req.scenario.spec, req.space);
  const pool = new EvaluationPool(text, file, req.known?.stop === true ? 1 : req.threads);
  const ev = new Evaluator(space, text, file, seeds, goal.percentile, pool, req.onRun, req.known);
  try {
    const found = await search(space, ev, goal);
    const complete = found.complete.filter((e) => ev.stats(e) !== null);
    const shown = complete.map((e) => advised(space, ev, e, goal));
    const noFailure = complete.filter((e) => !ev.done(e));
    const best = found.best;
    const bestScore = best === null ? null : score(ev.stats(best), goal);
    const outcome = bestScore === null || bestScore.standing === 'failed' ? 'failed' : bestScore.standing;
    // When nothing meets the goal, the fastest is shown, and judged by its makespan alone.
    const byMakespan: Goal = { objective: 'makespan', percentile: goal.percentile };
    const judge = outcome === 'meets' ? goal : byMakespan;
    let fastestEntry: Evaluated | null = null;
    for (const e of noFailure) {
      const a = ev.stats(e) as CandidateStats;
      const f = fastestEntry === null ? null : (ev.stats(fastestEntry) as CandidateStats);
      if (f === null || compareCandidates(e, score(a, byMakespan), fastestEntry as Evaluated, score(f, byMakespan)) < 0) fastestEntry = e;
    }
    const chosen = outcome === 'meets' ? best : fastestEntry;

    // The reasons: the chosen setting's full results, and its neighbours in slots per TaskManager.
    let why: Reason[] = [];
    // The scenario itself, run here rather than taken from the search: its values may lie
    // outside the space searched (`--vary`, `--fix`), and its diagnosis needs full results.
    const asWrittenRuns = seeds.map((seed) => simulate(req.scenario.spec, { seed }).result);
    const asWrittenDiagnosis = diagnosesOf(asWrittenRuns);
    const asWrittenEntry: Evaluated = {
      ...found.start,
      key: 'as-written',
      settings: Object.fromEntries(space.settings.map((s) => [s, space.asWritten[s]])),
      overrides: {},
      changed: 0,
      invalid: null,
      runs: asWrittenRuns.map((r) => ({ ...summarizeRun(r), detail: runDetail(req.scenario.spec, r) })),
      diskBytes: req.scenario.spec.cluster.diskBytes,
    };
    const asWrittenStats = ev.stats(asWrittenEntry) as CandidateStats;
    let advisedDiagnosis: Diagnosis[] = [];
    if (chosen !== null) {
      const chosenScore = score(ev.stats(chosen), judge);
      const slotsAt = space.settings.indexOf('slots');
      // Its neighbours' runs first, in one batch: a sharded search asks for them before the detailed runs below.
      const neighbourEntries: Evaluated[] = [];
      if (slotsAt >= 0) {
        for (const d of [-1, 1]) {
          const v = chosen.candidate[slotsAt] + d;
          if (v < 0 || v >= space.values.slots.length) continue;
          const e = ev.entry(chosen.candidate.map((x, i) => (i === slotsAt ? v : x)));
          if (e.invalid === null) neighbourEntries.push(e);
        }
      }
      await ev.ensure(neighbourEntries, seeds.length);
      const detailed = runDetailed(text, file, chosen.overrides, seeds);
      const run = percentileRun(detailed.results, goal.percentile);
      advisedDiagnosis = diagnosesOf(detailed.results);
      const neighbours: SlotsComparison[] = [];
      for (const e of neighbourEntries) {
        const stats = ev.stats(e) as CandidateStats;
        const seed = percentileRun(e.runs, goal.percentile).seed;
        const one = simulate(scenarioForChoice(text, file, e.overrides).spec, { seed }).result;
        const sc = score(stats, judge);
        neighbours.push({ slots: e.settings.slots as number, stats, standing: sc.standing, objective: sc.objective, diskHeld: diskHeldShare(one) });
      }
      why = reasons({
        recommended: {
          slots: chosen.settings.slots as number,
          stats: ev.stats(chosen) as CandidateStats,
          run,
          spec: detailed.spec,
          diagnosis: advisedDiagnosis,
          standing: chosenScore.standing,
          objective: chosenScore.objective,
        },
        asWritten: { stats: asWrittenStats, diagnosis: asWrittenDiagnosis },
        slotsNeighbours: neighbours,
        path: criticalPath(detailed.spec, run),
        ...(goal.safety !== undefined && { safety: goal.safety }),
      });
    }
    const grid = gridCount(space);
    return {
      scenario: req.scenario.spec.name,
      file,
      seeds: [...seeds],
      goal,
      space,
      gridSettings: grid,
      gridRuns: grid * seeds.length,
      settingsEvaluated: ev.all().filter((e) => e.runs.length > 0).length,
      runs: ev.runs,
      outcome,
      recommendation: outcome === 'meets' && best !== null ? advised(space, ev, best, goal) : null,
      fastest: fastestEntry === null ? null : advised(space, ev, fastestEntry, goal),
      asWritten: advised(space, ev, asWrittenEntry, goal),
      front: paretoFront(shown),
      complete: shown,
      rejected: {
        count: ev.all().filter((e) => e.invalid !== null).length,
        first: ev.all().find((e) => e.invalid !== null)?.invalid ?? null,
      },
      failed: ev
        .all()
        .filter((e) => e.invalid === null && ev.done(e))
        .map((e) => advised(space, ev, e, goal)),
      reasons: why,
      diagnosis: { asWritten: asWrittenDiagnosis, advised: advisedDiagnosis },
    };
  } finally {
    await pool.close();
  }
}

/** A value as the scenario file spells it. */
export function yamlValue(s: Setting, v: SettingValue): string {
  if (typeof v === 'string') return v;
  if (s === 'memoryPerSlot' || s === 'avgVolume') return yamlSize(v);
  if (s === 'maxSlots' && !Number.isFinite(v)) return 'unlimited';
  return String(v);
}

/** Bytes in the largest binary unit that holds them exactly (`4GiB`, `48MiB`), else a number. */
export function yamlSize(bytes: number): string {
  for (const [unit, size] of [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/**
 * The settings as a block to paste over the scenario's `cluster:` and `config:` keys, each
 * changed value with the scenario's own in a comment. Setting one of these keys replaces its
 * other spellings in the file (`taskmanager.numberOfTaskSlots`, `taskmanager.memory.process.size`,
 * `slotmanager.number-of-slots.max`), which must then go.
 */
export function settingsBlock(space: Space, a: AdviseSettings): string {
  const line = (indent: string, key: string, s: Setting): string | null => {
    const v = a[s];
    if (v === undefined || (s === 'parallelismDefault' && v === UNSET)) return null;
    const own = space.asWritten[s];
    const was = own === v ? '' : `  # as written: ${own === undefined || (s === 'parallelismDefault' && own === UNSET) ? 'unset' : yamlValue(s, own)}`;
    return `${indent}${key}: ${yamlValue(s, v)}${was}`;
  };
  const tm = [line('    ', 'slots', 'slots'), line('    ', 'cpuPerSlot', 'cpuPerSlot'), line('    ', 'memoryPerSlot', 'memoryPerSlot')].filter((l) => l !== null);
  const cluster = [line('  ', 'maxSlots', 'maxSlots'), line('  ', 'shuffle', 'shuffle')].filter((l) => l !== null);
  const config = [
    line('  ', 'parallelism.default', 'parallelismDefault'),
    line('  ', 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task', 'avgVolume'),
  ].filter((l) => l !== null);
  const out = ['cluster:'];
  if (tm.length > 0) out.push('  taskmanager:', ...tm);
  out.push(...cluster);
  if (config.length > 0) out.push('config:', ...config);
  return `${out.join('\n')}\n`;
}
