//! The event loop: a simulated clock and a priority queue of timed events.

import FastPriorityQueue from 'fastpriorityqueue';
import { ensureLength } from '../util/growable.js';

/** Simulated time in integer milliseconds since the start of the run. */
export type SimTime = number;

/**
 * Handles one kind of event: it gets the target it was registered with, then the event's
 * three numbers. Handlers are meant to be functions written once (module functions, static
 * methods), not closures made per run, so the event loop's one call site sees the same few
 * callees in every run of a sweep.
 */
export type EventHandler<T> = (target: T, a: number, b: number, c: number) => void;

/** An opaque handle to a scheduled event, valid until the event runs or is cancelled. */
export type EventHandle = number;

/** Thrown when an invariant of the simulation breaks: always a bug, never bad input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

const INITIAL_CAPACITY = 1024;
/** Cancelled events the heap may hold before it is worth rebuilding. */
const COMPACT_AT_LEAST = 4096;

/**
 * A delay that stands for "never": past any time limit (at most 2^53 - 1 ms), yet finite,
 * so a time that overflowed (a tiny rate, a huge jitter factor) still orders and subtracts.
 */
export const NEVER_MS = 2 ** 60;

/** The heap of pending event slots, holding the keys it orders them by. */
class EventQueue extends FastPriorityQueue<number> {
  time = new Float64Array(INITIAL_CAPACITY);
  seq = new Float64Array(INITIAL_CAPACITY);

  constructor() {
    super(earlier);
  }
}

/**
 * The event order: earlier time first, then earlier scheduling. One function for every
 * queue (the queue calls it as its method), not a closure per simulation.
 */
function earlier(this: EventQueue, i: number, j: number): boolean {
  const ti = this.time[i];
  const tj = this.time[j];
  return ti < tj || (ti === tj && this.seq[i] < this.seq[j]);
}

/** The handler of a retired kind. */
const ignoreEvent: EventHandler<unknown> = () => {};

/**
 * A discrete-event loop over numeric events, ordered by (time, sequence number).
 *
 * Events are stored in parallel typed arrays and the heap holds only their
 * slot indices, so scheduling an event allocates nothing. Ties at equal time
 * run in the order they were scheduled (first in, first out), because the
 * sequence number only goes up. The engine knows nothing of what the events
 * mean: handlers are registered by kind and receive three numbers.
 */
export class Simulation {
  private _now: SimTime = 0;
  private _processed = 0;
  private _stopped = false;
  private nextSeq = 0;
  /** Cancelled events still in the heap. */
  private cancelled = 0;

  /** Per slot, four numbers side by side so a pop reads one cache line, not five: the kind (-1 once cancelled) and the payload. */
  private payload = new Float64Array(4 * INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private capacity = 0;

  private readonly handlers: EventHandler<never>[] = [];
  private readonly targets: unknown[] = [];
  private readonly heap = new EventQueue();

  /** The current simulated time. Only {@link step} moves it. */
  get now(): SimTime {
    return this._now;
  }

  /** Events run so far (cancelled events are not counted). */
  get processed(): number {
    return this._processed;
  }

  /** Events waiting in the queue, cancelled ones included. */
  get pending(): number {
    return this.heap.size;
  }

  /**
   * Registers the handler for a new kind of event, and the target it is called with.
   * @returns the kind number to pass to {@link schedule}
   */
  register<T>(target: T, handler: EventHandler<T>): number {
    this.handlers.push(handler as EventHandler<never>);
    this.targets.push(target);
    return this.handlers.length - 1;
  }

  /** How many kinds are registered: the next kind's number. */
  get kindCount(): number {
    return this.handlers.length;
  }

  /**
   * Retires the kinds `from` (inclusive) to `to` (exclusive): their events still queued run
   * as no-ops, and their targets are let go, so a loop that outlives what registered them
   * (several jobs, one after another) does not keep them all in memory.
   */
  retire(from: number, to: number): void {
    for (let k = from; k < to; k++) {
      this.handlers[k] = ignoreEvent;
      this.targets[k] = null;
    }
  }

  /**
   * Schedules an event `delay` milliseconds from now. An infinite delay means "never": such an
   * event stays queued past any horizon given to {@link step}.
   * @throws InvariantError when the delay is negative or NaN
   */
  schedule(delay: number, kind: number, a = 0, b = 0, c = 0): EventHandle {
    if (!(delay >= 0)) {
      throw new InvariantError(`negative or NaN delay ${delay} at t=${this._now}ms`);
    }
    return this.push(this._now + delay, kind, a, b, c);
  }

  /** Schedules an event at an absolute time, which must not be in the past. */
  at(time: SimTime, kind: number, a = 0, b = 0, c = 0): EventHandle {
    return this.schedule(time - this._now, kind, a, b, c);
  }

  /** Cancels a pending event; it will be dropped when it reaches the head of the queue. */
  cancel(handle: EventHandle): void {
    if (this.payload[4 * handle] < 0) return;
    this.payload[4 * handle] = -1;
    // A cancelled event stays in the heap until its time comes; when they outnumber the live
    // ones (a run that keeps restarting attempts due far ahead), the heap is rebuilt without them.
    if (++this.cancelled > COMPACT_AT_LEAST && 2 * this.cancelled > this.heap.size) this.compact();
  }

  /** Drops every cancelled event from the heap and frees its slot; the order of the rest is kept. */
  private compact(): void {
    const heap = this.heap as unknown as { array: number[]; size: number };
    const kept: number[] = [];
    for (let i = 0; i < heap.size; i++) {
      const slot = heap.array[i];
      if (this.payload[4 * slot] < 0) this.release(slot);
      else kept.push(slot);
    }
    this.heap.heapify(kept);
    this.cancelled = 0;
  }

  /** Ends the run after the current event: {@link run} returns and pending events stay unrun. */
  stop(): void {
    this._stopped = true;
  }

  /**
   * Runs the next event, moving the clock to its time. An event later than `horizon` is
   * left queued and the clock moves to the horizon instead, so a run that is cut off by a
   * time limit ends exactly at it.
   * @returns false when the queue is empty, the next event is past the horizon, or the run was stopped
   */
  step(horizon = Infinity): boolean {
    while (!this._stopped && this.heap.size > 0) {
      const slot = this.heap.peek() as number;
      const t = this.heap.time[slot];
      const p = this.payload;
      const at = 4 * slot;
      const k = p[at];
      if (k >= 0 && t > horizon) {
        this._now = Math.max(this._now, horizon);
        return false;
      }
      this.heap.poll();
      const a = p[at + 1];
      const b = p[at + 2];
      const c = p[at + 3];
      this.release(slot);
      if (k < 0) {
        this.cancelled--;
        continue;
      }
      if (t < this._now) throw new InvariantError(`clock would go back from ${this._now}ms to ${t}ms`);
      this._now = t;
      this._processed++;
      (this.handlers[k] as EventHandler<unknown>)(this.targets[k], a, b, c);
      return true;
    }
    return false;
  }

  /** Runs events until the queue is empty or {@link stop} is called. */
  run(): void {
    while (this.step()) {
      // step() does the work
    }
  }

  private push(time: SimTime, kind: number, a: number, b: number, c: number): EventHandle {
    if (kind < 0 || kind >= this.handlers.length) {
      throw new InvariantError(`unknown event kind ${kind}`);
    }
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount];
    this.heap.time[slot] = time;
    this.heap.seq[slot] = this.nextSeq++;
    const p = this.payload;
    const at = 4 * slot;
    p[at] = kind;
    p[at + 1] = a;
    p[at + 2] = b;
    p[at + 3] = c;
    this.heap.add(slot);
    return slot;
  }

  private release(slot: number): void {
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Doubles the event pool; the new slots go on the free stack, lowest index on top. */
  private grow(): void {
    const old = this.capacity;
    const cap = old === 0 ? INITIAL_CAPACITY : old * 2;
    this.heap.time = ensureLength(this.heap.time, cap);
    this.heap.seq = ensureLength(this.heap.seq, cap);
    this.payload = ensureLength(this.payload, 4 * cap);
    const free = new Int32Array(cap);
    free.set(this.freeSlots.subarray(0, this.freeCount));
    this.freeSlots = free;
    for (let s = cap - 1; s >= old; s--) this.freeSlots[this.freeCount++] = s;
    this.capacity = cap;
  }
}
