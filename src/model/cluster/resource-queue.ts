//! A resource queue several jobs share: capacity in CU, admission of jobs, TaskManager requests in order.

import FastPriorityQueue from 'fastpriorityqueue';
import type { EventHandler, Simulation } from '../../engine/simulation.js';
import type { TaskManagerGate } from './cluster.js';

/** CU compared with a tolerance: cores and GiB / 4 are fractions, summed in floating point. */
const CU_EPSILON = 1e-9;

/** The order a queue serves its members in: higher priority, then earlier submission, then name. */
export interface QueueMemberKey {
  readonly name: string;
  readonly priority: number;
  readonly submittedMs: number;
  /** The name's place among all members' names in string order (compared instead of the names). */
  readonly nameRank: number;
}

const enum RequestKind {
  /** A TaskManager of an admitted job: served before any admission. */
  TaskManager = 0,
  Admission = 1,
}

/** One request waiting for capacity; its member's key is copied in, so the heap compares numbers only. */
interface Waiting {
  kind: RequestKind;
  priority: number;
  submittedMs: number;
  nameRank: number;
  member: QueueMember;
  /** CU it holds once granted. */
  cu: number;
  /** CU that must be free to grant it (an admission also needs room for one TaskManager). */
  needs: number;
  since: number;
  seq: number;
  withdrawn: boolean;
}

function servedFirst(a: Waiting, b: Waiting): boolean {
  if (a.kind !== b.kind) return a.kind < b.kind;
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.submittedMs !== b.submittedMs) return a.submittedMs < b.submittedMs;
  if (a.nameRank !== b.nameRank) return a.nameRank < b.nameRank;
  return a.seq < b.seq;
}

/** CU in use at a moment, and requests waiting then (recorded for the report). */
export interface QueueSample {
  time: number;
  cu: number;
  waiting: number;
}

/**
 * A queue with a capacity in CU that never lends and never preempts. Requests are served
 * at the end of the instant they are made in (so that requests made at one time are
 * ordered by priority, not by which event ran first): TaskManager requests of admitted
 * jobs before admissions, each by priority, submission time, then name. Served strictly in
 * that order: a request that does not fit holds back those behind it, so a large job is
 * never starved by smaller ones slipping past.
 */
export class ResourceQueue {
  private static readonly onServe: EventHandler<ResourceQueue> = (q) => q.serve();

  private readonly waiting = new FastPriorityQueue<Waiting>(servedFirst);
  private readonly evServe: number;
  private serveScheduled = false;
  private seq = 0;
  /** Requests waiting and not withdrawn. */
  waitingCount = 0;
  inUse = 0;
  peak = 0;
  private cuMs = 0;
  private changedAt = 0;
  readonly samples: QueueSample[] | null;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    /** CU; Infinity when unlimited. */
    readonly capacity: number,
    record: boolean,
  ) {
    this.evServe = sim.register(this, ResourceQueue.onServe);
    this.samples = record ? [] : null;
  }

  /** A job's place in this queue, through which its cluster asks for TaskManagers. */
  member(key: QueueMemberKey, tmCu: number): QueueMember {
    return new QueueMember(this, key, tmCu);
  }

  /** Time-weighted mean CU in use from 0 to `untilMs`. */
  meanCu(untilMs: number): number {
    this.account();
    return untilMs > 0 ? this.cuMs / untilMs : 0;
  }

  /** Whether `cu` could ever be granted (the queue empty). */
  fits(cu: number): boolean {
    return cu <= this.capacity + CU_EPSILON;
  }

  /** Queues a request; returns it, or null when it was granted at once (an unlimited queue). */
  enqueue(kind: RequestKind, member: QueueMember, cu: number, needs: number): Waiting | null {
    const k = member.key;
    if (this.capacity === Infinity) {
      // Nothing ever waits, so the order of requests does not matter: granted at once, as a job
      // alone gets its TaskManagers (same events, same order).
      this.grant({ kind, priority: k.priority, submittedMs: k.submittedMs, nameRank: k.nameRank, member, cu, needs, since: this.sim.now, seq: this.seq++, withdrawn: false });
      return null;
    }
    const w: Waiting = { kind, priority: k.priority, submittedMs: k.submittedMs, nameRank: k.nameRank, member, cu, needs, since: this.sim.now, seq: this.seq++, withdrawn: false };
    this.waiting.add(w);
    this.waitingCount++;
    this.noteChange();
    if (!this.serveScheduled) {
      this.serveScheduled = true;
      this.sim.schedule(0, this.evServe);
    }
    return w;
  }

  withdraw(w: Waiting): void {
    w.withdrawn = true;
    this.waitingCount--;
    w.member.waitedMs += this.sim.now - w.since;
    this.noteChange();
    // Withdrawn requests stay in the heap until they reach its head; once they are most of it, drop them.
    const q = this.waiting;
    if (q.size > 64 && 2 * this.waitingCount < q.size) q.removeMany((x) => x.withdrawn);
  }

  /** Gives back `cu`, and serves whoever waits for it. */
  give(cu: number): void {
    this.account();
    this.inUse = Math.max(0, this.inUse - cu);
    this.noteChange();
    if (this.waitingCount > 0 && !this.serveScheduled) {
      this.serveScheduled = true;
      this.sim.schedule(0, this.evServe);
    }
  }

  /** Grants waiting requests in order while the first one fits. */
  private serve(): void {
    this.serveScheduled = false;
    const q = this.waiting;
    while (!q.isEmpty()) {
      const w = q.peek() as Waiting;
      if (w.withdrawn) {
        q.poll();
        continue;
      }
      if (this.inUse + w.needs > this.capacity + CU_EPSILON) break;
      q.poll();
      this.waitingCount--;
      this.grant(w);
    }
  }

  private grant(w: Waiting): void {
    this.account();
    this.inUse += w.cu;
    if (this.inUse > this.peak) this.peak = this.inUse;
    this.noteChange();
    w.member.waitedMs += this.sim.now - w.since;
    w.member.granted(w);
  }

  private account(): void {
    const now = this.sim.now;
    this.cuMs += this.inUse * (now - this.changedAt);
    this.changedAt = now;
  }

  private noteChange(): void {
    const s = this.samples;
    if (s === null) return;
    const time = this.sim.now / 1000;
    const last = s[s.length - 1];
    const sample = { time, cu: Math.round(this.inUse * 1000) / 1000, waiting: this.waitingCount };
    if (last !== undefined && last.time === time) s[s.length - 1] = sample;
    else s.push(sample);
  }
}

/** One job in a queue: its admission, its JobManager's capacity, and the gate its TaskManagers pass. */
export class QueueMember implements TaskManagerGate {
  /** Milliseconds its requests spent waiting, summed. */
  waitedMs = 0;
  private grantTm: (() => void) | null = null;
  private onAdmitted: (() => void) | null = null;
  private jobManagerCu = 0;
  /** Its TaskManager requests still waiting, oldest first. */
  private readonly tmWaiting: Waiting[] = [];

  constructor(
    private readonly queue: ResourceQueue,
    readonly key: QueueMemberKey,
    private readonly tmCu: number,
  ) {}

  /** Asks to be admitted: room for its JobManager and one TaskManager; only the JobManager's is held. */
  admit(jobManagerCu: number, onAdmitted: () => void): void {
    this.jobManagerCu = jobManagerCu;
    this.onAdmitted = onAdmitted;
    this.queue.enqueue(RequestKind.Admission, this, jobManagerCu, jobManagerCu + this.tmCu);
  }

  connect(grant: () => void): void {
    this.grantTm = grant;
  }

  request(): void {
    const w = this.queue.enqueue(RequestKind.TaskManager, this, this.tmCu, this.tmCu);
    if (w !== null) this.tmWaiting.push(w);
  }

  withdraw(n: number): number {
    let k = 0;
    // The newest first: the oldest have waited longest and are served first.
    while (k < n && this.tmWaiting.length > 0) {
      this.queue.withdraw(this.tmWaiting.pop() as Waiting);
      k++;
    }
    return k;
  }

  released(): void {
    this.queue.give(this.tmCu);
  }

  /** The job ended: its JobManager's capacity goes back. */
  leave(): void {
    this.withdraw(this.tmWaiting.length);
    this.queue.give(this.jobManagerCu);
    this.jobManagerCu = 0;
    // Nothing will be granted any more: let the job's cluster and scheduler go.
    this.grantTm = null;
    this.onAdmitted = null;
  }

  granted(w: Waiting): void {
    if (w.kind === RequestKind.Admission) {
      (this.onAdmitted as () => void)();
      return;
    }
    const i = this.tmWaiting.indexOf(w);
    if (i >= 0) this.tmWaiting.splice(i, 1);
    (this.grantTm as () => void)();
  }
}
