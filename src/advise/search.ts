//! The search of `batchsim advise`: one-setting-at-a-time screening, then descent over neighbouring settings, each candidate raced over the seeds by successive halving.

import type { Evaluated, Evaluator } from './evaluate.js';
import { compareCandidates, mightBeat, score, type Goal, type Score } from './goal.js';
import { asWrittenCandidate, type Candidate, type Setting, type Space } from './space.js';

/** What the search found. */
export interface SearchOutcome {
  /** The best candidate run on every seed (by standing, then objective); null when none ran. */
  best: Evaluated | null;
  /** The candidate nearest the scenario as written (run on every seed). */
  start: Evaluated;
  /** Every candidate run on every seed. */
  complete: Evaluated[];
}

/**
 * The seeds a candidate gets at each rung of the race: a few, a quarter, all. A candidate
 * goes up a rung only while it might still beat the best one found; at 20 seeds: 2, 5, 20.
 */
export function rungs(seeds: number): number[] {
  return [...new Set([Math.min(2, seeds), Math.min(seeds, Math.max(2, Math.ceil(seeds / 4))), seeds])];
}

/** How much better than the best a candidate on few seeds must look to get more: wider at lower rungs. */
const TOLERANCE = [0.08, 0.04];

/**
 * Neighbours one step away in one setting (for shuffle: the other mode), and the same
 * TaskManager cut into the next number of slots up and down (slots one step one way, cores
 * and memory per slot one step the other), which keeps the cost of a TaskManager.
 */
export function singleSteps(space: Space, c: Candidate): Candidate[] {
  const out: Candidate[] = [];
  const at = (s: Setting) => space.settings.indexOf(s);
  const reshape = [at('slots'), at('cpuPerSlot'), at('memoryPerSlot')];
  if (reshape.every((i) => i >= 0)) {
    for (const d of [-1, 1]) {
      const moved = reshape.map((i, k) => c[i] + (k === 0 ? d : -d));
      if (moved.every((v, k) => v >= 0 && v < space.values[space.settings[reshape[k]]].length)) {
        out.push(c.map((x, j) => (reshape.includes(j) ? moved[reshape.indexOf(j)] : x)));
      }
    }
  }
  space.settings.forEach((_, i) => {
    for (const d of [-1, 1]) {
      const v = c[i] + d;
      if (v >= 0 && v < space.values[space.settings[i]].length) out.push(c.map((x, j) => (j === i ? v : x)));
    }
  });
  return out;
}

/** Neighbours one step away in each of two settings: moves that keep a ratio (cores and memory per slot) or trade one setting against another. */
export function pairSteps(space: Space, c: Candidate): Candidate[] {
  const out: Candidate[] = [];
  const n = space.settings.length;
  const len = (i: number) => space.values[space.settings[i]].length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (const di of [-1, 1]) {
        for (const dj of [-1, 1]) {
          const a = c[i] + di;
          const b = c[j] + dj;
          if (a >= 0 && a < len(i) && b >= 0 && b < len(j)) out.push(c.map((x, k) => (k === i ? a : k === j ? b : x)));
        }
      }
    }
  }
  return out;
}

/** At each rung, at most this share of the candidates (the best ones) goes on to the next. */
const KEEP = 1 / 3;

/**
 * Finds the best candidate of the space for the goal without running the whole grid:
 *
 * 1. the scenario as written, on every seed;
 * 2. screening: every value of each setting with the others as written;
 * 3. the combination of each setting's best screened value;
 * 4. descent: from the best so far, to the best better neighbour (one step in one setting;
 *    when none is better, one step in each of two) until none is better;
 * 5. descent again from the best candidate of the other shuffle mode, whose files go to
 *    another resource (the network instead of the disk), so its best settings lie elsewhere.
 *
 * Every batch of new candidates is raced by successive halving ({@link rungs}): all get a
 * few seeds; the best third of those that might still beat the yardstick (the point the
 * descent stands on) get more; and so on up to all the seeds. A candidate with a failed
 * run gets no more. Everything is ordered and seeded, so the same space, seeds and goal
 * give the same answer.
 */
export async function search(space: Space, ev: Evaluator, goal: Goal): Promise<SearchOutcome> {
  const all = ev.seeds.length;
  const steps = rungs(all);
  const scoreOf = (e: Evaluated): Score => score(ev.stats(e), goal);
  const better = (a: Evaluated, b: Evaluated): boolean => compareCandidates(a, scoreOf(a), b, scoreOf(b)) < 0;
  const complete = (e: Evaluated) => e.runs.length === all || ev.done(e);
  let best: Evaluated | null = null;
  const consider = (e: Evaluated) => {
    if (complete(e) && (best === null || better(e, best))) best = e;
  };
  const full = async (e: Evaluated): Promise<Evaluated> => {
    await ev.ensure([e], all);
    consider(e);
    return e;
  };

  /** Races new candidates against `yard`; returns the best of them run on every seed that beats it, or null. */
  const race = async (cands: readonly Candidate[], yard: Evaluated): Promise<Evaluated | null> => {
    const entries = cands.map((c) => ev.entry(c)).filter((e, i, xs) => xs.indexOf(e) === i);
    let alive = entries.filter((e) => !complete(e));
    for (let r = 0; r < steps.length && alive.length > 0; r++) {
      await ev.ensure(alive, steps[r]);
      if (r === steps.length - 1) break;
      const yardScore = scoreOf(yard);
      const ranked = alive
        .filter((e) => mightBeat(scoreOf(e), yardScore, TOLERANCE[Math.min(r, TOLERANCE.length - 1)]))
        .sort((a, b) => compareCandidates(a, scoreOf(a), b, scoreOf(b)));
      alive = ranked.slice(0, Math.ceil(ranked.length * KEEP));
    }
    let winner: Evaluated | null = null;
    for (const e of entries) {
      consider(e);
      if (complete(e) && better(e, yard) && (winner === null || better(e, winner))) winner = e;
    }
    return winner;
  };

  const descend = async (from: Evaluated): Promise<void> => {
    let at = await full(from);
    for (;;) {
      const next = (await race(singleSteps(space, at.candidate), at)) ?? (await race(pairSteps(space, at.candidate), at));
      if (next === null) return;
      at = next;
    }
  };

  // 1. As written.
  const start = await full(ev.entry(asWrittenCandidate(space)));

  // 2. Screening, one setting at a time.
  const oneSetting = (i: number, v: number): Candidate => start.candidate.map((x, j) => (j === i ? v : x));
  const screened: Candidate[] = [];
  space.settings.forEach((s, i) => space.values[s].forEach((_, v) => v !== start.candidate[i] && screened.push(oneSetting(i, v))));
  await race(screened, start);

  // 3. Each setting's best screened value, together.
  const combined = space.settings.map((s, i) => {
    let pick = start.candidate[i];
    space.values[s].forEach((_, v) => {
      if (better(ev.entry(oneSetting(i, v)), ev.entry(oneSetting(i, pick)))) pick = v;
    });
    return pick;
  });
  await full(ev.entry(combined));

  // 4. Descent from the best.
  await descend(best ?? start);

  // 5. Descent from the best of the other shuffle mode.
  const shuffle = space.settings.indexOf('shuffle');
  const winner = best as Evaluated | null;
  if (shuffle >= 0 && winner !== null) {
    let other: Evaluated | null = null;
    for (const e of ev.all()) {
      if (e.candidate[shuffle] !== winner.candidate[shuffle] && !ev.done(e) && (other === null || better(e, other))) other = e;
    }
    if (other !== null) await descend(other);
  }

  return { best, start, complete: ev.all().filter((e) => e.runs.length === all) };
}
