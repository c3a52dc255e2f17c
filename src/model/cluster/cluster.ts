//! TaskManagers created and released on demand: slots, start-up, idle release, local disk and cost.

import type { EventHandler, Simulation } from '../../engine/simulation.js';
import { InvariantError } from '../../engine/simulation.js';
import { ensureLength } from '../../util/growable.js';
import type { Recorder } from '../recorder.js';
import type { MetricsSample } from '../run-result.js';
import type { ClusterSpec } from '../spec.js';

/** TaskManager lifecycle. */
export const enum TmState {
  Starting = 0,
  Running = 1,
  /** Released, still holding its resources for `shutdown`. */
  Releasing = 2,
  Gone = 3,
}

/** What the cluster tells the scheduler. */
export interface ClusterListener {
  /** A TaskManager's slots became usable (they are in the free pool). */
  onTaskManagerReady(tm: number): void;
  /** A TaskManager gave its resources back, so the slot cap may allow new ones. */
  onTaskManagerGone(tm: number): void;
  /** The write in `slot` would take its TaskManager's disk over capacity. */
  onDiskFull(tm: number, slot: number): void;
}

/**
 * The pool of free slots: a multiset of slot numbers that hands out its lowest member.
 *
 * A bit per slot, and above it summary levels in which bit w of level l + 1 says whether
 * word w of level l has any bit set; the top level is one word. Adding and taking the
 * lowest cost one step per level (a level covers 32 times the slots of the one below)
 * and no comparisons. A binary heap did the same job with about 2 log2(n) comparator calls
 * per slot handed out; and since the event queue uses the same heap library, sharing its
 * code made the event queue's comparator call site polymorphic, which slowed every event.
 *
 * A slot added while already present is counted again, so the pool behaves exactly as the
 * heap did if that ever happens: it is handed out once per add.
 */
class LowestFirstSlots {
  /** levels[0] has a bit per slot; levels[levels.length - 1] is a single word. */
  private levels: Uint32Array[] = [new Uint32Array(1)];
  /** Extra copies of a slot beyond the first (normally all zero). */
  private repeats = new Int32Array(0);
  /** Slots the levels can hold: 32 to the number of levels. */
  private capacity = 32;
  /** Members, copies included. */
  size = 0;

  add(slot: number): void {
    // Grow upwards until the top word covers the slot; the old top's bit goes in the new top.
    while (slot >= this.capacity) {
      const top = this.levels[this.levels.length - 1];
      const above = new Uint32Array(1);
      if (top[0] !== 0) above[0] = 1;
      this.levels.push(above);
      this.capacity *= 32;
    }
    this.size++;
    const levels = this.levels;
    let index = slot;
    for (let l = 0; l < levels.length; l++) {
      const word = index >>> 5;
      if (word >= levels[l].length) levels[l] = ensureLength(levels[l], word + 1);
      const before = levels[l][word];
      const bit = 1 << (index & 31);
      if (l === 0 && (before & bit) !== 0) {
        this.repeats = ensureLength(this.repeats, slot + 1);
        this.repeats[slot]++;
        return;
      }
      levels[l][word] = before | bit;
      // The summary bit above is already set when this word had other bits.
      if (before !== 0) return;
      index = word;
    }
  }

  /** Removes and returns the lowest slot; the pool must not be empty. */
  takeLowest(): number {
    const levels = this.levels;
    let index = 0;
    for (let l = levels.length - 1; l >= 0; l--) {
      const v = levels[l][index];
      // The lowest set bit's position: v & -v isolates it, clz32 counts the zeros above it.
      index = index * 32 + (31 - Math.clz32(v & -v));
    }
    const slot = index;
    this.size--;
    if (slot < this.repeats.length && this.repeats[slot] > 0) {
      this.repeats[slot]--;
      return slot;
    }
    for (let l = 0; l < levels.length; l++) {
      const word = index >>> 5;
      const after = levels[l][word] & ~(1 << (index & 31));
      levels[l][word] = after;
      if (after !== 0) break;
      index = word;
    }
    return slot;
  }
}

/** Fields of a slot's record in `Cluster.slotData`: the running subtask and its start (ms), and its write's rate (bytes/ms), end and size. */
const TASK = 0;
const RATE = 1;
const START = 2;
const END = 3;
const BYTES = 4;
/** Record stride: a power of two, so records do not straddle more cache lines than they must. */
const SLOT_FIELDS = 8;

/** Records for `slots` free slots (no subtask, no write). */
function emptySlots(slots: number): Float64Array {
  const data = new Float64Array(slots * SLOT_FIELDS);
  for (let s = 0; s < slots; s++) data[s * SLOT_FIELDS + TASK] = -1;
  return data;
}

/**
 * The elastic cluster. Slots are numbered globally (`tm * slotsPerTm + k`); free slots
 * are handed out lowest TaskManager first, which packs work onto older TaskManagers and
 * lets the others go idle and be released.
 */
export class Cluster {
  // Event handlers: written once, not closures per cluster (see EventHandler).
  private static readonly onReady: EventHandler<Cluster> = (c, tm) => c.ready(tm);
  private static readonly onIdleTimeout: EventHandler<Cluster> = (c, tm, version) => c.idleTimeout(tm, version);
  private static readonly onGone: EventHandler<Cluster> = (c, tm) => c.gone(tm);
  private static readonly onDiskFull: EventHandler<Cluster> = (c, tm, version) => c.diskFull(tm, version);

  readonly slotsPerTm: number;
  /** Slots of TaskManagers that are starting, running or releasing. */
  liveSlots = 0;
  /** Slots of TaskManagers still starting. */
  startingSlots = 0;
  liveTms = 0;
  peakLiveTms = 0;
  busySlots = 0;
  created = 0;

  private state = new Uint8Array(16);
  private requestedAt = new Float64Array(16);
  private readyAt = new Float64Array(16);
  private releasedAt = new Float64Array(16);
  private goneAt = new Float64Array(16);
  private busy = new Int32Array(16);
  private files = new Int32Array(16);
  private idleVersion = new Int32Array(16);
  /** Disk: bytes of finished files, and the sum of rate and rate*start of writes under way (bytes/ms). */
  private diskStatic = new Float64Array(16);
  private diskRate = new Float64Array(16);
  private diskOffset = new Float64Array(16);
  private diskProjected = new Float64Array(16);
  private diskPeak = new Float64Array(16);
  /** When {@link diskPeak} was last brought up to date (-1: since then, a file appeared at once). */
  private peakNotedAt = new Float64Array(16).fill(-1);
  private diskVersion = new Int32Array(16);
  /**
   * Per slot, side by side so one attempt's start or end touches one cache line: the
   * subtask running there (-1 when free) and its write (see the field offsets above).
   */
  private slotData: Float64Array;
  /** Slots of running TaskManagers. */
  private runningSlots = 0;

  private totalStatic = 0;
  private totalRate = 0;
  private totalOffset = 0;
  peakDiskTotal = 0;
  private totalPeakNotedAt = -1;

  private readonly freeSlots = new LowestFirstSlots();
  private readonly evReady: number;
  private readonly evIdle: number;
  private readonly evGone: number;
  private readonly evDiskFull: number;

  constructor(
    private readonly sim: Simulation,
    readonly spec: ClusterSpec,
    private readonly listener: ClusterListener,
    private readonly recorder: Recorder | null,
    /** Whether intermediate files live on the TaskManagers (they keep a TaskManager alive). */
    private readonly localFiles: boolean,
  ) {
    this.slotsPerTm = spec.slotsPerTaskManager;
    const slots = 16 * this.slotsPerTm;
    this.slotData = emptySlots(slots);
    this.evReady = sim.register(this, Cluster.onReady);
    this.evIdle = sim.register(this, Cluster.onIdleTimeout);
    this.evGone = sim.register(this, Cluster.onGone);
    this.evDiskFull = sim.register(this, Cluster.onDiskFull);
  }

  /** How many more TaskManagers the slot cap allows right now. */
  get headroomTms(): number {
    const cap = this.spec.maxSlots;
    return cap === Infinity ? Infinity : Math.max(0, Math.floor((cap - this.liveSlots) / this.slotsPerTm));
  }

  /** Asks for `n` TaskManagers (the caller respects {@link headroomTms}). */
  requestTaskManagers(n: number): void {
    const spt = this.slotsPerTm;
    for (let i = 0; i < n; i++) {
      const tm = this.created++;
      this.ensureTm(tm + 1);
      this.state[tm] = TmState.Starting;
      this.requestedAt[tm] = this.sim.now;
      this.liveSlots += spt;
      this.startingSlots += spt;
      this.liveTms++;
      if (this.liveTms > this.peakLiveTms) this.peakLiveTms = this.liveTms;
      this.recorder?.event(this.sim.now, 'tm-requested', `TaskManager ${tm} requested`, tm);
      this.sim.schedule(this.spec.startupMs, this.evReady, tm);
    }
  }

  /** Takes the free slot of the lowest TaskManager, or returns -1. */
  takeFreeSlot(): number {
    while (this.freeSlots.size > 0) {
      const slot = this.freeSlots.takeLowest();
      const tm = this.tmOfSlot(slot);
      if (this.state[tm] === TmState.Running && this.slotData[slot * SLOT_FIELDS + TASK] === -1) return slot;
    }
    return -1;
  }

  /** Free slots of running TaskManagers. */
  get freeSlotCount(): number {
    return this.runningSlots - this.busySlots;
  }

  tmOfSlot(slot: number): number {
    return (slot / this.slotsPerTm) | 0;
  }

  isRunning(tm: number): boolean {
    return this.state[tm] === TmState.Running;
  }

  /** Whether `tm` was created and has not been released or lost. */
  isActive(tm: number): boolean {
    return tm >= 0 && tm < this.created && (this.state[tm] === TmState.Starting || this.state[tm] === TmState.Running);
  }

  /** When the attempt running in a slot started (ms). */
  startOf(slot: number): number {
    return this.slotData[slot * SLOT_FIELDS + START];
  }

  /** Subtask running in a slot, or -1. */
  taskInSlot(slot: number): number {
    return this.slotData[slot * SLOT_FIELDS + TASK];
  }

  /**
   * Starts `task` in `slot`; it writes `bytes` of output evenly until `endMs`
   * (local shuffle only; pass 0 bytes otherwise).
   */
  occupy(slot: number, task: number, bytes: number, endMs: number): void {
    const tm = this.tmOfSlot(slot);
    if (this.slotData[slot * SLOT_FIELDS + TASK] !== -1) throw new InvariantError(`slot ${slot} already runs subtask ${this.slotData[slot * SLOT_FIELDS + TASK]} at t=${this.sim.now}ms`);
    if (this.state[tm] !== TmState.Running) throw new InvariantError(`slot ${slot} of TaskManager ${tm} is not usable at t=${this.sim.now}ms`);
    this.slotData[slot * SLOT_FIELDS + TASK] = task;
    this.slotData[slot * SLOT_FIELDS + START] = this.sim.now;
    this.busy[tm]++;
    this.busySlots++;
    this.idleVersion[tm]++;
    if (bytes > 0) {
      const now = this.sim.now;
      const duration = endMs - now;
      const rate = duration > 0 ? bytes / duration : 0;
      this.slotData[slot * SLOT_FIELDS + RATE] = rate;
      this.slotData[slot * SLOT_FIELDS + END] = endMs;
      this.slotData[slot * SLOT_FIELDS + BYTES] = bytes;
      if (duration > 0) {
        this.diskRate[tm] += rate;
        this.diskOffset[tm] += rate * now;
        this.totalRate += rate;
        this.totalOffset += rate * now;
      } else {
        // A file that appears at once: usage jumps within this instant.
        this.diskStatic[tm] += bytes;
        this.totalStatic += bytes;
        this.peakNotedAt[tm] = -1;
        this.totalPeakNotedAt = -1;
      }
      this.diskProjected[tm] += bytes;
      this.diskChanged(tm);
    } else {
      this.slotData[slot * SLOT_FIELDS + BYTES] = 0;
    }
  }

  /**
   * Ends the attempt in a slot. When `keepOutput` its output stays on disk as a file
   * (the caller later calls {@link deleteFile}); otherwise the partial output is deleted.
   * The slot is not yet free for others: the caller either occupies it again at once
   * or hands it back with {@link returnSlot}.
   */
  vacate(slot: number, keepOutput: boolean): void {
    const tm = this.tmOfSlot(slot);
    if (this.slotData[slot * SLOT_FIELDS + TASK] === -1) throw new InvariantError(`slot ${slot} is already free at t=${this.sim.now}ms`);
    this.slotData[slot * SLOT_FIELDS + TASK] = -1;
    this.busy[tm]--;
    this.busySlots--;
    const bytes = this.slotData[slot * SLOT_FIELDS + BYTES];
    if (bytes > 0) {
      // Disk use only grows while writes go on, so its peak is taken just before it shrinks.
      if (!keepOutput) this.notePeak(tm);
      const rate = this.slotData[slot * SLOT_FIELDS + RATE];
      const started = this.slotData[slot * SLOT_FIELDS + START];
      const durationWrite = this.slotData[slot * SLOT_FIELDS + END] - started;
      if (durationWrite > 0) {
        this.diskRate[tm] -= rate;
        this.diskOffset[tm] -= rate * started;
        this.totalRate -= rate;
        this.totalOffset -= rate * started;
        if (keepOutput) {
          this.diskStatic[tm] += bytes;
          this.totalStatic += bytes;
        }
      } else if (!keepOutput) {
        this.diskStatic[tm] -= bytes;
        this.totalStatic -= bytes;
      }
      if (!keepOutput) this.diskProjected[tm] -= bytes;
      this.slotData[slot * SLOT_FIELDS + BYTES] = 0;
      this.diskChanged(tm);
    }
  }

  /** Puts a vacated slot back in the free pool; its TaskManager may become idle. */
  returnSlot(slot: number): void {
    const tm = this.tmOfSlot(slot);
    if (this.state[tm] !== TmState.Running) return;
    this.freeSlots.add(slot);
    this.maybeIdle(tm);
  }

  /** A finished output on `tm` is still needed: the TaskManager must not be released. */
  holdFile(tm: number): void {
    this.files[tm]++;
    this.idleVersion[tm]++;
  }

  /** Deletes a file of `bytes` from `tm`'s disk and drops the hold it had on the TaskManager. */
  deleteFile(tm: number, bytes: number): void {
    this.files[tm]--;
    if (bytes > 0 && this.state[tm] !== TmState.Gone) {
      this.notePeak(tm);
      // A disk-full event can be pending only while the projection is over capacity (see
      // diskChanged); a deletion only lowers it, so below capacity there is nothing to redo.
      const mayBePending = this.overCapacity(tm);
      this.diskStatic[tm] -= bytes;
      this.diskProjected[tm] -= bytes;
      this.totalStatic -= bytes;
      if (mayBePending || this.recorder !== null) this.diskChanged(tm);
    }
    if (this.state[tm] === TmState.Running) this.maybeIdle(tm);
  }

  /** Bytes on `tm`'s disk now, partial outputs included. */
  diskUsed(tm: number): number {
    return this.diskStatic[tm] + this.diskRate[tm] * this.sim.now - this.diskOffset[tm];
  }

  /** Bytes on all disks now. */
  diskUsedTotal(): number {
    return this.totalStatic + this.totalRate * this.sim.now - this.totalOffset;
  }

  /** Largest disk use of one TaskManager seen so far. */
  peakDiskOneTm(): number {
    let p = 0;
    for (let tm = 0; tm < this.created; tm++) p = Math.max(p, this.diskPeak[tm]);
    return p;
  }

  /**
   * Loses a TaskManager at once: its slots and files are gone. The caller has already
   * failed the attempts running on it (so its slots are free).
   */
  lose(tm: number): void {
    this.recorder?.event(this.sim.now, 'tm-lost', `TaskManager ${tm} lost`, tm);
    this.files[tm] = 0;
    this.endTm(tm, 'lost');
  }

  /** Releases every live TaskManager at once (the job ended). */
  releaseAll(): void {
    for (let tm = 0; tm < this.created; tm++) {
      if (this.state[tm] !== TmState.Gone) this.endTm(tm, 'job-end');
    }
  }

  /** Core-seconds and GiB-seconds held by TaskManagers (JobManager not included). */
  resourceSeconds(): { coreSeconds: number; gibSeconds: number } {
    const spec = this.spec;
    const cores = spec.cpuPerSlot * this.slotsPerTm;
    const gib = (spec.memoryPerSlot * this.slotsPerTm) / 2 ** 30;
    let ms = 0;
    for (let tm = 0; tm < this.created; tm++) {
      const end = this.state[tm] === TmState.Gone ? this.goneAt[tm] : this.sim.now;
      ms += end - this.requestedAt[tm];
    }
    return { coreSeconds: (ms / 1000) * cores, gibSeconds: (ms / 1000) * gib };
  }

  /** The cluster's part of a metrics sample, now (a scan over TaskManagers: for recording only). */
  snapshot(): Omit<MetricsSample, 'time' | 'pendingRequests' | 'runningSubtasks' | 'finishedSubtasks'> {
    let starting = 0;
    let idle = 0;
    let diskMax = 0;
    for (let tm = 0; tm < this.created; tm++) {
      const st = this.state[tm];
      if (st === TmState.Starting) starting++;
      else if (st === TmState.Running && this.busy[tm] === 0) idle++;
      if (st <= TmState.Running) diskMax = Math.max(diskMax, this.diskUsed(tm));
    }
    return {
      liveTaskManagers: this.liveTms,
      startingTaskManagers: starting,
      idleTaskManagers: idle,
      busySlots: this.busySlots,
      freeSlots: this.freeSlotCount,
      diskUsedTotal: Math.max(0, Math.round(this.diskUsedTotal())),
      diskUsedMax: Math.max(0, Math.round(diskMax)),
    };
  }

  private ready(tm: number): void {
    if (this.state[tm] !== TmState.Starting) return; // lost or released while starting
    this.state[tm] = TmState.Running;
    this.readyAt[tm] = this.sim.now;
    this.startingSlots -= this.slotsPerTm;
    this.runningSlots += this.slotsPerTm;
    const base = tm * this.slotsPerTm;
    for (let k = 0; k < this.slotsPerTm; k++) this.freeSlots.add(base + k);
    this.recorder?.event(this.sim.now, 'tm-ready', `TaskManager ${tm} ready`, tm);
    this.maybeIdle(tm);
    this.listener.onTaskManagerReady(tm);
  }

  private maybeIdle(tm: number): void {
    if (this.busy[tm] === 0 && (!this.localFiles || this.files[tm] === 0)) {
      this.sim.schedule(this.spec.idleTimeoutMs, this.evIdle, tm, ++this.idleVersion[tm]);
    }
  }

  private idleTimeout(tm: number, version: number): void {
    if (this.idleVersion[tm] !== version || this.state[tm] !== TmState.Running) return;
    if (this.busy[tm] !== 0 || (this.localFiles && this.files[tm] !== 0)) return;
    this.endTm(tm, 'idle');
  }

  /** Releases a TaskManager; it keeps its resources for `shutdown` unless the job ended or it was lost. */
  private endTm(tm: number, reason: 'idle' | 'lost' | 'job-end'): void {
    const st = this.state[tm];
    if (st === TmState.Gone) return;
    if (st === TmState.Starting) this.startingSlots -= this.slotsPerTm;
    if (st === TmState.Running) this.runningSlots -= this.slotsPerTm;
    if (this.busy[tm] !== 0) throw new InvariantError(`TaskManager ${tm} released with ${this.busy[tm]} busy slots at t=${this.sim.now}ms`);
    if (st !== TmState.Releasing) {
      this.releasedAt[tm] = this.sim.now;
      this.notePeak(tm);
      this.totalStatic -= this.diskStatic[tm];
      this.diskStatic[tm] = 0;
      this.diskProjected[tm] = 0;
      this.diskVersion[tm]++;
      this.recordTm(tm, reason);
      if (reason === 'idle') this.recorder?.event(this.sim.now, 'tm-released', `TaskManager ${tm} released after idle timeout`, tm);
    }
    if (reason === 'idle' && this.spec.shutdownMs > 0) {
      this.state[tm] = TmState.Releasing;
      this.sim.schedule(this.spec.shutdownMs, this.evGone, tm);
    } else {
      this.state[tm] = TmState.Releasing;
      this.gone(tm);
    }
  }

  private gone(tm: number): void {
    if (this.state[tm] !== TmState.Releasing) return;
    this.state[tm] = TmState.Gone;
    this.goneAt[tm] = this.sim.now;
    this.liveSlots -= this.slotsPerTm;
    this.liveTms--;
    const rec = this.recorder?.taskManagers[tm];
    if (rec !== undefined) rec.goneAt = this.sim.now / 1000;
    this.listener.onTaskManagerGone(tm);
  }

  private recordTm(tm: number, reason: 'idle' | 'lost' | 'job-end'): void {
    const r = this.recorder;
    if (r === null) return;
    const spec = this.spec;
    r.taskManagers[tm] = {
      index: tm,
      requestedAt: this.requestedAt[tm] / 1000,
      readyAt: this.state[tm] === TmState.Starting ? null : this.readyAt[tm] / 1000,
      releasedAt: this.sim.now / 1000,
      goneAt: null,
      endReason: reason,
      slots: this.slotsPerTm,
      cpu: spec.cpuPerSlot * this.slotsPerTm,
      memoryBytes: spec.memoryPerSlot * this.slotsPerTm,
      diskBytes: spec.diskBytes,
    };
  }

  /** Records the disk peak before a change (use only grows between changes). */
  private notePeak(tm: number): void {
    // Within one instant usage only shrinks (writes grow it over time; a file that appears
    // at once resets the marks), so a deletion right after another needs no new look.
    const now = this.sim.now;
    if (this.peakNotedAt[tm] !== now) {
      const used = this.diskUsed(tm);
      if (used > this.diskPeak[tm]) this.diskPeak[tm] = used;
      this.peakNotedAt[tm] = now;
    }
    if (this.totalPeakNotedAt !== now) {
      const total = this.diskUsedTotal();
      if (total > this.peakDiskTotal) this.peakDiskTotal = total;
      this.totalPeakNotedAt = now;
    }
  }


  /** After the set of writes on `tm` changed: record, and foresee the disk filling up. */
  private diskChanged(tm: number): void {
    const version = ++this.diskVersion[tm];
    this.recorder?.diskUsage(this.sim.now, tm, Math.max(0, Math.round(this.diskUsed(tm))));
    if (!this.overCapacity(tm)) return;
    const t = this.fullAt(tm);
    if (t !== null) this.sim.schedule(Math.max(0, t - this.sim.now), this.evDiskFull, tm, version);
  }

  /** Whether the writes under way on `tm`, once done, would take its disk over capacity. */
  private overCapacity(tm: number): boolean {
    return this.diskProjected[tm] > this.spec.diskBytes + 1e-6;
  }

  /** The first moment the disk of `tm` goes over capacity if nothing changes, in whole ms. */
  private fullAt(tm: number): number | null {
    const now = this.sim.now;
    const cap = this.spec.diskBytes;
    let used = this.diskUsed(tm);
    if (used > cap) return now;
    // Walk the writes in order of their ends: usage is piecewise linear in between.
    const base = tm * this.slotsPerTm;
    const ends: number[] = [];
    for (let k = 0; k < this.slotsPerTm; k++) {
      const s = base + k;
      if (this.slotData[s * SLOT_FIELDS + TASK] !== -1 && this.slotData[s * SLOT_FIELDS + BYTES] > 0 && this.slotData[s * SLOT_FIELDS + END] > now) ends.push(s);
    }
    ends.sort((a, b) => this.slotData[a * SLOT_FIELDS + END] - this.slotData[b * SLOT_FIELDS + END] || a - b);
    let rate = 0;
    for (const s of ends) rate += this.slotData[s * SLOT_FIELDS + RATE];
    let t = now;
    for (const s of ends) {
      const end = this.slotData[s * SLOT_FIELDS + END];
      const reach = used + rate * (end - t);
      // Rounded down: the failing write stops at the last whole millisecond the disk still holds it.
      if (reach > cap) return Math.floor(t + (cap - used) / rate);
      used = reach;
      t = end;
      rate -= this.slotData[s * SLOT_FIELDS + RATE];
    }
    return null;
  }

  private diskFull(tm: number, version: number): void {
    if (this.diskVersion[tm] !== version || this.state[tm] !== TmState.Running) return;
    // The fastest writer issues the most writes, so it is the one whose write finds the disk
    // full; among equals, the one started last, which loses the least work.
    const base = tm * this.slotsPerTm;
    let victim = -1;
    for (let k = 0; k < this.slotsPerTm; k++) {
      const s = base + k;
      if (this.slotData[s * SLOT_FIELDS + TASK] === -1 || this.slotData[s * SLOT_FIELDS + BYTES] === 0 || this.slotData[s * SLOT_FIELDS + END] <= this.sim.now) continue;
      if (
        victim === -1 ||
        this.slotData[s * SLOT_FIELDS + RATE] > this.slotData[victim * SLOT_FIELDS + RATE] ||
        (this.slotData[s * SLOT_FIELDS + RATE] === this.slotData[victim * SLOT_FIELDS + RATE] && this.slotData[s * SLOT_FIELDS + START] >= this.slotData[victim * SLOT_FIELDS + START])
      ) {
        victim = s;
      }
    }
    if (victim !== -1) this.listener.onDiskFull(tm, victim);
  }

  private ensureTm(n: number): void {
    if (this.state.length >= n && this.slotData.length >= n * this.slotsPerTm * SLOT_FIELDS) return;
    this.state = ensureLength(this.state, n);
    this.requestedAt = ensureLength(this.requestedAt, n);
    this.readyAt = ensureLength(this.readyAt, n);
    this.releasedAt = ensureLength(this.releasedAt, n);
    this.goneAt = ensureLength(this.goneAt, n);
    this.busy = ensureLength(this.busy, n);
    this.files = ensureLength(this.files, n);
    this.idleVersion = ensureLength(this.idleVersion, n);
    this.diskStatic = ensureLength(this.diskStatic, n);
    this.diskRate = ensureLength(this.diskRate, n);
    this.diskOffset = ensureLength(this.diskOffset, n);
    this.diskProjected = ensureLength(this.diskProjected, n);
    this.diskPeak = ensureLength(this.diskPeak, n);
    this.peakNotedAt = ensureLength(this.peakNotedAt, n, -1);
    this.diskVersion = ensureLength(this.diskVersion, n);
    const slots = this.state.length * this.slotsPerTm;
    if (this.slotData.length >= slots * SLOT_FIELDS) return;
    const data = emptySlots(slots);
    data.set(this.slotData);
    this.slotData = data;
  }
}
