//! A multi-job run as Chrome trace-event JSON (Perfetto, chrome://tracing): a process per job, one for the queues.

import type { AttemptRecord, Timeline, WorkloadJobResult, WorkloadResult } from '../model/run-result.js';
import type { WorkloadTimeline } from '../dispatcher/workload-run.js';
import { compareAttempts, INSTANT_NAMES, meta, toMicros, TRACE_COUNTERS, type ChromeTrace, type TraceEvent } from './trace.js';
import { lastPerTime } from './time-series.js';

/** pid of the process that carries the queues' counters. */
export const QUEUES_PID = 0;

/** pid of the job at `index` in the result's `jobs`. */
export function workloadJobPid(index: number): number {
  return index + 1;
}

/** tid of a job's own lane (queue wait, run); its slots' threads come after it. */
export const JOB_LANE_TID = 0;

/** Counter names of queue `name`: CU in use (against its capacity), and requests waiting. */
export function queueCounters(name: string, capacity: number | null): { cu: { name: string; arg: string }; waiting: { name: string; arg: string } } {
  return {
    cu: { name: `${name} CU in use (capacity ${capacity === null ? 'unlimited' : capacity})`, arg: 'cu' },
    waiting: { name: `${name} waiting requests`, arg: 'requests' },
  };
}

/**
 * Builds a Chrome trace-event document of a multi-job run.
 *
 * Layout: pid 0 is "Queues", with two counter tracks per queue (CU in use, requests waiting
 * for capacity). Every job is one process (pid = its index in `result.jobs` + 1, named after
 * the job, its queue and status): thread 0 shows its life in the queue (`waiting for queue`
 * from submission to admission, then `running` to its end); then one thread per slot of each
 * of its TaskManagers (`TaskManager N slot K`, in that order) carries its attempts as complete
 * events named `vertex[subtask]#attempt`, as the single-job trace does. The job's counters
 * (live TaskManagers, busy slots, pending slot requests) and its timeline events (TaskManager
 * life, failures, restarts, its end) belong to its process. Timestamps are whole microseconds
 * from the start of the run; the same run always serialises to the same JSON.
 */
export function toWorkloadChromeTrace(result: WorkloadResult, timeline: WorkloadTimeline): ChromeTrace {
  const events: TraceEvent[] = [];
  events.push(meta('process_name', QUEUES_PID, 0, { name: 'Queues' }));
  events.push(meta('process_sort_index', QUEUES_PID, 0, { sort_index: 0 }));
  for (const q of timeline.queues) {
    const c = queueCounters(q.name, q.capacity);
    counter(events, c.cu, QUEUES_PID, q.samples.map((s) => ({ time: s.time, value: s.cu })));
    counter(events, c.waiting, QUEUES_PID, q.samples.map((s) => ({ time: s.time, value: s.waiting })));
  }
  result.jobs.forEach((job, i) => jobEvents(events, job, workloadJobPid(i), timeline.jobs[i]));
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: {
      source: 'batchsim',
      scenario: result.scenario,
      seed: result.seed,
      status: result.status,
      makespanSeconds: result.makespan,
      jobs: result.jobs.length,
      queues: result.queues,
    },
  };
}

function jobEvents(events: TraceEvent[], job: WorkloadJobResult, pid: number, timeline: Timeline | undefined): void {
  events.push(meta('process_name', pid, 0, { name: `${job.name} (queue ${job.queue}, ${job.status})` }));
  events.push(meta('process_sort_index', pid, 0, { sort_index: pid }));
  events.push(meta('thread_name', pid, JOB_LANE_TID, { name: 'job' }));
  events.push(meta('thread_sort_index', pid, JOB_LANE_TID, { sort_index: 0 }));
  const args = { queue: job.queue, priority: job.priority, status: job.status, waited: job.waited, failureCause: job.failureCause ?? null };
  const span = (name: string, from: number, to: number): void => {
    const ts = toMicros(from);
    events.push({ name, cat: 'job', ph: 'X', ts, dur: Math.max(0, toMicros(to) - ts), pid, tid: JOB_LANE_TID, args });
  };
  if (job.started === null) {
    // Never admitted (skipped, or the run ended first): its wait, if any, is all there is.
    if (job.end > job.submitted) span('waiting for queue', job.submitted, job.end);
    events.push({ name: job.status === 'SKIPPED' ? 'skipped' : 'never admitted', cat: 'job', ph: 'i', s: 'p', ts: toMicros(job.end), pid, tid: JOB_LANE_TID, args });
    return;
  }
  if (job.started > job.submitted) span('waiting for queue', job.submitted, job.started);
  span('running', job.started, job.end);
  if (timeline === undefined) return;

  // A thread per slot of every TaskManager, numbered after the job's lane in TaskManager order.
  const slotsByTm = new Map<number, number>();
  const note = (tm: number, slots: number): void => void slotsByTm.set(tm, Math.max(slotsByTm.get(tm) ?? 0, slots));
  for (const t of timeline.taskManagers) note(t.index, t.slots);
  for (const a of timeline.attempts) note(a.tm, a.slot + 1);
  const firstTid = new Map<number, number>();
  let tid = JOB_LANE_TID + 1;
  for (const tm of [...slotsByTm.keys()].sort((a, b) => a - b)) {
    firstTid.set(tm, tid);
    for (let s = 0; s < (slotsByTm.get(tm) ?? 0); s++, tid++) {
      events.push(meta('thread_name', pid, tid, { name: `TaskManager ${tm} slot ${s}` }));
      events.push(meta('thread_sort_index', pid, tid, { sort_index: tid }));
    }
  }
  const slotTid = (a: AttemptRecord): number => (firstTid.get(a.tm) ?? 0) + a.slot;

  for (const a of [...timeline.attempts].sort(compareAttempts)) {
    const ts = toMicros(a.start);
    events.push({
      name: `${a.vertex}[${a.subtask}]#${a.attempt}`,
      cat: a.vertex,
      ph: 'X',
      ts,
      dur: Math.max(0, toMicros(a.end) - ts),
      pid,
      tid: slotTid(a),
      args: { inputBytes: a.inputBytes, outputBytes: a.outputBytes, outcome: a.outcome, cause: a.cause ?? null, taskManager: a.tm },
    });
  }
  // Instants stay within the job's process: a global one would cross every other job's tracks.
  const instants = timeline.events.map((e, i) => ({ e, i })).sort((x, y) => x.e.time - y.e.time || x.i - y.i);
  for (const { e } of instants) {
    events.push({
      name: INSTANT_NAMES[e.kind] ?? e.kind,
      cat: e.kind,
      ph: 'i',
      s: 'p',
      ts: toMicros(e.time),
      pid,
      tid: JOB_LANE_TID,
      args: { detail: e.detail, taskManager: e.tm ?? null },
    });
  }
  const samples = lastPerTime(timeline.samples);
  counter(events, TRACE_COUNTERS.liveTaskManagers, pid, samples.map((s) => ({ time: s.time, value: s.liveTaskManagers })));
  counter(events, TRACE_COUNTERS.busySlots, pid, samples.map((s) => ({ time: s.time, value: s.busySlots })));
  counter(events, TRACE_COUNTERS.pendingRequests, pid, samples.map((s) => ({ time: s.time, value: s.pendingRequests })));
}

/** Counter events of one track, only where its value changes (the viewers draw steps). */
function counter(events: TraceEvent[], c: { name: string; arg: string }, pid: number, points: { time: number; value: number }[]): void {
  let prev: number | undefined;
  for (const p of lastPerTime(points)) {
    if (p.value === prev) continue;
    prev = p.value;
    events.push({ name: c.name, ph: 'C', ts: toMicros(p.time), pid, tid: 0, args: { [c.arg]: p.value } });
  }
}
