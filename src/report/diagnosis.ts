//! The brief's FAQ "What do I do if a batch job is stuck?", answered from a simulated run: each symptom found, its evidence and the brief's action, with numbers.

import { autoDiskBytes } from '../model/cluster/resources.js';
import { smallestMemoryPerSlot } from '../model/cluster/memory-layout.js';
import type { Diagnosis, RunResult, VertexResult } from '../model/run-result.js';
import type { SimulationSpec } from '../model/spec.js';
import { OUT_OF_MEMORY_CAUSE, occupancyForSlowdown } from '../scheduler/memory-effects.js';
import { formatBytes } from '../util/format.js';

/** GC above this share of a vertex's CPU time counts as frequent GC. */
export const GC_SHARE_THRESHOLD = 0.2;
/** The GC share the memory advice aims for: just below the threshold, so the symptom goes. */
const GC_SHARE_TARGET = GC_SHARE_THRESHOLD;
/** A vertex held back by CPU for this share of its time, and running this share of the job, is a hot thread. */
const HOT_CPU_SHARE = 0.8;
const HOT_SPAN_SHARE = 0.1;
/** Largest subtask input over the median at which one thread is "hot". */
const HOT_SKEW = 3;
/** A stretch without any subtask finishing, while work is pending, longer than this share of the run (and 60 s) is "no progress". */
const STALL_SHARE = 0.3;
const STALL_MIN_SECONDS = 60;

const GIB = 2 ** 30;
const percent = (x: number): string => `${Math.round(100 * x)}%`;

/**
 * The symptoms the brief lists, looked for in a run: frequent GC or spilling (memory),
 * a CPU-bound hot vertex, no progress, no space left on device, and more TaskManagers than
 * the parallelism needs. A healthy run gets none.
 */
export function diagnose(spec: SimulationSpec, result: RunResult): Diagnosis[] {
  const out: Diagnosis[] = [];
  memory(spec, result, out);
  hotCpu(result, out);
  noProgress(result, out);
  diskFull(spec, result, out);
  tooManyTaskManagers(spec, result, out);
  return out;
}

function memory(spec: SimulationSpec, result: RunResult, out: Diagnosis[]): void {
  const m = spec.cluster.memory;
  const slots = spec.cluster.slotsPerTaskManager;
  const perSlotGiB = (spec.cluster.memoryPerSlot / GIB).toFixed(1);
  const oom = result.failures.filter((f) => f.cause === OUT_OF_MEMORY_CAUSE).length;
  const evidence: string[] = [];
  let taskHeapNeed = 0;
  let managedNeed = 0;
  result.vertices.forEach((v, i) => {
    const vs = spec.vertices[i];
    const total = v.gcSeconds + v.cpuSeconds;
    const gcShare = total > 0 ? v.gcSeconds / total : 0;
    if (v.heapOccupancy >= 1) {
      evidence.push(`${v.id}: its ${formatBytes(vs.heapBytes)} working set does not fit a slot's ${formatBytes(m.taskHeapPerSlot)} task heap (OutOfMemoryError)`);
    } else if (gcShare > GC_SHARE_THRESHOLD) {
      evidence.push(`${v.id}: ${percent(gcShare)} of its CPU time in GC (heap ${percent(v.heapOccupancy)} full: ${formatBytes(vs.heapBytes)} of ${formatBytes(m.taskHeapPerSlot)})`);
    }
    if (v.heapOccupancy >= 1 || gcShare > GC_SHARE_THRESHOLD) {
      // The task heap at which GC takes at most the target share of CPU time.
      const u = occupancyForSlowdown(GC_SHARE_TARGET / (1 - GC_SHARE_TARGET));
      taskHeapNeed = Math.max(taskHeapNeed, vs.heapBytes / u);
    }
    if (v.spilledBytes > 0) {
      evidence.push(`${v.id}: spilled ${formatBytes(v.spilledBytes)} to local disk (input up to ${formatBytes(v.subtaskInputBytes.max)} per subtask, ${formatBytes(m.managedPerSlot)} of managed memory per slot)`);
      managedNeed = Math.max(managedNeed, v.subtaskInputBytes.max);
    }
  });
  if (evidence.length === 0) return;
  if (oom > 0) evidence.push(`${oom} OutOfMemoryError failure${oom === 1 ? '' : 's'}`);
  const enough = smallestMemoryPerSlot({ taskHeapPerSlot: Math.ceil(taskHeapNeed), managedPerSlot: Math.ceil(managedNeed) }, slots);
  const action =
    enough === undefined
      ? 'Increase TaskManager memory; no memory per slot up to 1 TiB gives this job what it asks for: lower its parallelism\'s share per subtask or its working set'
      : `Increase TaskManager memory: ${enough / GIB} GiB per slot instead of ${perSlotGiB} GiB` +
        ` (${[...(managedNeed > 0 ? ['nothing spills'] : []), ...(taskHeapNeed > 0 ? [`GC at most ${percent(GC_SHARE_TARGET)} of CPU time`] : [])].join(', ')})`;
  out.push({ kind: 'memory', symptom: 'High memory usage or frequent GC pauses', evidence: evidence.join('; '), action });
}

function hotCpu(result: RunResult, out: Diagnosis[]): void {
  if (result.makespan <= 0) return;
  // One thread far busier than its siblings: a CPU-bound vertex whose largest subtask input is
  // several times its median (a hot key), so one subtask runs long after the others.
  let hot: VertexResult | undefined;
  let ratio = 0;
  for (const v of result.vertices) {
    const h = v.heldBackSeconds;
    const total = h.cpu + h.disk + h.network;
    const b = v.subtaskInputBytes;
    if (v.boundBy !== 'cpu' || total <= 0 || h.cpu / total < HOT_CPU_SHARE || b.median <= 0 || v.start === null) continue;
    const r = b.max / b.median;
    const span = (v.end ?? result.makespan) - v.start;
    if (r >= HOT_SKEW && span >= HOT_SPAN_SHARE * result.makespan && r > ratio) {
      hot = v;
      ratio = r;
    }
  }
  if (hot === undefined) return;
  const b = hot.subtaskInputBytes;
  out.push({
    kind: 'hot-cpu',
    symptom: 'A thread consuming high CPU',
    evidence: `${hot.id} is bound by CPU and its busiest subtask reads ${formatBytes(b.max)}, ${ratio.toFixed(1)}x the median of ${formatBytes(b.median)}: one thread works long after its siblings`,
    action: `Identify the hot thread from thread stack traces of ${hot.id}'s busiest subtask: a hot key; spread it (salting, or a finer key) or give ${hot.id} more cores per slot`,
  });
}

function noProgress(result: RunResult, out: Diagnosis[]): void {
  const cause = result.failureCause ?? '';
  if (result.status === 'FAILED' && /no progress|cannot make progress|time limit|NoResourceAvailableException/.test(cause)) {
    out.push({
      kind: 'no-progress',
      symptom: 'Job not making progress',
      evidence: cause,
      action: /NoResourceAvailableException|slot request/.test(cause)
        ? 'Analyze the bottleneck: the job waits for slots it cannot get; raise maxSlots (slotmanager.number-of-slots.max) or lower the parallelism'
        : 'Analyze execution bottlenecks by operator: see the failures for the subtask that keeps failing',
    });
    return;
  }
  // A long stretch without any subtask finishing is a stuck job when failures kept
  // restarting work during it (a big stage that is simply busy finishes nothing for a while too).
  const stall = result.longestStall;
  if (stall === null) return;
  const length = stall.to - stall.from;
  const restarts = result.failures.filter((f) => f.action === 'restart' && f.time >= stall.from && f.time <= stall.to).length;
  if (length < STALL_MIN_SECONDS || length < STALL_SHARE * result.makespan || restarts < 2) return;
  const v = result.vertices.find((x) => x.id === stall.vertex);
  const held = v?.boundBy ? `, held back by ${v.boundBy}` : '';
  out.push({
    kind: 'no-progress',
    symptom: 'Job not making progress',
    evidence:
      `no subtask finished for ${length.toFixed(1)} s (${stall.from.toFixed(1)} s to ${stall.to.toFixed(1)} s, ${Math.round((100 * length) / result.makespan)}% of the run) while ${restarts} failures restarted work` +
      (stall.vertex !== null ? `; ${stall.vertex} was running${held}` : ''),
    action: `Analyze execution bottlenecks by operator${stall.vertex !== null ? `: start with ${stall.vertex}` : ''}`,
  });
}

function diskFull(spec: SimulationSpec, result: RunResult, out: Diagnosis[]): void {
  const hits = result.failures.filter((f) => f.cause === 'No space left on device').length;
  if (hits === 0) return;
  const c = spec.cluster;
  // What one slot's share of the disk must hold: a consumer's output as it writes it, beside
  // the files of its producers it ran after (still needed until their consumers finish).
  const each = result.vertices.map((v) => (v.parallelism !== null && v.parallelism > 0 ? v.outputBytes / v.parallelism : 0));
  const index = new Map(spec.vertices.map((v, i) => [v.id, i]));
  let perAttempt = 0;
  spec.vertices.forEach((v, i) => {
    const producers = Math.max(0, ...v.inputs.map((e) => each[index.get(e.from) ?? -1] ?? 0));
    perAttempt = Math.max(perAttempt, each[i] + producers);
  });
  const fitSlots = perAttempt > 0 ? Math.max(1, Math.floor(c.diskBytes / perAttempt)) : c.slotsPerTaskManager;
  const coresNeeded = Math.ceil((c.slotsPerTaskManager * perAttempt) / (20 * GIB));
  const cores = c.slotsPerTaskManager * c.cpuPerSlot;
  const fixes: string[] = [];
  if (fitSlots < c.slotsPerTaskManager) fixes.push(`reduce slots per TaskManager to ${fitSlots} (a slot needs up to ${formatBytes(perAttempt)} of a ${formatBytes(c.diskBytes)} disk)`);
  if (coresNeeded > cores && autoDiskBytes(coresNeeded) >= c.slotsPerTaskManager * perAttempt) {
    fixes.push(`increase CPU cores per TaskManager to ${coresNeeded} (${formatBytes(autoDiskBytes(coresNeeded))} of disk at 20 GiB per core)`);
  }
  out.push({
    kind: 'disk-full',
    symptom: 'No space left on device',
    evidence: `${hits} attempt${hits === 1 ? '' : 's'} failed writing to a full ${formatBytes(c.diskBytes)} disk shared by ${c.slotsPerTaskManager} slot${c.slotsPerTaskManager === 1 ? '' : 's'}`,
    action: fixes.length > 0 ? `Either ${fixes.join(', or ')}` : 'Reduce slots per TaskManager or increase CPU cores per TaskManager (more disk)',
  });
}

function tooManyTaskManagers(spec: SimulationSpec, result: RunResult, out: Diagnosis[]): void {
  if (result.mode !== 'BATCH' || spec.cluster.maxSlots !== Infinity) return;
  const p = Math.max(0, ...result.vertices.map((v) => v.parallelism ?? 0));
  const slots = result.taskManagers.slotsPerTaskManager;
  const peakSlots = result.taskManagers.peak * slots;
  if (p === 0 || peakSlots <= p) return;
  out.push({
    kind: 'too-many-taskmanagers',
    symptom: 'More TaskManagers than the parallelism needs',
    evidence: `${result.taskManagers.peak} TaskManagers (${peakSlots} slots) were live at once, for a largest parallelism of ${p}: released ones still shut down while new ones start`,
    action: `Set the maximum number of slots (maxSlots, slotmanager.number-of-slots.max) to ${p} to bound the TaskManagers live at once`,
  });
}

/** The diagnosis as text lines for the summary; nothing when the run is healthy. */
export function formatDiagnosis(d: readonly Diagnosis[]): string {
  if (d.length === 0) return '';
  const lines = ['', 'diagnosis (the brief\'s FAQ "What do I do if a batch job is stuck?"):'];
  for (const x of d) {
    lines.push(`  ${x.symptom}: ${x.evidence}`);
    lines.push(`    -> ${x.action}`);
  }
  return lines.join('\n');
}
