//! Byte counts as integers, as Flink counts them: how a whole number of bytes is split among subtasks.
//!
//! An even split of `total` bytes among `parts` gives each `floor(total / parts)` and one byte
//! more to the first `total mod parts`. A split by shares (key skew, ranges packed by bytes)
//! gives each the floor of its share and the bytes left over, one each, to the first subtasks.
//! A subtask writes `round(input * selectivity)` bytes (halves up). Every part is an integer
//! and the parts sum to the total exactly; scenarios are validated so that no count passes 2^53 - 1.

/** Bytes part `index` of `parts` gets of `total` split evenly, remainder to the first parts. */
export function evenPart(total: number, parts: number, index: number): number {
  const each = Math.floor(total / parts);
  return each + (index < total - each * parts ? 1 : 0);
}

/**
 * Splits `total` whole bytes by `shares` (summing to 1 up to rounding): the floor of each
 * share, then the bytes left over (or missing, when the shares sum to a hair above 1), one
 * per subtask, from the first.
 * @returns integer parts summing to `total`
 */
export function splitByShares(total: number, shares: ArrayLike<number>): Float64Array {
  const n = shares.length;
  const parts = new Float64Array(n);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    parts[j] = Math.floor(total * shares[j]);
    sum += parts[j];
  }
  let left = total - sum;
  for (let j = 0; left > 0; j = (j + 1) % n, left--) parts[j]++;
  for (let j = 0; left < 0; j = (j + 1) % n) {
    if (parts[j] > 0) {
      parts[j]--;
      left++;
    }
  }
  return parts;
}

/** Bytes a subtask writes for `input` bytes read: a whole number, rounded half up. */
export function outputBytes(input: number, selectivity: number): number {
  return Math.round(input * selectivity);
}
