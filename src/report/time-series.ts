//! Shaping a run's recorded samples into time series, as the trace and the HTML report both draw them.

import type { DiskSample } from '../model/run-result.js';

/** One value at one simulated time (seconds). */
export interface TimePoint {
  time: number;
  value: number;
}

/**
 * The points in time order with only the last of several at the same time: the state after
 * every change at that moment. Equal times keep their recorded order.
 */
export function lastPerTime<T extends { time: number }>(points: readonly T[]): T[] {
  const out: T[] = [];
  // Timelines are recorded in time order; sorting (stable, so ties keep their order) is only a fallback.
  let sorted = true;
  for (let i = 1; i < points.length && sorted; i++) sorted = points[i - 1].time <= points[i].time;
  for (const p of sorted ? points : [...points].sort((a, b) => a.time - b.time)) {
    if (out.length > 0 && out[out.length - 1].time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

/** Samples grouped by the TaskManager they belong to, each group in recorded order. */
export function byTaskManager<T extends { tm: number }>(samples: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const s of samples) {
    let list = groups.get(s.tm);
    if (!list) groups.set(s.tm, (list = []));
    list.push(s);
  }
  return groups;
}

/** Bytes on each TaskManager's disk over time, in recorded order. */
export function diskPointsByTaskManager(disk: readonly DiskSample[]): Map<number, TimePoint[]> {
  const points = new Map<number, TimePoint[]>();
  for (const [tm, samples] of byTaskManager(disk)) points.set(tm, samples.map((d) => ({ time: d.time, value: d.bytes })));
  return points;
}
