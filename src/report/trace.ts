//! A run as Chrome trace-event JSON, for Perfetto (ui.perfetto.dev) and chrome://tracing.

import type { AttemptRecord, RunResult, Timeline, TimelineEvent } from '../model/run-result.js';
import { byTaskManager, diskPointsByTaskManager, lastPerTime } from './time-series.js';

/** pid of the process that carries job-level counters and instants. */
export const JOB_PID = 0;

/** pid of TaskManager `tm` (pid 0 is taken by the job). */
export function taskManagerPid(tm: number): number {
  return tm + 1;
}

/**
 * tid of slot `slot` within its TaskManager. Slot threads start at 1 so that tid 0
 * stays free for the process-scoped counters and instants of the same pid.
 */
export function slotTid(slot: number): number {
  return slot + 1;
}

/** Converts seconds to the whole microseconds the trace format expects. */
export function toMicros(seconds: number): number {
  // Non-finite times would serialise as `null` and break the viewers, so they pin to 0.
  if (!Number.isFinite(seconds)) return 0;
  const us = Math.round(seconds * 1e6);
  // Math.round(-0.4) is -0, which JSON prints as 0 anyway; normalise for strict equality in tests.
  return us === 0 ? 0 : us;
}

/** Counter names used in the trace, so consumers and tests need not repeat string literals. */
export const TRACE_COUNTERS = {
  liveTaskManagers: { name: 'TaskManagers', arg: 'live' },
  busySlots: { name: 'slots', arg: 'busy' },
  pendingRequests: { name: 'slot requests', arg: 'pending' },
  diskUsed: { name: 'disk', arg: 'used_bytes' },
  cpuInUse: { name: 'CPU', arg: 'cores_in_use' },
  diskBandwidth: { name: 'disk I/O', arg: 'bytes_per_s' },
  networkBandwidth: { name: 'network I/O', arg: 'bytes_per_s' },
} as const;

export type TraceEvent = Record<string, unknown>;

/** The object form of a trace: `traceEvents` plus display hints and run metadata. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  metadata: Record<string, unknown>;
}

/**
 * Builds a Chrome trace-event document of a run.
 *
 * Layout: pid 0 is "Job" (job-level counters and instants); every TaskManager is a
 * process (pid = index + 1, named "TaskManager N") with one thread per slot
 * (tid = slot + 1, named "slot K"). Each subtask attempt is one complete (`X`) event
 * named `vertex[subtask]#attempt`; timeline events become instants (`i`); samples and
 * disk samples become counters (`C`). Timestamps are whole microseconds.
 *
 * The output depends only on the input, in a fixed order, so the same run always
 * serialises to the same JSON string.
 */
export function toChromeTrace(result: RunResult, timeline: Timeline): ChromeTrace {
  const events: TraceEvent[] = [];

  // Every TaskManager that appears anywhere gets a process, with all its slots as
  // threads: empty slots are worth seeing too (they show wasted capacity).
  const slotsByTm = new Map<number, number>();
  const noteSlots = (tm: number, slots: number): void => {
    slotsByTm.set(tm, Math.max(slotsByTm.get(tm) ?? 0, slots));
  };
  for (const t of timeline.taskManagers) noteSlots(t.index, t.slots);
  for (const a of timeline.attempts) noteSlots(a.tm, a.slot + 1);
  for (const d of timeline.disk) noteSlots(d.tm, 0);
  for (const e of timeline.events) if (e.tm !== undefined) noteSlots(e.tm, 0);
  const tms = [...slotsByTm.keys()].sort((a, b) => a - b);

  events.push(meta('process_name', JOB_PID, 0, { name: 'Job' }));
  events.push(meta('process_sort_index', JOB_PID, 0, { sort_index: 0 }));
  for (const tm of tms) {
    const pid = taskManagerPid(tm);
    events.push(meta('process_name', pid, 0, { name: `TaskManager ${tm}` }));
    events.push(meta('process_sort_index', pid, 0, { sort_index: pid }));
    const slots = slotsByTm.get(tm) ?? 0;
    for (let s = 0; s < slots; s++) {
      events.push(meta('thread_name', pid, slotTid(s), { name: `slot ${s}` }));
      events.push(meta('thread_sort_index', pid, slotTid(s), { sort_index: s }));
    }
  }

  // Attempts, grouped by lane and in time order, which is also the order the viewers draw them.
  const attempts = [...timeline.attempts].sort(compareAttempts);
  for (const a of attempts) {
    const ts = toMicros(a.start);
    // Duration from rounded end minus rounded start, so back-to-back attempts never overlap by 1 µs.
    const dur = Math.max(0, toMicros(a.end) - ts);
    events.push({
      name: `${a.vertex}[${a.subtask}]#${a.attempt}`,
      cat: a.vertex,
      ph: 'X',
      ts,
      dur,
      pid: taskManagerPid(a.tm),
      tid: slotTid(a.slot),
      args: {
        inputBytes: a.inputBytes,
        outputBytes: a.outputBytes,
        outcome: a.outcome,
        cause: a.cause ?? null,
      },
    });
  }

  const timelineEvents = timeline.events
    .map((e, i) => ({ e, i }))
    .sort((x, y) => x.e.time - y.e.time || x.i - y.i);
  for (const { e } of timelineEvents) events.push(instant(e));

  // Counters are emitted only when their value changes: the viewers draw a step
  // function, so repeated values add size and nothing else. Several samples at the
  // same time collapse to the last one, the state after all changes at that moment.
  const samples = lastPerTime(timeline.samples);
  const counter = (
    c: { name: string; arg: string },
    pid: number,
    points: { time: number; value: number }[],
  ): void => {
    let prev: number | undefined;
    for (const p of points) {
      if (p.value === prev) continue;
      prev = p.value;
      events.push({ name: c.name, ph: 'C', ts: toMicros(p.time), pid, tid: 0, args: { [c.arg]: p.value } });
    }
  };
  counter(TRACE_COUNTERS.liveTaskManagers, JOB_PID, samples.map((s) => ({ time: s.time, value: s.liveTaskManagers })));
  counter(TRACE_COUNTERS.busySlots, JOB_PID, samples.map((s) => ({ time: s.time, value: s.busySlots })));
  counter(TRACE_COUNTERS.pendingRequests, JOB_PID, samples.map((s) => ({ time: s.time, value: s.pendingRequests })));

  const diskByTm = diskPointsByTaskManager(timeline.disk);
  for (const tm of [...diskByTm.keys()].sort((a, b) => a - b)) {
    const points = lastPerTime(diskByTm.get(tm) ?? []);
    counter(TRACE_COUNTERS.diskUsed, taskManagerPid(tm), points);
  }

  // What each TaskManager's attempts use of its cores, disk and network, from each change on.
  const useByTm = byTaskManager(timeline.resources);
  for (const tm of [...useByTm.keys()].sort((a, b) => a - b)) {
    const points = lastPerTime(useByTm.get(tm) ?? []);
    counter(TRACE_COUNTERS.cpuInUse, taskManagerPid(tm), points.map((r) => ({ time: r.time, value: r.cpu })));
    counter(TRACE_COUNTERS.diskBandwidth, taskManagerPid(tm), points.map((r) => ({ time: r.time, value: r.disk })));
    counter(TRACE_COUNTERS.networkBandwidth, taskManagerPid(tm), points.map((r) => ({ time: r.time, value: r.network })));
  }

  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: {
      source: 'batchsim',
      scenario: result.scenario,
      seed: result.seed,
      mode: result.mode,
      status: result.status,
      failureCause: result.failureCause ?? null,
      makespanSeconds: result.makespan,
      taskManagersCreated: result.taskManagers.created,
      taskManagersPeak: result.taskManagers.peak,
      slotsPerTaskManager: result.taskManagers.slotsPerTaskManager,
      restarts: result.restarts,
      slotSeconds: result.slotSeconds,
    },
  };
}

/** A metadata (`M`) event: a process or thread name or sort index. */
export function meta(name: string, pid: number, tid: number, args: Record<string, unknown>): TraceEvent {
  return { name, ph: 'M', pid, tid, args };
}

/** Attempts by TaskManager, slot, then time: the order the viewers draw a lane in. */
export function compareAttempts(a: AttemptRecord, b: AttemptRecord): number {
  return (
    a.tm - b.tm ||
    a.slot - b.slot ||
    a.start - b.start ||
    a.end - b.end ||
    (a.vertex < b.vertex ? -1 : a.vertex > b.vertex ? 1 : 0) ||
    a.subtask - b.subtask ||
    a.attempt - b.attempt
  );
}

/** What each kind of timeline event is called on the trace. */
export const INSTANT_NAMES: Record<TimelineEvent['kind'], string> = {
  'tm-requested': 'TaskManager requested',
  'tm-ready': 'TaskManager ready',
  'tm-released': 'TaskManager released',
  'tm-lost': 'TaskManager lost',
  failure: 'failure',
  restart: 'restart',
  'job-end': 'job end',
};

function instant(e: TimelineEvent): TraceEvent {
  const tmScoped = e.kind.startsWith('tm-') && e.tm !== undefined;
  // TaskManager life events belong on that TaskManager's process; failures, restarts
  // and the job's end concern the whole job, so they are global (a line across all tracks).
  return {
    name: INSTANT_NAMES[e.kind] ?? e.kind,
    cat: e.kind,
    ph: 'i',
    s: tmScoped ? 'p' : 'g',
    ts: toMicros(e.time),
    pid: tmScoped ? taskManagerPid(e.tm as number) : JOB_PID,
    tid: 0,
    args: { detail: e.detail, taskManager: e.tm ?? null },
  };
}
