//! fast-check properties of failure recovery over generated jobs, clusters and fault plans (issue 3).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointwiseProducers } from '../../src/model/job/job-graph.js';
import type { AttemptRecord, FailureResult, RunResult, Timeline } from '../../src/model/run-result.js';
import { simulate } from '../../src/sim/simulate.js';
import { checkBlockingEdges, clusterArb, jobArb, type GenVertex } from '../support/arbitraries.js';
import { scenario } from '../support/run.js';

const runs = (n: number) => ({ numRuns: Number(process.env.PROP_RUNS ?? n), ...(process.env.PROP_SEED !== undefined && { seed: Number(process.env.PROP_SEED) }) });

const TM_LOST = 'TaskManager lost';
const NO_SPACE = 'No space left on device';

// ------------------------------------------------------------------ fault plans

/** A subtask fault before it is tied to a job: indices are reduced modulo the job's sizes. */
const subtaskFaultArb = fc.record({
  vertex: fc.nat({ max: 6 }),
  subtask: fc.nat({ max: 5 }),
  attempt: fc.nat({ max: 2 }),
  atPercent: fc.integer({ min: 0, max: 100 }),
});

/** A TaskManager loss, by creation index or by the subtask it hosts, at a whole second. */
const tmLossArb = fc.record({
  tm: fc.nat({ max: 5 }),
  hosting: fc.option(fc.tuple(fc.nat({ max: 6 }), fc.nat({ max: 5 })), { nil: undefined, freq: 3 }),
  atSeconds: fc.integer({ min: 0, max: 300 }),
});

const faultPlanArb = fc.record({
  subtask: fc.array(subtaskFaultArb, { maxLength: 3 }),
  tm: fc.array(tmLossArb, { maxLength: 2 }),
  randomPercent: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
});
type FaultPlan = typeof faultPlanArb extends fc.Arbitrary<infer T> ? T : never;

/** A subtask of the job: the index is kept in range when the parallelism is fixed, else 0 (always exists). */
function subtaskRef(vertices: GenVertex[], v: number, j: number): { id: string; subtask: number } {
  const vertex = vertices[v % vertices.length];
  return { id: vertex.id, subtask: vertex.parallelism === undefined ? 0 : j % vertex.parallelism };
}

/** The scenario's `faults:` list for a plan. */
function faultsOf(vertices: GenVertex[], plan: FaultPlan): object[] {
  const faults: object[] = [];
  for (const f of plan.subtask) {
    const { id, subtask } = subtaskRef(vertices, f.vertex, f.subtask);
    faults.push({ type: 'subtask', vertex: id, subtask, attempt: f.attempt, at: f.atPercent / 100 });
  }
  for (const f of plan.tm) {
    if (f.hosting === undefined) {
      faults.push({ type: 'taskmanager', at: `${f.atSeconds}s`, tm: f.tm });
    } else {
      const { id, subtask } = subtaskRef(vertices, f.hosting[0], f.hosting[1]);
      faults.push({ type: 'taskmanager', at: `${f.atSeconds}s`, hosting: `${id}[${subtask}]` });
    }
  }
  if (plan.randomPercent !== undefined) faults.push({ type: 'random-subtask', probability: plan.randomPercent / 100 });
  return faults;
}

/** Restart strategies with room to recover: fixed-delay with generous attempts, or Flink's default. */
const generousRestartArb = fc.oneof(
  fc.record({ attempts: fc.integer({ min: 10, max: 60 }), delay: fc.integer({ min: 0, max: 5 }) }).map((r) => ({
    'restart-strategy.type': 'fixed-delay',
    'restart-strategy.fixed-delay.attempts': r.attempts,
    'restart-strategy.fixed-delay.delay': `${r.delay} s`,
  })),
  fc.constant({}), // exponential-delay with Flink's defaults
);

const failoverArb = fc.constantFrom('region', 'full');

/** A scenario document, ready for {@link scenario}. */
function doc(vertices: GenVertex[], cluster: object, config: object, faults: object[], seed: number) {
  return { seed, cluster, config, job: { vertices }, faults };
}

/** Runs a scenario document with the timeline recorded. */
function runDoc(d: object): { result: RunResult; timeline: Timeline; spec: ReturnType<typeof scenario> } {
  const spec = scenario(d);
  const { result, timeline } = simulate(spec, { recordTimeline: true, checkInvariants: true });
  if (timeline === undefined) throw new Error('no timeline');
  return { result, timeline, spec };
}

/** The general case: any job, cluster, fault plan, failover strategy and generous restart strategy. */
const anyRunArb = fc
  .record({
    vertices: jobArb,
    cluster: clusterArb,
    plan: faultPlanArb,
    restart: generousRestartArb,
    failover: failoverArb,
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((r) => doc(r.vertices, r.cluster, { ...r.restart, 'jobmanager.execution.failover-strategy': r.failover }, faultsOf(r.vertices, r.plan), r.seed));

// ------------------------------------------------------------------ the subtask graph of a run

/**
 * Consumers and producers of every subtask `v[j]`, from the job and the parallelism each vertex
 * ended with. A vertex never created has parallelism 0 and no subtasks.
 *
 *   a[0] ──> b[0]      pointwise a(p=2) -> b(p=1): b[0] reads a[0] and a[1]
 *   a[1] ──┘
 */
class SubtaskGraph {
  readonly consumers = new Map<string, string[]>();
  readonly producers = new Map<string, string[]>();

  constructor(vertices: GenVertex[], result: RunResult) {
    const p = new Map(result.vertices.map((v) => [v.id, v.parallelism]));
    for (const v of vertices) for (let j = 0; j < (p.get(v.id) ?? 0); j++) this.add(`${v.id}[${j}]`);
    for (const v of vertices) {
      const pv = p.get(v.id) ?? 0;
      for (const inp of v.inputs ?? []) {
        const pu = p.get(inp.from) ?? 0;
        for (let j = 0; j < pv; j++) {
          const [a, b] = inp.pattern === 'pointwise' ? pointwiseProducers(pu, pv, j) : [0, pu];
          for (let i = a; i < b; i++) {
            this.consumers.get(`${inp.from}[${i}]`)!.push(`${v.id}[${j}]`);
            this.producers.get(`${v.id}[${j}]`)!.push(`${inp.from}[${i}]`);
          }
        }
      }
    }
  }

  private add(label: string): void {
    this.consumers.set(label, []);
    this.producers.set(label, []);
  }

  get subtasks(): string[] {
    return [...this.consumers.keys()];
  }

  /** The given subtasks and everything downstream of them. */
  downstream(start: Iterable<string>): Set<string> {
    const seen = new Set(start);
    const todo = [...seen];
    while (todo.length > 0) {
      for (const c of this.consumers.get(todo.pop()!) ?? []) {
        if (!seen.has(c)) {
          seen.add(c);
          todo.push(c);
        }
      }
    }
    return seen;
  }
}

/** Every subtask's attempts, by `v[j]`, in attempt order. */
function attemptsBySubtask(t: Timeline): Map<string, AttemptRecord[]> {
  const by = new Map<string, AttemptRecord[]>();
  for (const a of t.attempts) {
    const k = `${a.vertex}[${a.subtask}]`;
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push(a);
  }
  for (const list of by.values()) list.sort((a, b) => a.attempt - b.attempt);
  return by;
}

function restartFailures(r: RunResult): FailureResult[] {
  return r.failures.filter((f) => f.action === 'restart');
}

// ------------------------------------------------------------------ properties

describe('failure recovery over generated jobs, clusters and fault plans', () => {
  it('every run terminates, FINISHED or FAILED with a cause', () => {
    fc.assert(
      fc.property(anyRunArb, (d) => {
        const { result } = runDoc(d);
        expect(['FINISHED', 'FAILED']).toContain(result.status);
        if (result.status === 'FAILED') {
          expect(typeof result.failureCause).toBe('string');
          expect(result.failureCause!.length).toBeGreaterThan(0);
        } else {
          expect(result.failureCause).toBeUndefined();
        }
        expect(Number.isFinite(result.makespan)).toBe(true);
      }),
      runs(120),
    );
  });

  /**
   * With restarts a subtask may finish several times (a finished consumer re-runs when its
   * producer does). What must hold at the end: each subtask's last attempt is its one final,
   * finished attempt, attempts of one subtask never overlap, and each final attempt started
   * after the final attempts of all its producers had finished.
   */
  it('a FINISHED run ends with every subtask finished once, last, after its producers', () => {
    let finished = 0;
    let restarted = 0;
    fc.assert(
      fc.property(
        anyRunArb,
        (d) => {
          const { result, timeline } = runDoc(d);
          if (result.status !== 'FINISHED') return;
          finished++;
          if (result.restarts > 0) restarted++;
          const vertices = d.job.vertices;
          const by = attemptsBySubtask(timeline);
          for (const v of result.vertices) {
            expect(v.end).not.toBeNull();
            let records = 0;
            for (let j = 0; j < (v.parallelism ?? 0); j++) {
              const list = by.get(`${v.id}[${j}]`) ?? [];
              records += list.length;
              expect(list.map((a) => a.attempt)).toEqual(list.map((_, k) => k));
              expect(list.at(-1)?.outcome, `${v.id}[${j}]'s last attempt`).toBe('finished');
              for (let k = 1; k < list.length; k++) expect(list[k].start).toBeGreaterThanOrEqual(list[k - 1].end);
            }
            expect(records).toBe(v.attempts);
            expect(by.has(`${v.id}[${v.parallelism}]`)).toBe(false);
          }
          checkBlockingEdges(vertices, result, timeline);
        },
      ),
      runs(120),
    );
    // The generator must reach the interesting case: runs that recovered and then finished.
    expect(finished).toBeGreaterThan(0);
    expect(restarted).toBeGreaterThan(0);
  });

  /**
   * Region failover after one injected subtask fault (no TaskManager loss, no random failures).
   * What may restart: the failed subtask S and everything downstream of it; a producer P of a
   * restarted subtask whose output could already have been deleted (P and every consumer of P
   * had finished by the failure time), and everything downstream of P; and so on.
   *
   *   P ──> X ──> Y       S fails; X restarts. X reads P: P re-runs only if X and every
   *         ^             other reader of P had finished, so P's file was gone.
   *   S ────┘
   *
   * Downstream subtasks that had started by the failure must restart, and nothing that did
   * not restart ever gets a second attempt.
   */
  it('region failover restarts only the failed subtask, its downstream and producers of deleted files', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        jobArb,
        clusterArb,
        subtaskFaultArb,
        fc.integer({ min: 0, max: 1000 }),
        (vertices, cluster, fault, seed) => {
          const { id, subtask } = subtaskRef(vertices, fault.vertex, fault.subtask);
          const config = {
            'restart-strategy.type': 'fixed-delay',
            'restart-strategy.fixed-delay.attempts': 5,
            'restart-strategy.fixed-delay.delay': '0 s',
            'jobmanager.execution.failover-strategy': 'region',
          };
          const faults = [{ type: 'subtask', vertex: id, subtask, attempt: 0, at: fault.atPercent / 100 }];
          const { result, timeline } = runDoc(doc(vertices, cluster, config, faults, seed));
          // Generated jobs may fill a small cluster's disks (one slot holding every file):
          // that is another failure, checked by the disk-full property, not this one.
          fc.pre(!result.failures.some((f) => f.cause === 'No space left on device'));
          expect(result.status).toBe('FINISHED');
          expect(result.failures.length).toBeLessThanOrEqual(1);
          const by = attemptsBySubtask(timeline);
          if (result.failures.length === 0) {
            for (const list of by.values()) expect(list).toHaveLength(1);
            return;
          }
          const f = result.failures[0];
          expect(f).toMatchObject({ subtask: `${id}[${subtask}]`, action: 'restart' });
          if (f.restartedCount > 50) return;
          checked++;
          const graph = new SubtaskGraph(vertices, result);
          const t = f.time;
          const finishedBy = (s: string): boolean => (by.get(s) ?? []).some((a) => a.outcome === 'finished' && a.end <= t);
          const fileMaybeGone = (pr: string): boolean => finishedBy(pr) && graph.consumers.get(pr)!.every(finishedBy);

          // The closure of what may restart.
          const allowed = graph.downstream([f.subtask!]);
          const todo = [...allowed];
          while (todo.length > 0) {
            const s = todo.pop()!;
            for (const pr of graph.producers.get(s)!) {
              if (allowed.has(pr) || !fileMaybeGone(pr)) continue;
              for (const x of graph.downstream([pr])) {
                if (!allowed.has(x)) {
                  allowed.add(x);
                  todo.push(x);
                }
              }
            }
          }
          const restarted = new Set(f.restarted);
          expect(restarted.size).toBe(f.restartedCount);
          for (const s of restarted) expect(allowed, `${s} restarted after ${f.subtask} failed at ${t}`).toContain(s);

          // Downstream subtasks that had started (an attempt began by the failure) must be in
          // the set; those still waiting for a first attempt have nothing to restart.
          const startedBy = (x: string): boolean => (by.get(x) ?? []).some((a) => a.start <= t);
          for (const s of graph.downstream([f.subtask!])) {
            if (startedBy(s)) expect(restarted, `${s} is downstream of ${f.subtask} and had started`).toContain(s);
          }
          // Only restarted subtasks run twice.
          for (const [s, list] of by) if (list.length > 1) expect(restarted, `${s} ran ${list.length} times`).toContain(s);
        },
      ),
      runs(150),
    );
    expect(checked).toBeGreaterThan(0);
  });

  /**
   * With a remote shuffle service no file lives on a TaskManager, so losing one only fails the
   * attempts running on it: the restart set is those attempts and their downstream, never an
   * upstream producer.
   */
  it('remote shuffle: a lost TaskManager restarts only what ran on it and its downstream', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        jobArb,
        clusterArb,
        faultPlanArb,
        fc.array(tmLossArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (vertices, cluster, plan, losses, seed) => {
          const config = {
            'restart-strategy.type': 'fixed-delay',
            'restart-strategy.fixed-delay.attempts': 30,
            'restart-strategy.fixed-delay.delay': '1 s',
            'jobmanager.execution.failover-strategy': 'region',
          };
          const faults = faultsOf(vertices, { ...plan, tm: [...plan.tm, ...losses] });
          const { result, timeline } = runDoc(doc(vertices, { ...cluster, shuffle: 'remote' }, config, faults, seed));
          const graph = new SubtaskGraph(vertices, result);
          for (const f of restartFailures(result)) {
            if (f.cause !== TM_LOST || f.restartedCount > 50) continue;
            checked++;
            const running = timeline.attempts
              .filter((a) => a.tm === f.taskManager && a.outcome === 'failed' && a.cause === TM_LOST && a.end === f.time)
              .map((a) => `${a.vertex}[${a.subtask}]`);
            expect(running.length).toBeGreaterThan(0);
            const allowed = graph.downstream(running);
            for (const s of f.restarted) expect(allowed, `${s} restarted when TaskManager ${f.taskManager} was lost at ${f.time}`).toContain(s);
            for (const s of running) expect(f.restarted).toContain(s);
          }
        },
      ),
      runs(120),
    );
    expect(checked).toBeGreaterThan(0);
  });

  /**
   * Small disks and large outputs: local shuffle files of up to a few GiB on 256 MiB to 2 GiB
   * disks, shared by up to 4 slots, so writes fail with "No space left on device".
   */
  const diskFullArb = fc
    .record({
      vertices: jobArb.map((vs) => vs.map((v) => (v.source === undefined ? v : { ...v, source: { bytes: v.source.bytes * 16 } }))),
      cluster: clusterArb,
      disk: fc.constantFrom('256MiB', '512MiB', '1GiB', '2GiB'),
      seed: fc.integer({ min: 0, max: 1000 }),
    })
    .map(({ vertices, cluster, disk, seed }) => {
      const c = { ...cluster, shuffle: 'local', taskmanager: { ...cluster.taskmanager, disk } };
      const config = { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 10, 'restart-strategy.fixed-delay.delay': '1 s' };
      return doc(vertices, c, config, [], seed);
    });

  it('disk full never leaves a disk above its capacity (timeline samples and reported peak)', () => {
    let diskFull = 0;
    fc.assert(
      fc.property(diskFullArb, (d) => {
        const { result, timeline, spec } = runDoc(d);
        const cap = spec.cluster.diskBytes;
        if (result.failures.some((f) => f.cause === NO_SPACE)) diskFull++;
        for (const s of timeline.disk) expect(s.bytes, `TaskManager ${s.tm} at ${s.time} s`).toBeLessThanOrEqual(cap);
        for (const s of timeline.samples) expect(s.diskUsedMax, `at ${s.time} s`).toBeLessThanOrEqual(cap);
        // The peak is not rounded; one byte absorbs floating-point noise, not a real overshoot.
        expect(result.disk.peakBytesOneTaskManager, 'reported peak').toBeLessThanOrEqual(cap + 1);
      }),
      runs(120),
    );
    expect(diskFull).toBeGreaterThan(0);
  });

  it('fixed-delay with N attempts never restarts more than N times', () => {
    let exhausted = 0;
    fc.assert(
      fc.property(
        jobArb,
        clusterArb,
        faultPlanArb,
        fc.integer({ min: 0, max: 6 }),
        failoverArb,
        fc.integer({ min: 0, max: 1000 }),
        (vertices, cluster, plan, attempts, failover, seed) => {
          const config = {
            'restart-strategy.type': 'fixed-delay',
            'restart-strategy.fixed-delay.attempts': attempts,
            'restart-strategy.fixed-delay.delay': '0 s',
            'jobmanager.execution.failover-strategy': failover,
          };
          const { result } = runDoc(doc(vertices, cluster, config, faultsOf(vertices, plan), seed));
          expect(result.restarts).toBeLessThanOrEqual(attempts);
          // Every fixed-delay failover is a restart of its own.
          expect(result.restarts).toBe(restartFailures(result).length);
          if (/restart strategy exhausted/.test(result.failureCause ?? '')) {
            exhausted++;
            expect(result.restarts).toBe(attempts);
            expect(result.failures.at(-1)?.action).toBe('job-failed');
          }
        },
      ),
      runs(120),
    );
    expect(exhausted).toBeGreaterThan(0);
  });

  it('the same scenario and seed give the same result and timeline, byte for byte', () => {
    fc.assert(
      fc.property(anyRunArb, fc.double({ min: 0, max: 0.5, noNaN: true }), (d, sigma) => {
        const withJitter = { ...d, job: { vertices: d.job.vertices.map((v) => ({ ...v, jitter: { sigma } })) } };
        const spec = scenario(withJitter);
        const a = simulate(spec, { recordTimeline: true });
        const b = simulate(scenario(withJitter), { recordTimeline: true });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      runs(60),
    );
  });
});

/**
 * The smallest cases the disk property shrank to, kept as plain examples. A alone writes
 * 2000 MiB over 333.333 s onto a 1 GiB disk: the disk reaches 1 GiB at 170.6665 s, and the
 * write must fail there, not later.
 */
describe('disk full, minimal counterexamples', () => {
  const writer = { id: 'A', parallelism: 1, source: { bytes: '1000MiB' }, rate: '3MiB/s', selectivity: 2 };
  const reader = { id: 'B', parallelism: 1, inputs: [{ from: 'A' }] };

  it('one write filling a 1 GiB disk: the reported peak stays within 1 GiB', () => {
    const { result } = runDoc({
      cluster: { taskmanager: { slots: 1, startup: 0, disk: '1GiB' } },
      config: { 'restart-strategy.type': 'none' },
      job: { vertices: [writer, reader] },
    });
    expect(result.failureCause).toMatch(NO_SPACE);
    expect(result.disk.peakBytesOneTaskManager).toBeLessThanOrEqual(2 ** 30 + 1);
  });

  /**
   *   A ──> B          A writes 2000 MiB; C starts at 170 s and writes 1 byte on the same
   *   S ──> C ──> D    TaskManager. C, started last, is the write that fails, and A next.
   */
  it('two writes on one disk: no timeline sample above 1 GiB', () => {
    const { timeline } = runDoc({
      cluster: { taskmanager: { slots: 2, startup: 0, disk: '1GiB' } },
      config: { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 3 },
      job: {
        vertices: [
          writer,
          reader,
          { id: 'S', parallelism: 1, source: { bytes: 1 }, fixed: '170s' },
          { id: 'C', parallelism: 1, inputs: [{ from: 'S' }], fixed: '10s' },
          { id: 'D', parallelism: 1, inputs: [{ from: 'C' }] },
        ],
      },
    });
    expect(timeline.attempts.some((a) => a.cause === NO_SPACE)).toBe(true);
    for (const s of timeline.disk) expect(s.bytes, `TaskManager ${s.tm} at ${s.time} s`).toBeLessThanOrEqual(2 ** 30);
  });
});
