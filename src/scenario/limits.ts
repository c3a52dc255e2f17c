//! Limits on what batchsim reads: every input is rejected, or read, in time and memory bounded
//! by these, whatever it holds (a device that never ends, brackets nested thousands deep); and
//! upper bounds of scenario numbers, Flink's own where it has one, else documented ones that
//! keep every run within memory and every number finite and exact.

import { ScenarioError } from './issues.js';
import { findExcessNesting } from './nesting.js';

/**
 * The largest scenario or Flink plan file read, in bytes: 64 MiB. The generated 1M-subtask
 * jobs of the bench are a few kilobytes and a 10,000-vertex job is 1.5 MB.
 */
export const MAX_INPUT_BYTES = 64 * 2 ** 20;

/** How many maps and lists a scenario may nest inside each other (a real one nests about 7). */
export const MAX_NESTING_DEPTH = 64;

/** The largest seed: every integer up to it, and its negative, is exact in a double. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** What a message says about the input limit. */
export const INPUT_LIMIT_TEXT = `${MAX_INPUT_BYTES / 2 ** 20} MiB`;

/** What a message says about the allowed seeds. */
export const SEED_RANGE_TEXT = `an integer from -${MAX_SEED} to ${MAX_SEED} (-(2^53-1) to 2^53-1, exact in a double)`;

/** True for an integer within ±{@link MAX_SEED}. */
export function isExactSeed(n: number): boolean {
  return Number.isSafeInteger(n);
}

/**
 * Checks a scenario's text against the size and nesting limits before any parser sees it.
 * @throws ScenarioError naming the limit (and where the text nests too deep)
 */
export function checkScenarioText(text: string, file: string): void {
  // Cheap test first: a UTF-8 byte count is never below the UTF-16 length.
  if (text.length > MAX_INPUT_BYTES || Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
    throw new ScenarioError(file, [{ path: '', message: `more than ${INPUT_LIMIT_TEXT}: batchsim reads scenarios of at most ${INPUT_LIMIT_TEXT} (${MAX_INPUT_BYTES} bytes)` }]);
  }
  const at = findExcessNesting(text, MAX_NESTING_DEPTH);
  if (at >= 0) {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new ScenarioError(file, [
      { path: '', message: `maps and lists nested more than ${MAX_NESTING_DEPTH} deep (line ${line}, column ${column}); batchsim reads at most ${MAX_NESTING_DEPTH} levels` },
    ]);
  }
}


/**
 * Largest parallelism of a vertex: Flink caps a vertex's max parallelism at 2^15
 * (`KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM`), and its parallelism cannot exceed that.
 */
export const MAX_PARALLELISM = 32768;

/** Largest value of an option Flink reads as a Java int. */
export const MAX_INT = 2 ** 31 - 1;

/** Most slots of one TaskManager: more than the largest parallelism would never all be used. */
export const MAX_SLOTS_PER_TASK_MANAGER = MAX_PARALLELISM;

/** Most CPU cores of one slot or of the JobManager. */
export const MAX_CPU = 1_000_000;

/** Most keys of a Zipf skew: each vertex decision spreads every key once. */
export const MAX_SKEW_KEYS = 1_000_000;

/**
 * Largest jitter sigma: the log-normal factor's spread grows as e^(sigma^2), so at 10 the median
 * attempt already takes e^-50 of the mean; larger values only overflow.
 */
export const MAX_JITTER_SIGMA = 10;

/** Largest price per GiB: large enough for any currency, small enough that costs stay finite. */
export const MAX_PRICE = 1e9;
