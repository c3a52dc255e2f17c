//! Optional recording of a run's timeline; absent unless traces, metrics or reports are asked for.

import type { AttemptRecord, DiskSample, MetricsSample, ResourceSample, TaskManagerRecord, Timeline, TimelineEvent } from './run-result.js';

/** Collects what happened, in simulated seconds. */
export class Recorder implements Timeline {
  readonly attempts: AttemptRecord[] = [];
  readonly taskManagers: TaskManagerRecord[] = [];
  readonly samples: MetricsSample[] = [];
  readonly disk: DiskSample[] = [];
  readonly resources: ResourceSample[] = [];
  readonly events: TimelineEvent[] = [];

  event(timeMs: number, kind: TimelineEvent['kind'], detail: string, tm?: number): void {
    this.events.push({ time: timeMs / 1000, kind, ...(tm !== undefined && { tm }), detail });
  }

  diskUsage(timeMs: number, tm: number, bytes: number): void {
    this.disk.push({ time: timeMs / 1000, tm, bytes });
  }

  /** What `tm` uses from now on; a later change at the same time replaces the earlier one. */
  resourceUse(timeMs: number, tm: number, cpu: number, disk: number, network: number): void {
    const time = timeMs / 1000;
    const last = this.resources[this.resources.length - 1];
    const round = (x: number) => Math.max(0, Math.round(x * 1000) / 1000);
    const sample = { time, tm, cpu: round(cpu), disk: Math.max(0, Math.round(disk)), network: Math.max(0, Math.round(network)) };
    if (last !== undefined && last.time === time && last.tm === tm) this.resources[this.resources.length - 1] = sample;
    else this.resources.push(sample);
  }

  /** Adds a sample; a later sample at the same time replaces the earlier one. */
  sample(s: MetricsSample): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && last.time === s.time) this.samples[this.samples.length - 1] = s;
    else this.samples.push(s);
  }
}
