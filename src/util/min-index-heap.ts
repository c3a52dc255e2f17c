//! A binary min-heap of small non-negative integers (vertex indices), for topological orders that
//! always take the lowest ready index.

/** Each index is pushed at most once, so `capacity` (the number of indices) slots suffice. */
export class MinIndexHeap {
  private readonly items: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
  }

  push(v: number): void {
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= v) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = v;
  }

  /** Removes and returns the smallest index; the heap must not be empty. */
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && a[child + 1] < a[child]) child++;
      if (a[child] >= last) break;
      a[i] = a[child];
      i = child;
    }
    if (this.size > 0) a[i] = last;
    return top;
  }
}
