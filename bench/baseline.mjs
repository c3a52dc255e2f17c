// The bare-loop baseline: the simulator's own sequence of timed events, replayed on a bare fastpriorityqueue.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Simulation } from '../dist/engine/simulation.js';

/**
 * A private copy of fastpriorityqueue for the bare loop. V8 keeps type feedback per
 * function: if the bare loop used the module instance the simulator already ran, its
 * comparator call would be polymorphic (the engine's comparator and this one), and the
 * "limit" would be measured slower than the library can go. Evaluating the same source
 * again gives functions with fresh feedback that only ever see this loop's comparator.
 */
function privateFastPriorityQueue() {
  const file = createRequire(import.meta.url).resolve('fastpriorityqueue');
  const module = { exports: {} };
  new Function('module', 'exports', 'require', readFileSync(file, 'utf8'))(module, module.exports, () => {
    throw new Error('fastpriorityqueue unexpectedly requires another module');
  });
  return module.exports;
}
const FastPriorityQueue = privateFastPriorityQueue();

/**
 * Records what the event queue saw during one run: for every event the simulator popped,
 * how many events had been pushed before it, and the delay of every push. Replaying that
 * gives a loop with exactly the simulator's pushes, pops, times and tie order, and none of
 * its handlers: the cost floor of an event-queue design.
 *
 * It patches Simulation's prototype for the duration of `run` only, so it must not overlap
 * a timed run (the patch itself costs time).
 * @returns {{ delays: Float64Array, pushes: number, marks: Int32Array, pops: number, peakQueue: number }}
 */
export function recordEventShape(run) {
  const proto = Simulation.prototype;
  const { schedule, step } = proto;
  let delays = new Float64Array(1 << 16);
  let marks = new Int32Array(1 << 16);
  let pushes = 0;
  let pops = 0;
  let peakQueue = 0;
  proto.schedule = function (delay, kind, a, b, c) {
    if (pushes === delays.length) {
      const next = new Float64Array(delays.length * 2);
      next.set(delays);
      delays = next;
    }
    delays[pushes++] = delay;
    return schedule.call(this, delay, kind, a, b, c);
  };
  proto.step = function () {
    // The engine never cancels in batch runs; if it ever does, popped-but-dropped events are
    // not counted here, so the replay would be short by those pops.
    const before = this.processed;
    if (this.pending > peakQueue) peakQueue = this.pending;
    const mark = pushes;
    const ran = step.call(this);
    if (ran && this.processed === before + 1) {
      if (pops === marks.length) {
        const next = new Int32Array(marks.length * 2);
        next.set(marks);
        marks = next;
      }
      marks[pops++] = mark;
    }
    return ran;
  };
  try {
    run();
  } finally {
    proto.schedule = schedule;
    proto.step = step;
  }
  return { delays: delays.subarray(0, pushes), pushes, marks: marks.subarray(0, pops), pops, peakQueue };
}

/**
 * Replays a recorded shape on a bare priority queue ordered by (time, sequence), with event
 * slots in typed arrays as the engine keeps them. No handlers, no kinds, no payloads.
 * @returns {{ ms: number, events: number, checksum: number }}
 */
export function replayBare(shape) {
  const { delays, marks, pops } = shape;
  const cap = Math.max(16, shape.peakQueue + 16);
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  const free = new Int32Array(cap);
  let freeCount = 0;
  for (let s = cap - 1; s >= 0; s--) free[freeCount++] = s;
  const heap = new FastPriorityQueue((i, j) => {
    const ti = time[i];
    const tj = time[j];
    return ti < tj || (ti === tj && seq[i] < seq[j]);
  });
  let now = 0;
  let nextSeq = 0;
  let pushed = 0;
  let checksum = 0;
  const t0 = performance.now();
  for (let k = 0; k < pops; k++) {
    const until = marks[k];
    while (pushed < until) {
      const slot = free[--freeCount];
      time[slot] = now + delays[pushed++];
      seq[slot] = nextSeq++;
      heap.add(slot);
    }
    const slot = heap.poll();
    now = time[slot];
    free[freeCount++] = slot;
    // Folded into a checksum so the loop's work cannot be dropped as dead code.
    checksum += now;
  }
  const ms = performance.now() - t0;
  return { ms, events: pops, checksum };
}

/**
 * Replays the same shape through the simulator's own event engine with a handler that does
 * nothing: the engine's cost over the bare loop (validation, the payload arrays, dispatch).
 * @returns {{ ms: number, events: number }}
 */
export function replayEngine(shape) {
  const { delays, marks, pops } = shape;
  const sim = new Simulation();
  let sum = 0;
  const kind = sim.register(null, (_, a) => {
    sum += a;
  });
  let pushed = 0;
  const t0 = performance.now();
  for (let k = 0; k < pops; k++) {
    const until = marks[k];
    while (pushed < until) sim.schedule(delays[pushed++], kind, 1, 0, 0);
    sim.step();
  }
  const ms = performance.now() - t0;
  if (sum !== pops) throw new Error(`engine replay ran ${sum} events, expected ${pops}`);
  return { ms, events: pops };
}
