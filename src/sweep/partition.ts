//! Deals the items of a sweep into shards of about equal expected cost, the same way in every process.

/**
 * The shard of each item: the costliest items first, each onto the shard with the least
 * cost so far (ties: the lower item position, then the lower shard index), the classic
 * longest-processing-time rule, whose largest shard is within 4/3 of the best deal's.
 * It depends only on the weights and the count, never on the machine, so every shard of a
 * sweep computes the same assignment and runs its own part of it.
 * @param weights expected cost of each item (finite, >= 0)
 * @returns the shard of each item, by item position
 */
export function assignShards(weights: readonly number[], count: number): Uint32Array {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count ${count} is not an integer >= 1`);
  for (const w of weights) if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`item weight ${w} is not a finite number >= 0`);
  const order = Array.from(weights.keys()).sort((a, b) => weights[b] - weights[a] || a - b);
  const heap = new LoadHeap(count);
  const shardOf = new Uint32Array(weights.length);
  for (const item of order) shardOf[item] = heap.addToLightest(weights[item]);
  return shardOf;
}

/** The positions of the items assigned to `index`, in position order. */
export function itemsOfShard(shardOf: Uint32Array, index: number): number[] {
  const out: number[] = [];
  shardOf.forEach((s, i) => {
    if (s === index) out.push(i);
  });
  return out;
}

/** A min-heap of shards by (load, index). */
class LoadHeap {
  private readonly load: Float64Array;
  private readonly heap: Uint32Array;

  constructor(count: number) {
    this.load = new Float64Array(count);
    // All loads are 0, so the shards in index order already form a heap.
    this.heap = Uint32Array.from({ length: count }, (_, i) => i);
  }

  private less(a: number, b: number): boolean {
    return this.load[a] < this.load[b] || (this.load[a] === this.load[b] && a < b);
  }

  /** Adds `w` to the least loaded shard and returns that shard. */
  addToLightest(w: number): number {
    const h = this.heap;
    const top = h[0];
    this.load[top] += w;
    // Sift the top down to its new place.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
    return top;
  }
}
