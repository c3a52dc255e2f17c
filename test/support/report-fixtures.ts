//! Hand-built runs for the report tests: small enough to check every number by hand.

import { memoryLayout } from '../../src/model/cluster/memory-layout.js';
import type { AttemptRecord, DiskSample, MetricsSample, RunResult, Timeline } from '../../src/model/run-result.js';
import type { TaskManagerMemorySpec } from '../../src/model/spec.js';

/** Flink's default layout of a TaskManager process of `bytes` with `slots` slots. */
function memoryOf(bytes: number, slots: number): TaskManagerMemorySpec {
  const r = memoryLayout(bytes, slots);
  if (!('memory' in r)) throw new Error(r.error.reason);
  return r.memory;
}

/** A run summary with every field filled; tests override what they care about. */
function baseResult(overrides: Partial<RunResult>): RunResult {
  return {
    scenario: 'fixture',
    seed: 7,
    mode: 'BATCH',
    status: 'FINISHED',
    makespan: 0,
    vertices: [],
    taskManagers: { created: 0, peak: 0, slotsPerTaskManager: 2, cpu: 2, memoryBytes: 4 * 1024 ** 3, diskBytes: 1000, diskBandwidth: null, networkBandwidth: null, memory: memoryOf(4 * 1024 ** 3, 2) },
    restarts: 0,
    slotSeconds: 0,
    cost: { coreSeconds: 0, gibSeconds: 0, shuffleServiceCuSeconds: 0 },
    disk: { peakBytesOneTaskManager: 0, peakBytesTotal: 0 },
    failures: [],
    warnings: [],
    stats: { events: 0 },
    ...overrides,
  };
}

function sample(time: number, s: Omit<MetricsSample, 'time'>): MetricsSample {
  return { time, ...s };
}

/**
 * Two TaskManagers with two slots each; a source with parallelism 3 and a sink with 1.
 *
 * Story: both TMs requested at 0; TM 0 ready at 2 (source[0], source[1] start), TM 1 ready
 * at 3 (source[2] starts). source[1] finishes at 5, source[0] at 6. source[2]#0 fails at 7
 * ("injected fault"), restarts after 1 s on the same slot and finishes at 11, when the sink
 * starts on TM 0. TM 1 goes idle at 11 and is released at 14. The sink finishes at 15, the
 * job ends and TM 0 is released.
 *
 * Busy slot-seconds by hand: 4 + 3 + 4 + 3 + 4 = 18 (attempts), and the samples' step
 * integral is 2·1 + 3·2 + 2·1 + 1·1 + 0·1 + 1·3 + 1·3 + 1·1 = 18 as well.
 */
export function smallRun(): { result: RunResult; timeline: Timeline } {
  const attempts: AttemptRecord[] = [
    { vertex: 'source', subtask: 0, attempt: 0, tm: 0, slot: 0, start: 2, end: 6, outcome: 'finished', inputBytes: 200, outputBytes: 400 },
    { vertex: 'source', subtask: 1, attempt: 0, tm: 0, slot: 1, start: 2, end: 5, outcome: 'finished', inputBytes: 100, outputBytes: 300 },
    { vertex: 'source', subtask: 2, attempt: 0, tm: 1, slot: 0, start: 3, end: 7, outcome: 'failed', cause: 'injected fault', inputBytes: 300, outputBytes: 100 },
    { vertex: 'source', subtask: 2, attempt: 1, tm: 1, slot: 0, start: 8, end: 11, outcome: 'finished', inputBytes: 300, outputBytes: 200 },
    { vertex: 'sink', subtask: 0, attempt: 0, tm: 0, slot: 0, start: 11, end: 15, outcome: 'finished', inputBytes: 900, outputBytes: 0 },
  ];
  const zero = { pendingRequests: 0, diskUsedTotal: 0, diskUsedMax: 0, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 };
  const idleUse = { cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 };
  const samples: MetricsSample[] = [
    sample(0, { ...idleUse, ...zero, liveTaskManagers: 0, startingTaskManagers: 2, idleTaskManagers: 0, busySlots: 0, freeSlots: 0, pendingRequests: 3, runningSubtasks: 0, finishedSubtasks: 0 }),
    sample(2, { ...idleUse, ...zero, liveTaskManagers: 1, startingTaskManagers: 1, idleTaskManagers: 0, busySlots: 2, freeSlots: 0, pendingRequests: 1, runningSubtasks: 2, finishedSubtasks: 0 }),
    sample(3, { ...idleUse, ...zero, liveTaskManagers: 2, startingTaskManagers: 0, idleTaskManagers: 0, busySlots: 3, freeSlots: 1, runningSubtasks: 3, finishedSubtasks: 0 }),
    sample(5, { ...idleUse, liveTaskManagers: 2, startingTaskManagers: 0, idleTaskManagers: 0, busySlots: 2, freeSlots: 2, pendingRequests: 0, runningSubtasks: 2, finishedSubtasks: 1, diskUsedTotal: 400, diskUsedMax: 300, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
    sample(6, { ...idleUse, liveTaskManagers: 2, startingTaskManagers: 0, idleTaskManagers: 1, busySlots: 1, freeSlots: 3, pendingRequests: 0, runningSubtasks: 1, finishedSubtasks: 2, diskUsedTotal: 800, diskUsedMax: 700, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
    sample(7, { ...idleUse, liveTaskManagers: 2, startingTaskManagers: 0, idleTaskManagers: 2, busySlots: 0, freeSlots: 4, pendingRequests: 0, runningSubtasks: 0, finishedSubtasks: 2, diskUsedTotal: 700, diskUsedMax: 700, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
    sample(8, { ...idleUse, liveTaskManagers: 2, startingTaskManagers: 0, idleTaskManagers: 1, busySlots: 1, freeSlots: 3, pendingRequests: 0, runningSubtasks: 1, finishedSubtasks: 2, diskUsedTotal: 700, diskUsedMax: 700, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
    sample(11, { ...idleUse, liveTaskManagers: 2, startingTaskManagers: 0, idleTaskManagers: 1, busySlots: 1, freeSlots: 3, pendingRequests: 0, runningSubtasks: 1, finishedSubtasks: 3, diskUsedTotal: 900, diskUsedMax: 700, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
    sample(14, { ...idleUse, liveTaskManagers: 1, startingTaskManagers: 0, idleTaskManagers: 0, busySlots: 1, freeSlots: 1, pendingRequests: 0, runningSubtasks: 1, finishedSubtasks: 3, diskUsedTotal: 700, diskUsedMax: 700, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
    sample(15, { ...idleUse, liveTaskManagers: 0, startingTaskManagers: 0, idleTaskManagers: 0, busySlots: 0, freeSlots: 0, pendingRequests: 0, runningSubtasks: 0, finishedSubtasks: 4, diskUsedTotal: 0, diskUsedMax: 0, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 }),
  ];
  const disk: DiskSample[] = [
    { time: 2, tm: 0, bytes: 0 },
    { time: 3, tm: 1, bytes: 0 },
    { time: 5, tm: 0, bytes: 300 },
    { time: 5, tm: 1, bytes: 100 },
    { time: 6, tm: 0, bytes: 700 },
    { time: 7, tm: 1, bytes: 0 },
    { time: 11, tm: 1, bytes: 200 },
    { time: 14, tm: 1, bytes: 0 },
    { time: 15, tm: 0, bytes: 0 },
  ];
  const timeline: Timeline = {
    attempts,
    taskManagers: [
      { index: 0, requestedAt: 0, readyAt: 2, releasedAt: 15, goneAt: 15.5, endReason: 'job-end', slots: 2, cpu: 2, memoryBytes: 4 * 1024 ** 3, diskBytes: 1000 },
      { index: 1, requestedAt: 0, readyAt: 3, releasedAt: 14, goneAt: 14.5, endReason: 'idle', slots: 2, cpu: 2, memoryBytes: 4 * 1024 ** 3, diskBytes: 1000 },
    ],
    samples,
    resources: [],
    disk,
    events: [
      { time: 0, kind: 'tm-requested', tm: 0, detail: 'for 3 pending slot requests' },
      { time: 0, kind: 'tm-requested', tm: 1, detail: 'for 3 pending slot requests' },
      { time: 2, kind: 'tm-ready', tm: 0, detail: '2 slots' },
      { time: 3, kind: 'tm-ready', tm: 1, detail: '2 slots' },
      { time: 7, kind: 'failure', tm: 1, detail: 'source[2]#0: injected fault' },
      { time: 8, kind: 'restart', detail: 'restarted 1 subtask' },
      { time: 14, kind: 'tm-released', tm: 1, detail: 'idle timeout' },
      { time: 15, kind: 'tm-released', tm: 0, detail: 'job end' },
      { time: 15, kind: 'job-end', detail: 'FINISHED' },
    ],
  };
  const result = baseResult({
    scenario: 'two-tm-fixture',
    makespan: 15,
    vertices: [
      {
        id: 'source',
        parallelism: 3,
        decision: { origin: 'source-default', reason: 'Sources take the default source parallelism, 3.' },
        attempts: 4,
        start: 2,
        end: 11,
        busySlotSeconds: 14,
        inputBytes: 600,
        outputBytes: 900,
        subtaskInputBytes: { min: 100, median: 200, max: 300 },
      heldBackSeconds: { cpu: 0, disk: 0, network: 0 },
      boundBy: null,
      spilledBytes: 0,
      gcSeconds: 0,
      cpuSeconds: 0,
      heapOccupancy: 0,
      },
      {
        id: 'sink',
        parallelism: 1,
        decision: { origin: 'inferred', bytesConsumed: 900, boundBy: 'data', reason: '900 B of input at 1 KiB per task gives 1 subtask.' },
        attempts: 1,
        start: 11,
        end: 15,
        busySlotSeconds: 4,
        inputBytes: 900,
        outputBytes: 0,
        subtaskInputBytes: { min: 900, median: 900, max: 900 },
      heldBackSeconds: { cpu: 0, disk: 0, network: 0 },
      boundBy: null,
      spilledBytes: 0,
      gcSeconds: 0,
      cpuSeconds: 0,
      heapOccupancy: 0,
      },
    ],
    taskManagers: { created: 2, peak: 2, slotsPerTaskManager: 2, cpu: 2, memoryBytes: 4 * 1024 ** 3, diskBytes: 1000, diskBandwidth: null, networkBandwidth: null, memory: memoryOf(4 * 1024 ** 3, 2) },
    restarts: 1,
    slotSeconds: 18,
    cost: { coreSeconds: 53, gibSeconds: 106, shuffleServiceCuSeconds: 0 },
    disk: { peakBytesOneTaskManager: 700, peakBytesTotal: 900 },
    failures: [
      {
        time: 7,
        subtask: 'source[2]',
        attempt: 0,
        taskManager: 1,
        cause: 'injected fault',
        action: 'restart',
        restarted: ['source[2]'],
        restartedCount: 1,
        delay: 1,
      },
    ],
    stats: { events: 42 },
  });
  return { result, timeline };
}

/** A vertex id that would become an element (and run script) if it were not escaped. */
export const XSS_VERTEX = '<img src=x onerror=alert(1)>';
/** A vertex id that needs CSV quoting: a comma and double quotes. */
export const CSV_VERTEX = 'join "left", right';
/** A scenario name that tries to close the embedded JSON's `<script>` element. */
export const XSS_SCENARIO = '</script><script>alert(2)</script>';
/** A failure cause with every HTML-special character. */
export const XSS_CAUSE = `disk "full" & <b>bold</b> 'quoted' <svg onload=alert(3)>`;

/**
 * A failed run whose scenario strings are hostile: a vertex named {@link XSS_VERTEX}, one
 * named {@link CSV_VERTEX} that never started, a lost TaskManager and causes with markup.
 */
export function hostileRun(): { result: RunResult; timeline: Timeline } {
  const attempts: AttemptRecord[] = [
    { vertex: XSS_VERTEX, subtask: 0, attempt: 0, tm: 0, slot: 0, start: 1, end: 4, outcome: 'failed', cause: XSS_CAUSE, inputBytes: 10, outputBytes: 0 },
    { vertex: XSS_VERTEX, subtask: 1, attempt: 0, tm: 0, slot: 1, start: 1, end: 4, outcome: 'canceled', cause: 'region restarted', inputBytes: 10, outputBytes: 0 },
  ];
  const timeline: Timeline = {
    attempts,
    taskManagers: [
      { index: 0, requestedAt: 0, readyAt: 1, releasedAt: 4, goneAt: 4, endReason: 'lost', slots: 2, cpu: 1, memoryBytes: 1024 ** 3, diskBytes: 500 },
    ],
    samples: [
      { time: 0, liveTaskManagers: 0, startingTaskManagers: 1, idleTaskManagers: 0, busySlots: 0, freeSlots: 0, pendingRequests: 2, runningSubtasks: 0, finishedSubtasks: 0, diskUsedTotal: 0, diskUsedMax: 0, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 },
      { time: 1, liveTaskManagers: 1, startingTaskManagers: 0, idleTaskManagers: 0, busySlots: 2, freeSlots: 0, pendingRequests: 0, runningSubtasks: 2, finishedSubtasks: 0, diskUsedTotal: 0, diskUsedMax: 0, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 },
      { time: 4, liveTaskManagers: 0, startingTaskManagers: 0, idleTaskManagers: 0, busySlots: 0, freeSlots: 0, pendingRequests: 0, runningSubtasks: 0, finishedSubtasks: 0, diskUsedTotal: 0, diskUsedMax: 0, cpuInUse: 0, diskBandwidthInUse: 0, networkBandwidthInUse: 0 },
    ],
    resources: [],
    disk: [
      { time: 1, tm: 0, bytes: 0 },
      { time: 3, tm: 0, bytes: 450 },
      { time: 4, tm: 0, bytes: 0 },
    ],
    events: [
      { time: 0, kind: 'tm-requested', tm: 0, detail: 'for 2 pending slot requests' },
      { time: 1, kind: 'tm-ready', tm: 0, detail: '2 slots' },
      { time: 4, kind: 'tm-lost', tm: 0, detail: XSS_CAUSE },
      { time: 4, kind: 'failure', tm: 0, detail: `${XSS_VERTEX}[0]#0: ${XSS_CAUSE}` },
      { time: 4, kind: 'job-end', detail: 'FAILED' },
    ],
  };
  const result = baseResult({
    scenario: XSS_SCENARIO,
    status: 'FAILED',
    failureCause: XSS_CAUSE,
    makespan: 4,
    vertices: [
      {
        id: XSS_VERTEX,
        parallelism: 2,
        decision: { origin: 'fixed', reason: `set in the scenario for ${XSS_VERTEX}` },
        attempts: 2,
        start: 1,
        end: null,
        busySlotSeconds: 6,
        inputBytes: 20,
        outputBytes: 0,
        subtaskInputBytes: { min: 10, median: 10, max: 10 },
      heldBackSeconds: { cpu: 0, disk: 0, network: 0 },
      boundBy: null,
      spilledBytes: 0,
      gcSeconds: 0,
      cpuSeconds: 0,
      heapOccupancy: 0,
      },
      {
        id: CSV_VERTEX,
        parallelism: 1,
        decision: { origin: 'global-default', reason: 'default parallelism' },
        attempts: 0,
        start: null,
        end: null,
        busySlotSeconds: 0,
        inputBytes: 0,
        outputBytes: 0,
        subtaskInputBytes: { min: 0, median: 0, max: 0 },
      heldBackSeconds: { cpu: 0, disk: 0, network: 0 },
      boundBy: null,
      spilledBytes: 0,
      gcSeconds: 0,
      cpuSeconds: 0,
      heapOccupancy: 0,
      },
    ],
    taskManagers: { created: 1, peak: 1, slotsPerTaskManager: 2, cpu: 1, memoryBytes: 1024 ** 3, diskBytes: 500, diskBandwidth: null, networkBandwidth: null, memory: memoryOf(1024 ** 3, 2) },
    restarts: 0,
    slotSeconds: 6,
    cost: { coreSeconds: 4, gibSeconds: 4, shuffleServiceCuSeconds: 0 },
    disk: { peakBytesOneTaskManager: 450, peakBytesTotal: 450 },
    failures: [
      {
        time: 4,
        subtask: `${XSS_VERTEX}[0]`,
        attempt: 0,
        taskManager: 0,
        cause: XSS_CAUSE,
        action: 'job-failed',
        restarted: [],
        restartedCount: 0,
        delay: 0,
      },
    ],
    warnings: [`vertex ${XSS_VERTEX} has no consumers`],
  });
  return { result, timeline };
}

/**
 * A large synthetic run, for the caps: `tms` TaskManagers × `slots` slots, each slot
 * running `perSlot` back-to-back one-second attempts; every 97th attempt fails.
 */
export function largeRun(tms: number, slots: number, perSlot: number): { result: RunResult; timeline: Timeline } {
  const attempts: AttemptRecord[] = [];
  let n = 0;
  for (let tm = 0; tm < tms; tm++) {
    for (let slot = 0; slot < slots; slot++) {
      for (let k = 0; k < perSlot; k++) {
        const vertex = `v${n % 5}`;
        attempts.push({
          vertex,
          subtask: n,
          attempt: 0,
          tm,
          slot,
          start: k,
          end: k + 1,
          outcome: n % 97 === 0 ? 'failed' : 'finished',
          inputBytes: 1,
          outputBytes: 1,
        });
        n++;
      }
    }
  }
  const result = baseResult({
    scenario: 'large',
    makespan: perSlot,
    vertices: [0, 1, 2, 3, 4].map((i) => ({
      id: `v${i}`,
      parallelism: 1,
      decision: { origin: 'fixed' as const, reason: 'fixed' },
      attempts: 1,
      start: 0,
      end: perSlot,
      busySlotSeconds: 1,
      inputBytes: 1,
      outputBytes: 1,
      subtaskInputBytes: { min: 1, median: 1, max: 1 },
      heldBackSeconds: { cpu: 0, disk: 0, network: 0 },
      boundBy: null,
      spilledBytes: 0,
      gcSeconds: 0,
      cpuSeconds: 0,
      heapOccupancy: 0,
    })),
    taskManagers: { created: tms, peak: tms, slotsPerTaskManager: slots, cpu: 1, memoryBytes: 1024 ** 3, diskBytes: 1000, diskBandwidth: null, networkBandwidth: null, memory: memoryOf(1024 ** 3, slots) },
    slotSeconds: attempts.length,
  });
  const timeline: Timeline = {
    attempts,
    taskManagers: Array.from({ length: tms }, (_, index) => ({
      index,
      requestedAt: 0,
      readyAt: 0,
      releasedAt: perSlot,
      goneAt: perSlot,
      endReason: 'job-end' as const,
      slots,
      cpu: 1,
      memoryBytes: 1024 ** 3,
      diskBytes: 1000,
    })),
    samples: Array.from({ length: 10_000 }, (_, i) => ({
      time: (i * perSlot) / 10_000,
      liveTaskManagers: tms,
      startingTaskManagers: 0,
      idleTaskManagers: 0,
      busySlots: (i * 7919) % (tms * slots + 1),
      freeSlots: 0,
      pendingRequests: 0,
      runningSubtasks: 0,
      finishedSubtasks: i,
      diskUsedTotal: 0,
      diskUsedMax: 0,
      cpuInUse: 0,
      diskBandwidthInUse: 0,
      networkBandwidthInUse: 0,
    })),
    disk: [],
    resources: [],
    events: [],
  };
  return { result, timeline };
}
