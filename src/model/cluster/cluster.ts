//! TaskManagers created and released on demand: slots, start-up, idle release, local disk and cost.

import type { EventHandler, Simulation } from '../../engine/simulation.js';
import { InvariantError } from '../../engine/simulation.js';
import { ensureLength } from '../../util/growable.js';
import type { Recorder } from '../recorder.js';
import type { MetricsSample } from '../run-result.js';
import type { ClusterSpec } from '../spec.js';
import { Bound, fillShares } from './resource-shares.js';

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
  /** The write of the work in `slot` would take its TaskManager's disk over capacity. */
  onDiskFull(tm: number, slot: number): void;
  /** The work started in `slot` with {@link Cluster.startWork} has moved its bytes; `tag` is the caller's. */
  onWorkDone(slot: number, tag: number): void;
}

/**
 * Capacity a TaskManager must be granted before it is created: a resource queue shared by
 * several jobs. Without one (a job alone) every request is granted at once.
 */
export interface TaskManagerGate {
  /** Where the gate sends each grant (the cluster calls this once, when it is built). */
  connect(grant: () => void): void;
  /** Asks for capacity for one TaskManager; the gate calls {@link Cluster.grantTaskManager} now or later. */
  request(): void;
  /** Takes back up to `n` requests still waiting; returns how many it took back. */
  withdraw(n: number): number;
  /** A TaskManager gave its resources back. */
  released(): void;
}

/**
 * Fields of the work record of a slot in `Cluster.work` (see {@link Cluster.startWork}).
 * Work waits out its fixed time, then moves its bytes at a speed the TaskManager's shares
 * set; it is on its TaskManager's list of moving work (NEXT, PREV) while it moves.
 */
const W_STATE = 0; // WorkState
const W_REMAIN = 1; // bytes left to move at W_UPDATED
const W_UPDATED = 2;
const W_SPEED = 3; // bytes per ms
const W_CAP = 4; // bytes per ms on one full core (Infinity: no CPU work)
const W_DISK = 5; // disk traffic per byte moved
const W_NET = 6; // network traffic per byte moved
const W_WRITE = 7; // bytes kept on the local disk per byte moved
const W_WBYTES = 8; // bytes it writes to the local disk in all
const W_WBASE = 9; // bytes written at W_WTIME
const W_WTIME = 10;
const W_WRATE = 11; // bytes per ms written now
const W_END = 12; // when it ends at its present speed
const W_SOLO = 13; // planned end while it runs at its cap, -1 once it was slowed
const W_END_EVENT = 14; // handle of its end event, -1 when none is pending
const W_BEGIN_EVENT = 15;
const W_VERSION = 16;
const W_BOUND = 17;
const W_BOUND_SINCE = 18;
const W_CPU_MS = 19; // ms held back by CPU, disk, network
const W_DISK_MS = 20;
const W_NET_MS = 21;
const W_NEXT = 22;
const W_PREV = 23;
const W_TAG = 24;
const W_MOVED_AT_END = 25; // bytes moved when it ended
const W_USE_CPU = 27; // cores, disk and network bandwidth it uses now
const W_USE_DISK = 28;
const W_USE_NET = 29;
const W_TOTAL = 30; // bytes it set out to move
const W_SPILL_BYTES = 31; // of W_WBYTES, the spill: deleted when the work ends, whatever its outcome
const WORK_FIELDS = 32;

const enum WorkState {
  None = 0,
  Waiting = 1,
  Moving = 2,
}

/** Milliseconds a piece of work was held back by each resource. */
export interface BoundTimes {
  cpuMs: number;
  diskMs: number;
  networkMs: number;
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

/** Fields of a slot's record in `Cluster.slotData`: the running subtask and its start (ms). */
const TASK = 0;
const START = 1;
/** Record stride. */
const SLOT_FIELDS = 2;

/** Records for `slots` free slots. */
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
  private static readonly onWorkBegin: EventHandler<Cluster> = (c, slot, version) => c.workBegins(slot, version);
  private static readonly onWorkEnd: EventHandler<Cluster> = (c, slot, version) => c.workEnds(slot, version);

  readonly slotsPerTm: number;
  /** Slots of TaskManagers that are starting, running or releasing. */
  liveSlots = 0;
  /** Slots of TaskManagers still starting. */
  startingSlots = 0;
  /** TaskManagers asked for that wait for capacity in a queue (not created yet). */
  waitingTms = 0;
  liveTms = 0;
  peakLiveTms = 0;
  busySlots = 0;
  created = 0;

  private state = new Uint8Array(16);
  /** TaskManagers starting or running, in no order, and where each is in that list. */
  private active = new Int32Array(16);
  private activeAt = new Int32Array(16);
  private activeCount = 0;
  private requestedAt = new Float64Array(16);
  private readyAt = new Float64Array(16);
  private releasedAt = new Float64Array(16);
  private goneAt = new Float64Array(16);
  private busy = new Int32Array(16);
  private files = new Int32Array(16);
  private idleVersion = new Int32Array(16);
  /**
   * Disk: bytes of finished files, and over the writes under way the sum of their rates
   * (bytes/ms) and of `rate * since - written by then`, so usage is `static + rate * now - offset`.
   */
  private diskStatic = new Float64Array(16);
  private diskRate = new Float64Array(16);
  private diskOffset = new Float64Array(16);
  private diskProjected = new Float64Array(16);
  private diskPeak = new Float64Array(16);
  /** When {@link diskPeak} was last brought up to date (-1: since then, a file appeared at once). */
  private peakNotedAt = new Float64Array(16).fill(-1);
  private diskVersion = new Int32Array(16);
  /** Per slot: the subtask running there (-1 when free) and its start. */
  private slotData: Float64Array;
  /**
   * Work records (see the W_ offsets), pooled: one per attempt under way, not one per slot
   * ever created (a job that starts hundreds of thousands of TaskManagers over its life would
   * otherwise keep a record for every slot it ever had).
   */
  private work: Float64Array;
  /** Per slot, its work record, or -1. A record stays readable after its work ends, until the next {@link startWork}. */
  private workOf: Int32Array;
  private freeRecords: number[] = [];
  private recordCount = 0;
  /** Records whose work ended, freed at the next {@link startWork} (so what ended can still be read until then). */
  private endedRecords: number[] = [];
  /** Versions of work, across records, so an event of ended work never matches new work. */
  private workSerial = 0;
  /** Per TaskManager, the first slot on its list of moving work, or -1. */
  private movingHead = new Int32Array(16).fill(-1);
  /** Per TaskManager, cores, disk and network bandwidth in use now (cores, bytes/ms). */
  private cpuInUse = new Float64Array(16);
  private diskIoInUse = new Float64Array(16);
  private netIoInUse = new Float64Array(16);
  /** The same, summed over TaskManagers. */
  cpuInUseTotal = 0;
  diskIoInUseTotal = 0;
  netIoInUseTotal = 0;
  /** Whether shares can never slow anything (a full core per slot, unlimited disk and network): speeds are the caps. */
  private readonly neverShort: boolean;
  private readonly cores: number;
  private readonly diskBandwidthMs: number;
  private readonly netBandwidthMs: number;
  /** Scratch for the share computation of one TaskManager. */
  private shareSlots = new Int32Array(16);
  private shareCap = new Float64Array(16);
  private shareDisk = new Float64Array(16);
  private shareNet = new Float64Array(16);
  private shareSpeed = new Float64Array(16);
  private shareBound = new Uint8Array(16);
  private shareActive = new Uint8Array(16);
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
  private readonly evWorkBegin: number;
  private readonly evWorkEnd: number;

  constructor(
    private readonly sim: Simulation,
    readonly spec: ClusterSpec,
    private readonly listener: ClusterListener,
    private readonly recorder: Recorder | null,
    /** Whether intermediate files live on the TaskManagers (they keep a TaskManager alive). */
    private readonly localFiles: boolean,
    /** The queue whose capacity TaskManagers need, or null when a job runs alone. */
    private readonly gate: TaskManagerGate | null = null,
  ) {
    this.slotsPerTm = spec.slotsPerTaskManager;
    const slots = 16 * this.slotsPerTm;
    this.slotData = emptySlots(slots);
    this.work = new Float64Array(16 * WORK_FIELDS);
    this.workOf = new Int32Array(slots).fill(-1);
    this.cores = spec.cpuPerSlot * this.slotsPerTm;
    this.diskBandwidthMs = spec.diskBandwidth / 1000;
    this.netBandwidthMs = spec.networkBandwidth / 1000;
    this.neverShort = spec.cpuPerSlot >= 1 && spec.diskBandwidth === Infinity && spec.networkBandwidth === Infinity;
    gate?.connect(() => this.grantTaskManager());
    this.evReady = sim.register(this, Cluster.onReady);
    this.evIdle = sim.register(this, Cluster.onIdleTimeout);
    this.evGone = sim.register(this, Cluster.onGone);
    this.evDiskFull = sim.register(this, Cluster.onDiskFull);
    this.evWorkBegin = sim.register(this, Cluster.onWorkBegin);
    this.evWorkEnd = sim.register(this, Cluster.onWorkEnd);
  }

  /** How many more TaskManagers the slot cap allows right now (those waiting for queue capacity count). */
  get headroomTms(): number {
    const cap = this.spec.maxSlots;
    return cap === Infinity ? Infinity : Math.max(0, Math.floor((cap - this.liveSlots) / this.slotsPerTm) - this.waitingTms);
  }

  /** Slots asked for that are not usable yet: of TaskManagers starting or waiting for queue capacity. */
  get requestedSlots(): number {
    return this.startingSlots + this.waitingTms * this.slotsPerTm;
  }

  /**
   * A job declares how many more slots it needs than it has and has asked for: TaskManagers
   * are asked for to cover a shortfall (within the slot cap), and requests still waiting
   * for queue capacity are taken back when there is a surplus (as Flink's declarative
   * resource management does with pending TaskManagers no longer needed).
   */
  declareShortfall(slots: number): void {
    const spt = this.slotsPerTm;
    if (slots > 0) {
      const n = Math.min(Math.ceil(slots / spt), this.headroomTms);
      if (n > 0) this.requestTaskManagers(n);
    } else if (this.waitingTms > 0) {
      this.withdrawWaiting(Math.floor(-slots / spt));
    }
  }

  /** Asks for `n` TaskManagers, within {@link headroomTms}. */
  private requestTaskManagers(n: number): void {
    const gate = this.gate;
    if (gate === null) {
      for (let i = 0; i < n; i++) this.createTaskManager();
      return;
    }
    for (let i = 0; i < n; i++) {
      this.waitingTms++;
      gate.request();
    }
  }

  /** Takes back up to `n` of the requests that wait for queue capacity. */
  private withdrawWaiting(n: number): void {
    if (this.gate === null || n <= 0) return;
    this.waitingTms -= this.gate.withdraw(Math.min(n, this.waitingTms));
  }

  /** The queue granted capacity for one TaskManager asked for with {@link requestTaskManagers}. */
  private grantTaskManager(): void {
    this.waitingTms--;
    this.createTaskManager();
  }

  private createTaskManager(): void {
    const spt = this.slotsPerTm;
    const tm = this.created++;
    this.ensureTm(tm + 1);
    this.state[tm] = TmState.Starting;
    this.requestedAt[tm] = this.sim.now;
    this.liveSlots += spt;
    this.startingSlots += spt;
    this.liveTms++;
    this.activeAt[tm] = this.activeCount;
    this.active[this.activeCount++] = tm;
    if (this.liveTms > this.peakLiveTms) this.peakLiveTms = this.liveTms;
    this.recorder?.event(this.sim.now, 'tm-requested', `TaskManager ${tm} requested`, tm);
    this.sim.schedule(this.spec.startupMs, this.evReady, tm);
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

  /** Starts `task` in `slot`; its work is given next with {@link startWork}. */
  occupy(slot: number, task: number): void {
    const tm = this.tmOfSlot(slot);
    if (this.slotData[slot * SLOT_FIELDS + TASK] !== -1) throw new InvariantError(`slot ${slot} already runs subtask ${this.slotData[slot * SLOT_FIELDS + TASK]} at t=${this.sim.now}ms`);
    if (this.state[tm] !== TmState.Running) throw new InvariantError(`slot ${slot} of TaskManager ${tm} is not usable at t=${this.sim.now}ms`);
    this.slotData[slot * SLOT_FIELDS + TASK] = task;
    this.slotData[slot * SLOT_FIELDS + START] = this.sim.now;
    this.busy[tm]++;
    this.busySlots++;
    this.idleVersion[tm]++;
  }

  /**
   * The attempt in `slot` waits `delayMs` (its fixed time), then moves `bytes` of input.
   * Per byte it needs `1 / cap` of a core-millisecond (`cap` in bytes/ms; Infinity for no
   * CPU work), `disk` bytes of disk traffic, `net` bytes of network traffic, and keeps
   * `write` bytes of output on the local disk, plus `spill` bytes it deletes when it ends
   * (its disk traffic is the caller's to count in `disk`). The TaskManager's shares set its speed from then on;
   * when its bytes are moved the listener hears {@link ClusterListener.onWorkDone} with `tag`.
   * `soloEndMs` is when it ends if it always moves at its cap: the end as the caller
   * rounds it, kept unless a share ever slows the work.
   */
  startWork(slot: number, bytes: number, delayMs: number, cap: number, disk: number, net: number, write: number, spill: number, soloEndMs: number, tag: number): void {
    this.takeRecord(slot);
    const w = this.work;
    const at = this.workAt(slot);
    const now = this.sim.now;
    const version = ++this.workSerial;
    w[at + W_VERSION] = version;
    w[at + W_STATE] = WorkState.Waiting;
    w[at + W_REMAIN] = bytes;
    w[at + W_TOTAL] = bytes;
    w[at + W_UPDATED] = now;
    w[at + W_SPEED] = 0;
    w[at + W_CAP] = cap;
    w[at + W_DISK] = disk;
    w[at + W_NET] = net;
    w[at + W_WRITE] = write + spill;
    const writes = (write + spill) * bytes;
    w[at + W_WBYTES] = writes;
    w[at + W_SPILL_BYTES] = spill * bytes;
    w[at + W_WBASE] = 0;
    w[at + W_WTIME] = now;
    w[at + W_WRATE] = 0;
    w[at + W_END] = soloEndMs;
    w[at + W_SOLO] = soloEndMs;
    w[at + W_BOUND] = Bound.None;
    w[at + W_BOUND_SINCE] = now;
    w[at + W_CPU_MS] = 0;
    w[at + W_DISK_MS] = 0;
    w[at + W_NET_MS] = 0;
    w[at + W_TAG] = tag;
    w[at + W_BEGIN_EVENT] = -1;
    if (writes > 0) this.diskProjected[this.tmOfSlot(slot)] += writes;
    // The planned end is queued first, so while nothing slows the work its end keeps the place in the event order it would have without shares.
    w[at + W_END_EVENT] = this.sim.at(soloEndMs, this.evWorkEnd, slot, version);
    if (delayMs > 0) w[at + W_BEGIN_EVENT] = this.sim.schedule(delayMs, this.evWorkBegin, slot, version);
    else this.workBegins(slot, version);
  }

  /** Milliseconds the work in `slot` (running, or the last one there) was held back by each resource. */
  boundTimes(slot: number): BoundTimes {
    const at = this.workAt(slot);
    const w = this.work;
    return { cpuMs: w[at + W_CPU_MS], diskMs: w[at + W_DISK_MS], networkMs: w[at + W_NET_MS] };
  }

  /** The most bytes per ms the work in `slot` moves on a full core (Infinity: it needs no CPU). */
  capOf(slot: number): number {
    return this.work[this.workAt(slot) + W_CAP];
  }

  /** Bytes the work in `slot` had moved when it ended. */
  movedBytes(slot: number): number {
    return this.work[this.workAt(slot) + W_MOVED_AT_END];
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
    if (this.workOf[slot] >= 0 && this.work[this.workAt(slot) + W_STATE] !== WorkState.None) this.endWork(slot, tm, keepOutput);
  }

  /** Takes the work in `slot` off its TaskManager, settling its disk use and its held-back times. */
  private endWork(slot: number, tm: number, keepOutput: boolean): void {
    const w = this.work;
    const at = this.workAt(slot);
    const now = this.sim.now;
    const moving = w[at + W_STATE] === WorkState.Moving;
    if (w[at + W_END_EVENT] >= 0) this.sim.cancel(w[at + W_END_EVENT]);
    if (w[at + W_BEGIN_EVENT] >= 0) this.sim.cancel(w[at + W_BEGIN_EVENT]);
    w[at + W_END_EVENT] = -1;
    w[at + W_BEGIN_EVENT] = -1;
    w[at + W_VERSION] = ++this.workSerial;
    this.endedRecords.push(slot, this.workOf[slot]);
    const bytes = w[at + W_WBYTES];
    if (moving) {
      this.noteBound(at, now);
      const speed = w[at + W_SPEED];
      const moved = speed === Infinity ? w[at + W_REMAIN] : Math.min(w[at + W_REMAIN], speed * (now - w[at + W_UPDATED]));
      w[at + W_REMAIN] -= moved;
      this.unlink(slot, tm);
      this.setUse(tm, at, 0);
    }
    w[at + W_MOVED_AT_END] = moving ? w[at + W_TOTAL] - w[at + W_REMAIN] : 0;
    w[at + W_STATE] = WorkState.None;
    if (bytes > 0) {
      // Disk use only grows while writes go on, so its peak is taken just before it shrinks.
      const kept = keepOutput ? bytes - w[at + W_SPILL_BYTES] : 0;
      if (kept < bytes) this.notePeak(tm);
      this.setWriteRate(tm, at, 0, now);
      if (kept > 0) {
        if (!(w[at + W_WBASE] > 0)) this.recordDiskBeforeStep(tm);
        this.diskStatic[tm] += kept;
        this.totalStatic += kept;
        // A write that took no time lands at once.
        if (!(w[at + W_WBASE] > 0)) {
          this.peakNotedAt[tm] = -1;
          this.totalPeakNotedAt = -1;
        }
      }
      this.diskProjected[tm] -= bytes - kept;
      // What the write had put down is now counted as a file (or deleted): the write holds nothing.
      this.diskOffset[tm] += w[at + W_WBASE];
      this.totalOffset += w[at + W_WBASE];
      w[at + W_WBASE] = 0;
      w[at + W_WBYTES] = 0;
      w[at + W_SPILL_BYTES] = 0;
      this.diskChanged(tm);
    }
    if (moving) this.reshare(tm);
  }

  /** The work in `slot` has waited out its fixed time: it starts moving bytes. */
  private workBegins(slot: number, version: number): void {
    const w = this.work;
    const at = this.workAt(slot);
    if (w[at + W_VERSION] !== version || w[at + W_STATE] !== WorkState.Waiting) return;
    w[at + W_BEGIN_EVENT] = -1;
    const tm = this.tmOfSlot(slot);
    w[at + W_STATE] = WorkState.Moving;
    w[at + W_UPDATED] = this.sim.now;
    w[at + W_WTIME] = this.sim.now;
    w[at + W_BOUND_SINCE] = this.sim.now;
    // Link at the head of the TaskManager's list.
    const head = this.movingHead[tm];
    w[at + W_NEXT] = head;
    w[at + W_PREV] = -1;
    if (head >= 0) w[this.workAt(head) + W_PREV] = slot;
    this.movingHead[tm] = slot;
    this.reshare(tm);
    if (w[at + W_WBYTES] > 0 && w[at + W_WRATE] === 0) this.diskChanged(tm);
  }

  /** The work in `slot` has moved its bytes. */
  private workEnds(slot: number, version: number): void {
    const w = this.work;
    const at = this.workAt(slot);
    if (w[at + W_VERSION] !== version) return;
    w[at + W_END_EVENT] = -1;
    if (w[at + W_STATE] === WorkState.Waiting) {
      // Its planned end falls on the moment it begins (it has nothing to move alone): begin it first.
      this.sim.cancel(w[at + W_BEGIN_EVENT]);
      this.workBegins(slot, version);
      if (w[at + W_END_EVENT] >= 0) return; // shares slow it: a later end was planned
    }
    const tm = this.tmOfSlot(slot);
    // What the write has still to put down when its work ends: all of it when it took no time,
    // else the little its end's rounding to whole ms left out. Either can find the disk full.
    const bytes = w[at + W_WBYTES];
    const written = w[at + W_WBASE] + w[at + W_WRATE] * (this.sim.now - w[at + W_WTIME]);
    if (bytes > 0 && this.diskUsed(tm) + (bytes - written) > this.spec.diskBytes + 1e-6) {
      this.listener.onDiskFull(tm, slot);
      return;
    }
    this.listener.onWorkDone(slot, w[at + W_TAG]);
  }

  private unlink(slot: number, tm: number): void {
    const w = this.work;
    const at = this.workAt(slot);
    const next = w[at + W_NEXT];
    const prev = w[at + W_PREV];
    if (prev >= 0) w[this.workAt(prev) + W_NEXT] = next;
    else this.movingHead[tm] = next;
    if (next >= 0) w[this.workAt(next) + W_PREV] = prev;
  }

  /** Adds the time since the last change to the counter of what held the work back. */
  private noteBound(at: number, now: number): void {
    const w = this.work;
    const ms = now - w[at + W_BOUND_SINCE];
    if (ms > 0) {
      const b = w[at + W_BOUND];
      if (b === Bound.Cpu) w[at + W_CPU_MS] += ms;
      else if (b === Bound.Disk) w[at + W_DISK_MS] += ms;
      else if (b === Bound.Network) w[at + W_NET_MS] += ms;
    }
    w[at + W_BOUND_SINCE] = now;
  }

  /**
   * Shares `tm`'s cores, disk and network out again among its moving work, and moves the
   * end of each piece of work whose speed changed.
   */
  private reshare(tm: number): void {
    const w = this.work;
    const now = this.sim.now;
    let n = 0;
    for (let s = this.movingHead[tm]; s >= 0; s = w[this.workAt(s) + W_NEXT]) {
      if (n === this.shareSlots.length) this.growShareScratch(2 * n);
      const at = this.workAt(s);
      this.shareSlots[n] = s;
      this.shareCap[n] = w[at + W_CAP];
      this.shareDisk[n] = w[at + W_DISK];
      this.shareNet[n] = w[at + W_NET];
      n++;
    }
    if (n === 0) return;
    if (this.neverShort) {
      // A full core each and no I/O limit: every piece of work moves at its cap.
      for (let k = 0; k < n; k++) {
        this.shareSpeed[k] = this.shareCap[k];
        this.shareBound[k] = this.shareCap[k] === Infinity ? Bound.None : Bound.Cpu;
      }
    } else {
      fillShares(n, this.shareCap, this.shareDisk, this.shareNet, this.cores, this.diskBandwidthMs, this.netBandwidthMs, this.shareSpeed, this.shareBound, this.shareActive);
    }
    let writesChanged = false;
    for (let k = 0; k < n; k++) {
      const slot = this.shareSlots[k];
      const at = this.workAt(slot);
      const speed = this.shareSpeed[k];
      if (w[at + W_BOUND] !== this.shareBound[k]) {
        this.noteBound(at, now);
        w[at + W_BOUND] = this.shareBound[k];
      }
      const old = w[at + W_SPEED];
      if (speed === old) continue;
      // Settle the bytes moved at the old speed, then plan the rest at the new one.
      if (old > 0) w[at + W_REMAIN] = old === Infinity ? 0 : Math.max(0, w[at + W_REMAIN] - old * (now - w[at + W_UPDATED]));
      w[at + W_UPDATED] = now;
      w[at + W_SPEED] = speed;
      this.setUse(tm, at, speed);
      if (w[at + W_WRITE] > 0) {
        this.setWriteRate(tm, at, speed === Infinity ? 0 : speed * w[at + W_WRITE], now);
        writesChanged = true;
      }
      const solo = w[at + W_SOLO];
      if (old === 0 && speed === w[at + W_CAP] && solo >= 0) continue; // it moves at its cap: the planned end stands
      w[at + W_SOLO] = -1;
      const remain = w[at + W_REMAIN];
      const end = speed === Infinity || remain <= 0 ? now : now + Math.round(remain / speed);
      if (w[at + W_END_EVENT] >= 0) this.sim.cancel(w[at + W_END_EVENT]);
      w[at + W_END] = end;
      w[at + W_END_EVENT] = this.sim.at(end, this.evWorkEnd, slot, w[at + W_VERSION]);
    }
    if (writesChanged) this.diskChanged(tm);
    if (this.recorder !== null) this.recorder.resourceUse(now, tm, this.cpuInUse[tm], this.diskIoInUse[tm] * 1000, this.netIoInUse[tm] * 1000);
  }

  /** Sets the cores, disk and network bandwidth the work at `at` uses, moving at `speed`. */
  private setUse(tm: number, at: number, speed: number): void {
    const w = this.work;
    const s = speed === Infinity ? 0 : speed;
    const cap = w[at + W_CAP];
    const cpu = cap === Infinity ? 0 : s / cap;
    const disk = s * w[at + W_DISK];
    const net = s * w[at + W_NET];
    this.cpuInUse[tm] += cpu - w[at + W_USE_CPU];
    this.diskIoInUse[tm] += disk - w[at + W_USE_DISK];
    this.netIoInUse[tm] += net - w[at + W_USE_NET];
    this.cpuInUseTotal += cpu - w[at + W_USE_CPU];
    this.diskIoInUseTotal += disk - w[at + W_USE_DISK];
    this.netIoInUseTotal += net - w[at + W_USE_NET];
    w[at + W_USE_CPU] = cpu;
    w[at + W_USE_DISK] = disk;
    w[at + W_USE_NET] = net;
  }

  /** Changes the rate of the write of the work at `at`, keeping the bytes it has written. */
  private setWriteRate(tm: number, at: number, rate: number, now: number): void {
    const w = this.work;
    const old = w[at + W_WRATE];
    const base = w[at + W_WBASE];
    const written = base + old * (now - w[at + W_WTIME]);
    // Its term in the offset goes from `old * since - base` to `rate * now - written`.
    const delta = rate * now - written - (old * w[at + W_WTIME] - base);
    this.diskRate[tm] += rate - old;
    this.diskOffset[tm] += delta;
    this.totalRate += rate - old;
    this.totalOffset += delta;
    w[at + W_WRATE] = rate;
    w[at + W_WBASE] = written;
    w[at + W_WTIME] = now;
  }

  private growShareScratch(n: number): void {
    this.shareSlots = ensureLength(this.shareSlots, n);
    this.shareCap = ensureLength(this.shareCap, n);
    this.shareDisk = ensureLength(this.shareDisk, n);
    this.shareNet = ensureLength(this.shareNet, n);
    this.shareSpeed = ensureLength(this.shareSpeed, n);
    this.shareBound = ensureLength(this.shareBound, n);
    this.shareActive = ensureLength(this.shareActive, n);
  }

  /** Where the work record of `slot` starts in {@link work}. */
  private workAt(slot: number): number {
    return this.workOf[slot] * WORK_FIELDS;
  }

  /** Gives `slot` a work record, after freeing those of work that has ended. */
  private takeRecord(slot: number): void {
    const ended = this.endedRecords;
    for (let i = 0; i < ended.length; i += 2) {
      if (this.workOf[ended[i]] === ended[i + 1]) this.workOf[ended[i]] = -1;
      this.freeRecords.push(ended[i + 1]);
    }
    ended.length = 0;
    if (this.workOf[slot] >= 0) return;
    const record = this.freeRecords.length > 0 ? (this.freeRecords.pop() as number) : this.recordCount++;
    if (this.work.length < (record + 1) * WORK_FIELDS) this.work = ensureLength(this.work, (record + 1) * WORK_FIELDS);
    this.workOf[slot] = record;
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
    const used = this.diskStatic[tm] + this.diskRate[tm] * this.sim.now - this.diskOffset[tm];
    return this.diskRate[tm] > 0 ? used - this.writesOverrun(tm) : used;
  }

  /**
   * Bytes the straight lines of `tm`'s writes run past their totals now. A write's end is
   * rounded to a whole ms, so its line can overrun by a fraction of a ms: the disk never holds
   * those bytes, and a write that exactly fills the disk must not be failed for them.
   */
  private writesOverrun(tm: number): number {
    const w = this.work;
    const now = this.sim.now;
    let over = 0;
    for (let s = this.movingHead[tm]; s >= 0; s = w[this.workAt(s) + W_NEXT]) {
      const at = this.workAt(s);
      const rate = w[at + W_WRATE];
      if (rate === 0) continue;
      const past = w[at + W_WBASE] + rate * (now - w[at + W_WTIME]) - w[at + W_WBYTES];
      if (past > 0) over += past;
    }
    return over;
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

  /** Releases every live TaskManager at once, and withdraws the requests still waiting (the job ended). */
  releaseAll(): void {
    this.withdrawWaiting(this.waitingTms);
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

  /** The cluster's part of a metrics sample, now (a scan over the live TaskManagers: for recording only). */
  snapshot(): Omit<MetricsSample, 'time' | 'pendingRequests' | 'runningSubtasks' | 'finishedSubtasks'> {
    let starting = 0;
    let idle = 0;
    let diskMax = 0;
    // Only the TaskManagers starting or running: a job that creates many over its life pays
    // for the live ones at each sample, not for its whole history.
    for (let k = 0; k < this.activeCount; k++) {
      const tm = this.active[k];
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
      cpuInUse: Math.max(0, Math.round(this.cpuInUseTotal * 1000) / 1000),
      diskBandwidthInUse: Math.max(0, Math.round(this.diskIoInUseTotal * 1000)),
      networkBandwidthInUse: Math.max(0, Math.round(this.netIoInUseTotal * 1000)),
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
      // Out of the list of starting and running TaskManagers: the last one takes its place.
      const last = this.active[--this.activeCount];
      this.active[this.activeAt[tm]] = last;
      this.activeAt[last] = this.activeAt[tm];
      this.releasedAt[tm] = this.sim.now;
      const hadData = this.diskUsed(tm) > 0;
      this.notePeak(tm);
      this.totalStatic -= this.diskStatic[tm];
      this.diskStatic[tm] = 0;
      this.diskProjected[tm] = 0;
      this.diskVersion[tm]++;
      if (hadData) this.recorder?.diskUsage(this.sim.now, tm, 0);
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
    this.gate?.released();
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

  /**
   * When recording: disk use just before it steps (a deletion, or a file that appears at
   * once), so the drawn series rises steadily between changes and steps only where it does.
   */
  private recordDiskBeforeStep(tm: number): void {
    if (this.recorder !== null && this.diskUsed(tm) > 0) this.recorder.diskUsage(this.sim.now, tm, Math.max(0, Math.round(this.diskUsed(tm))));
  }

  /** Records the disk peak before a change (use only grows between changes). */
  private notePeak(tm: number): void {
    this.recordDiskBeforeStep(tm);
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
    const w = this.work;
    const ends: number[] = [];
    for (let s = this.movingHead[tm]; s >= 0; s = w[this.workAt(s) + W_NEXT]) {
      if (w[this.workAt(s) + W_WRATE] > 0 && w[this.workAt(s) + W_END] > now) ends.push(s);
    }
    ends.sort((a, b) => w[this.workAt(a) + W_END] - w[this.workAt(b) + W_END] || a - b);
    let rate = 0;
    for (const s of ends) rate += w[this.workAt(s) + W_WRATE];
    let t = now;
    for (const s of ends) {
      const end = w[this.workAt(s) + W_END];
      const reach = used + rate * (end - t);
      // Rounded down: the failing write stops at the last whole millisecond the disk still holds it.
      if (reach > cap) return Math.floor(t + (cap - used) / rate);
      used = reach;
      t = end;
      rate -= w[this.workAt(s) + W_WRATE];
    }
    return null;
  }

  private diskFull(tm: number, version: number): void {
    if (this.diskVersion[tm] !== version || this.state[tm] !== TmState.Running) return;
    // The fastest writer issues the most writes, so it is the one whose write finds the disk
    // full; among equals, the one started last, which loses the least work.
    const w = this.work;
    let victim = -1;
    for (let s = this.movingHead[tm]; s >= 0; s = w[this.workAt(s) + W_NEXT]) {
      const at = this.workAt(s);
      if (w[at + W_WRATE] === 0 || w[at + W_END] <= this.sim.now) continue;
      const v = this.workAt(victim);
      if (
        victim === -1 ||
        w[at + W_WRATE] > w[v + W_WRATE] ||
        (w[at + W_WRATE] === w[v + W_WRATE] && (this.startOf(s) > this.startOf(victim) || (this.startOf(s) === this.startOf(victim) && s > victim)))
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
    this.movingHead = ensureLength(this.movingHead, n, -1);
    this.active = ensureLength(this.active, n);
    this.activeAt = ensureLength(this.activeAt, n);
    this.cpuInUse = ensureLength(this.cpuInUse, n);
    this.diskIoInUse = ensureLength(this.diskIoInUse, n);
    this.netIoInUse = ensureLength(this.netIoInUse, n);
    const slots = this.state.length * this.slotsPerTm;
    this.workOf = ensureLength(this.workOf, slots, -1);
    if (this.slotData.length >= slots * SLOT_FIELDS) return;
    const data = emptySlots(slots);
    data.set(this.slotData);
    this.slotData = data;
  }
}
