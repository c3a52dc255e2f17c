//! What the user asks of `advise` (deadline, budget, objective, safety margin) and how candidates rank against it.

import type { CandidateStats, Evaluated } from './evaluate.js';

/** The question: meet these, then make the objective as small as possible. */
export interface Goal {
  /** Seconds the makespan percentile must not exceed; undefined: no deadline. */
  deadline?: number;
  /** CU-seconds the median cost must not exceed; undefined: no budget. */
  budget?: number;
  /** `cost`: the cheapest setting that meets the rest; `makespan`: the fastest. */
  objective: 'cost' | 'makespan';
  /** With a value s: peak disk at most s of one TaskManager's disk and heap occupancy at most s. */
  safety?: number;
  /** The makespan percentile the deadline and the ranking use (nearest rank). */
  percentile: number;
}

/**
 * How a candidate stands: `failed` (a run failed, or the scenario rejects it), `missed` (it
 * ran but misses the deadline, budget or safety margin by `violation`, the sum of the
 * relative excesses), or `meets`. Within a class the lower `objective` wins, then `other`
 * (makespan for the cost objective and the other way round).
 */
export interface Score {
  standing: 'meets' | 'missed' | 'failed';
  violation: number;
  objective: number;
  other: number;
}

const STANDING_ORDER = { meets: 0, missed: 1, failed: 2 } as const;

/** How far a candidate's statistics are from the goal, and its objective. */
export function score(stats: CandidateStats | null, goal: Goal): Score {
  if (stats === null || stats.failed > 0) return { standing: 'failed', violation: Infinity, objective: Infinity, other: Infinity };
  const excess = (value: number, limit: number | undefined) => (limit === undefined ? 0 : Math.max(0, value / limit - 1));
  const violation =
    excess(stats.makespanPercentile, goal.deadline) +
    excess(stats.costMedian, goal.budget) +
    excess(stats.diskShare, goal.safety) +
    excess(stats.heapOccupancyMax, goal.safety);
  const [objective, other] = goal.objective === 'cost' ? [stats.costMedian, stats.makespanPercentile] : [stats.makespanPercentile, stats.costMedian];
  return { standing: violation > 0 ? 'missed' : 'meets', violation, objective, other };
}

/**
 * Orders two scores: standing, then the violation (for `missed`: the closest to the goal),
 * then the objective and the other measure. 0 when they tie.
 */
export function compareScores(a: Score, b: Score): number {
  return (
    STANDING_ORDER[a.standing] - STANDING_ORDER[b.standing] ||
    (a.standing === 'missed' ? a.violation - b.violation : 0) ||
    a.objective - b.objective ||
    a.other - b.other
  );
}

/** Orders two candidates by score, then by fewer changes from the scenario, then by their values' positions: a total order. */
export function compareCandidates(a: Evaluated, sa: Score, b: Evaluated, sb: Score): number {
  const byScore = compareScores(sa, sb);
  if (byScore !== 0) return byScore;
  if (a.changed !== b.changed) return a.changed - b.changed;
  for (let i = 0; i < a.candidate.length; i++) if (a.candidate[i] !== b.candidate[i]) return a.candidate[i] - b.candidate[i];
  return 0;
}

/**
 * Whether a candidate scored on a few seeds might still beat the best one scored on all:
 * the successive-halving test for giving it more seeds. `tolerance` allows for what more
 * seeds can change (a median moves, a percentile grows); a failed run never gets more.
 */
export function mightBeat(partial: Score, best: Score | null, tolerance: number): boolean {
  if (partial.standing === 'failed') return false;
  if (best === null || best.standing === 'failed') return true;
  if (best.standing === 'meets') {
    if (partial.violation > tolerance) return false;
    return partial.objective <= best.objective * (1 + tolerance);
  }
  return partial.standing === 'meets' || partial.violation <= best.violation * (1 + tolerance) + tolerance / 10;
}
