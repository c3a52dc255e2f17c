//! Typed arrays that grow by doubling: event slots, per-subtask and per-TaskManager state.

type TypedArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

/**
 * Returns `arr` if it holds at least `n` elements, else a copy at least twice as long
 * whose new elements are `fill`.
 */
export function ensureLength<T extends TypedArray>(arr: T, n: number, fill = 0): T {
  if (arr.length >= n) return arr;
  const next = new (arr.constructor as new (len: number) => T)(Math.max(n, arr.length * 2, 16));
  next.set(arr);
  if (fill !== 0) next.fill(fill, arr.length);
  return next;
}
