//! Several jobs sharing one cluster: submissions, workflows, admission to queues, and the joint result.

import { Simulation, type EventHandler } from '../engine/simulation.js';
import { unfiredFaultWarnings } from '../failure/unfired-faults.js';
import { jobManagerCu, taskManagerCu } from '../model/capacity-units.js';
import { ResourceQueue, type QueueMember, type QueueSample } from '../model/cluster/resource-queue.js';
import type { JobStatus, RunResult, Timeline, WorkloadJobResult, WorkloadResult } from '../model/run-result.js';
import type { GuardSpec, SimulationSpec } from '../model/spec.js';
import type { QueueSpec, WorkloadJobSpec } from '../model/workload-spec.js';
import { diagnose } from '../report/diagnosis.js';
import { BatchScheduler } from '../scheduler/batch-scheduler.js';
import { StreamingScheduler } from '../scheduler/streaming-scheduler.js';
import { timeLimitCause, type JobRun } from '../runtime/job-run.js';
import { heldBack, taskManagerSummary } from '../scheduler/run-report.js';

/** What a multi-job run records beyond its result: each job's timeline and each queue's CU over time. */
export interface WorkloadTimeline {
  /** In the order of the result's `jobs`; undefined for a job that never started. */
  jobs: (Timeline | undefined)[];
  queues: { name: string; capacity: number | null; samples: QueueSample[] }[];
}

export interface WorkloadOutput {
  result: WorkloadResult;
  timeline?: WorkloadTimeline;
}

/** A multi-job run's input once arrivals are drawn: each job's spec carries its own seed. */
export interface WorkloadRunInput {
  name: string;
  seed: number;
  queues: QueueSpec[];
  jobs: WorkloadJobSpec[];
  guards: GuardSpec;
  warnings: string[];
}

const enum Phase {
  /** Waiting for its submission time or its predecessors. */
  Waiting = 0,
  /** Submitted, waiting for admission to its queue. */
  Submitted = 1,
  Running = 2,
  Ended = 3,
}

/** One job's life in the run. */
class JobSlot {
  phase = Phase.Waiting;
  submittedMs = 0;
  startedMs: number | null = null;
  endMs = 0;
  /** Predecessors that have not finished. */
  waitingFor: number;
  readonly dependents: number[] = [];
  member: QueueMember | null = null;
  run: JobRun | null = null;
  /** The event kinds its run registered, from and to (exclusive). */
  kinds = 0;
  kindsEnd = 0;
  result: WorkloadJobResult | null = null;
  timeline: Timeline | undefined;

  constructor(
    readonly index: number,
    readonly spec: WorkloadJobSpec,
    readonly queue: ResourceQueue,
  ) {
    this.waitingFor = spec.after.length;
  }

  get submitKey(): { name: string; priority: number; submittedMs: number } {
    return { name: this.spec.name, priority: this.spec.priority, submittedMs: this.submittedMs };
  }
}

/**
 * Runs several jobs on one event loop. Each job has its own JobManager, TaskManagers and
 * scheduling (a {@link JobRun}); they meet only in their queue's capacity. A job is
 * submitted at its time once the jobs it comes after have finished, is admitted when its
 * queue has room, and ends FINISHED, FAILED or, when a job it comes after failed, SKIPPED.
 */
export class WorkloadRun {
  private static readonly onSubmit: EventHandler<WorkloadRun> = (w, i) => w.submit(i);

  private readonly sim = new Simulation();
  private readonly queues: ResourceQueue[];
  private readonly jobs: JobSlot[];
  private readonly evSubmit: number;
  private ended = 0;
  private readonly record: boolean;

  constructor(
    private readonly input: WorkloadRunInput,
    options: { record?: boolean } = {},
  ) {
    this.record = options.record === true;
    const byName = new Map(input.queues.map((q) => [q.name, new ResourceQueue(this.sim, q.name, q.capacityCu, this.record)]));
    this.queues = [...byName.values()];
    const index = new Map(input.jobs.map((j, i) => [j.name, i]));
    this.jobs = input.jobs.map((j, i) => {
      const queue = byName.get(j.queue);
      if (queue === undefined) throw new Error(`job ${j.name}: unknown queue ${j.queue}`);
      return new JobSlot(i, j, queue);
    });
    for (const job of this.jobs) {
      for (const name of job.spec.after) {
        const before = index.get(name);
        if (before === undefined) throw new Error(`job ${job.spec.name}: unknown job ${name} in after`);
        this.jobs[before].dependents.push(job.index);
      }
    }
    this.evSubmit = this.sim.register(this, WorkloadRun.onSubmit);
  }

  run(): WorkloadOutput {
    for (const job of this.jobs) {
      if (job.waitingFor === 0) this.sim.at(job.spec.submitMs, this.evSubmit, job.index);
    }
    const limit = this.input.guards.maxSimulatedMs;
    if (this.jobs.length > 0) {
      while (this.sim.step(limit)) {
        // the jobs' handlers do the work
      }
    }
    const timeLimit = this.sim.pending > 0 ? limit : null;
    for (const job of this.jobs) {
      if (job.phase === Phase.Running) (job.run as JobRun).endUnfinished(timeLimit);
    }
    for (const job of this.jobs) {
      if (job.phase !== Phase.Ended) this.endUnstarted(job, timeLimit);
    }
    return this.report();
  }

  private submit(i: number): void {
    const job = this.jobs[i];
    job.phase = Phase.Submitted;
    job.submittedMs = this.sim.now;
    const cluster = job.spec.spec.cluster;
    const member = job.queue.member(job.submitKey, taskManagerCu(cluster));
    job.member = member;
    member.admit(jobManagerCu(cluster), () => this.admitted(job));
  }

  private admitted(job: JobSlot): void {
    job.phase = Phase.Running;
    job.startedMs = this.sim.now;
    const spec = job.spec.spec;
    const member = job.member as QueueMember;
    const context = { sim: this.sim, gate: member, startMs: this.sim.now, onEnd: () => this.jobEnded(job) };
    const options = { record: this.record, context };
    job.kinds = this.sim.kindCount;
    const run: JobRun = spec.mode === 'STREAMING' ? new StreamingScheduler(spec, options) : new BatchScheduler(spec, options);
    job.kindsEnd = this.sim.kindCount;
    job.run = run;
    run.start();
  }

  private jobEnded(job: JobSlot): void {
    const run = job.run as JobRun;
    const { result, timeline } = run.report();
    job.timeline = timeline;
    job.phase = Phase.Ended;
    job.endMs = this.sim.now;
    (job.member as QueueMember).leave();
    // Its TaskManagers are gone: what is left of its events can do nothing.
    this.sim.retire(job.kinds, job.kindsEnd);
    job.run = null;
    job.result = this.jobResult(job, result, result.status);
    this.ended++;
    for (const d of job.dependents) {
      const next = this.jobs[d];
      if (result.status !== 'FINISHED') this.skip(next, job.spec.name);
      else if (--next.waitingFor === 0 && next.phase === Phase.Waiting) {
        this.sim.at(Math.max(this.sim.now, next.spec.submitMs), this.evSubmit, d);
      }
    }
    if (this.ended === this.jobs.length) this.sim.stop();
  }

  /** A job it comes after failed: it never runs, nor do the jobs that come after it. */
  private skip(job: JobSlot, failed: string): void {
    if (job.phase !== Phase.Waiting) return;
    const at = Math.max(this.sim.now, job.spec.submitMs);
    this.endWithout(job, 'SKIPPED', `skipped: ${failed}, which it comes after, did not finish`, at);
    for (const d of job.dependents) this.skip(this.jobs[d], job.spec.name);
  }

  /** After the loop stopped: a job never submitted or never admitted. */
  private endUnstarted(job: JobSlot, timeLimitMs: number | null): void {
    const cause =
      timeLimitMs !== null
        ? timeLimitCause(timeLimitMs)
        : job.phase === Phase.Submitted
          ? `never admitted to queue ${job.queue.name}: it needs room for its JobManager and one TaskManager`
          : 'never submitted: a job it comes after never ended';
    this.endWithout(job, 'FAILED', cause, this.sim.now);
  }

  private endWithout(job: JobSlot, status: JobStatus | 'SKIPPED', cause: string, atMs: number): void {
    if (job.phase === Phase.Submitted) job.member?.leave();
    if (job.phase !== Phase.Submitted) job.submittedMs = atMs;
    job.phase = Phase.Ended;
    job.endMs = atMs;
    this.ended++;
    job.result = this.jobResult(job, notRunResult(job.spec.spec, cause), status);
  }

  private jobResult(job: JobSlot, result: RunResult, status: JobStatus | 'SKIPPED'): WorkloadJobResult {
    const spec = job.spec.spec;
    const warnings = [...result.warnings];
    if (job.startedMs !== null) warnings.push(...unfiredFaultWarnings(spec, result));
    const diagnosis = job.startedMs !== null ? diagnose(spec, result) : [];
    const { scenario: _scenario, seed, status: _status, stats: _stats, ...rest } = result;
    return {
      name: job.spec.name,
      ...rest,
      status,
      queue: job.spec.queue,
      priority: job.spec.priority,
      seed,
      submitted: job.submittedMs / 1000,
      started: job.startedMs === null ? null : job.startedMs / 1000,
      end: job.endMs / 1000,
      waited: (job.member?.waitedMs ?? 0) / 1000,
      makespan: (job.endMs - job.submittedMs) / 1000,
      diagnosis,
      warnings,
    };
  }

  private report(): WorkloadOutput {
    const results = this.jobs.map((j) => j.result as WorkloadJobResult);
    const endMs = this.jobs.reduce((a, j) => Math.max(a, j.endMs), 0);
    const cost = { coreSeconds: 0, gibSeconds: 0, shuffleServiceCuSeconds: 0 };
    for (const r of results) {
      cost.coreSeconds += r.cost.coreSeconds;
      cost.gibSeconds += r.cost.gibSeconds;
      cost.shuffleServiceCuSeconds += r.cost.shuffleServiceCuSeconds;
    }
    const result: WorkloadResult = {
      scenario: this.input.name,
      seed: this.input.seed,
      status: results.every((r) => r.status === 'FINISHED') ? 'FINISHED' : 'FAILED',
      makespan: endMs / 1000,
      cost,
      jobs: results,
      queues: this.queues.map((q) => ({
        name: q.name,
        capacity: q.capacity === Infinity ? null : q.capacity,
        peakCu: round3(q.peak),
        meanCu: round3(q.meanCu(endMs)),
      })),
      warnings: this.input.warnings,
      stats: { events: this.sim.processed },
    };
    if (!this.record) return { result };
    return {
      result,
      timeline: {
        jobs: this.jobs.map((j) => j.timeline),
        queues: this.queues.map((q) => ({ name: q.name, capacity: q.capacity === Infinity ? null : q.capacity, samples: q.samples ?? [] })),
      },
    };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The result of a job that never started: nothing ran, nothing was held, nothing cost. */
function notRunResult(spec: SimulationSpec, cause: string): RunResult {
  return {
    scenario: spec.name,
    seed: spec.seed,
    mode: spec.mode,
    status: 'FAILED',
    failureCause: cause,
    makespan: 0,
    vertices: spec.vertices.map((v) => ({
      id: v.id,
      parallelism: null,
      decision: { origin: v.parallelism !== undefined ? 'fixed' : 'inferred', reason: 'not decided: the job never started' },
      attempts: 0,
      start: null,
      end: null,
      busySlotSeconds: 0,
      inputBytes: 0,
      outputBytes: 0,
      subtaskInputBytes: { min: 0, median: 0, max: 0 },
      ...heldBack(0, 0, 0),
      spilledBytes: 0,
      gcSeconds: 0,
      cpuSeconds: 0,
      heapOccupancy: 0,
    })),
    taskManagers: taskManagerSummary(spec.cluster, 0, 0),
    restarts: 0,
    slotSeconds: 0,
    cost: { coreSeconds: 0, gibSeconds: 0, shuffleServiceCuSeconds: 0 },
    disk: { peakBytesOneTaskManager: 0, peakBytesTotal: 0 },
    failures: [],
    longestStall: null,
    diagnosis: [],
    warnings: spec.warnings,
    stats: { events: 0 },
  };
}
