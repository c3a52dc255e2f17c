//! Optional recording of a run's timeline; absent unless traces, metrics or reports are asked for.

import type { AttemptRecord, DiskSample, MetricsSample, TaskManagerRecord, Timeline, TimelineEvent } from './run-result.js';

/** Collects what happened, in simulated seconds. */
export class Recorder implements Timeline {
  readonly attempts: AttemptRecord[] = [];
  readonly taskManagers: TaskManagerRecord[] = [];
  readonly samples: MetricsSample[] = [];
  readonly disk: DiskSample[] = [];
  readonly events: TimelineEvent[] = [];

  event(timeMs: number, kind: TimelineEvent['kind'], detail: string, tm?: number): void {
    this.events.push({ time: timeMs / 1000, kind, ...(tm !== undefined && { tm }), detail });
  }

  diskUsage(timeMs: number, tm: number, bytes: number): void {
    this.disk.push({ time: timeMs / 1000, tm, bytes });
  }

  /** Adds a sample; a later sample at the same time replaces the earlier one. */
  sample(s: MetricsSample): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && last.time === s.time) this.samples[this.samples.length - 1] = s;
    else this.samples.push(s);
  }
}
