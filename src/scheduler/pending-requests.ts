//! First-in, first-out queue of slot requests, with lazy withdrawal.

/**
 * Slot requests in the order subtasks became ready. A withdrawn request stays in the
 * ring until it reaches the head, where its stale stamp gets it dropped; `valid`
 * counts the requests still wanted.
 */
export class PendingRequests {
  // Small at first: a run of several jobs makes one queue per job; it doubles as it fills.
  private tasks = new Int32Array(16);
  private stamps = new Int32Array(16);
  private head = 0;
  private tail = 0;
  private mask = 15;
  /** Requests not withdrawn. */
  valid = 0;

  push(task: number, stamp: number): void {
    if (this.tail - this.head === this.tasks.length) this.grow();
    const i = this.tail & this.mask;
    this.tasks[i] = task;
    this.stamps[i] = stamp;
    this.tail++;
    this.valid++;
  }

  /**
   * Removes and returns the oldest request still wanted, or -1.
   * @param current the current stamp of each task; requests with another stamp are stale
   */
  pop(current: Int32Array): number {
    while (this.head < this.tail) {
      const i = this.head & this.mask;
      this.head++;
      const task = this.tasks[i];
      if (current[task] === this.stamps[i]) {
        this.valid--;
        return task;
      }
    }
    return -1;
  }

  private grow(): void {
    const n = this.tasks.length;
    const tasks = new Int32Array(n * 2);
    const stamps = new Int32Array(n * 2);
    for (let k = 0; k < n; k++) {
      const i = (this.head + k) & this.mask;
      tasks[k] = this.tasks[i];
      stamps[k] = this.stamps[i];
    }
    this.tasks = tasks;
    this.stamps = stamps;
    this.tail -= this.head;
    this.head = 0;
    this.mask = n * 2 - 1;
  }
}
