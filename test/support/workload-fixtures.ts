//! Test helpers for multi-job runs: jobs built from single-job YAML, run with their timeline.

import type { WorkloadJobSpec } from '../../src/model/workload-spec.js';
import { WorkloadRun, type WorkloadRunInput, type WorkloadOutput } from '../../src/dispatcher/workload-run.js';
import { scenario, withUnlimitedIo } from './run.js';

/**
 * A job of `p` subtasks of `seconds` each, on 1-slot TaskManagers of 1 core and 4 GiB (1 CU
 * each; the JobManager is 1 CU too), 10 s start-up, 30 s idle timeout.
 */
export function workloadJob(
  name: string,
  p: number,
  seconds: number,
  extra: Partial<WorkloadJobSpec> & { config?: object; faults?: object[]; slots?: number } = {},
): WorkloadJobSpec {
  const { config, faults, slots, ...rest } = extra;
  const spec = scenario(
    withUnlimitedIo({
      name,
      cluster: { taskmanager: { slots: slots ?? 1, startup: '10s', idleTimeout: '30s' } },
      ...(config !== undefined && { config }),
      ...(faults !== undefined && { faults }),
      job: { vertices: [{ id: 'work', parallelism: p, source: { bytes: 0 }, fixed: `${seconds}s` }] },
    }),
  );
  return { name, spec, submitMs: 0, after: [], queue: 'q', priority: 0, ...rest };
}

/** Runs the jobs in the queues, recording the timeline. */
export function runWorkload(
  jobs: WorkloadJobSpec[],
  queues: { name: string; capacityCu: number }[] = [{ name: 'q', capacityCu: Infinity }],
  name = 'test',
): Required<WorkloadOutput> {
  const input: WorkloadRunInput = { name, seed: 0, queues, jobs, guards: jobs[0].spec.guards, warnings: [] };
  const out = new WorkloadRun(input, { record: true }).run();
  if (out.timeline === undefined) throw new Error('no timeline');
  return out as Required<WorkloadOutput>;
}

/**
 * The small workload the report tests compute by hand: queue `q` of 3 CU. A (3 x 10 s)
 * holds its JobManager and 2 TaskManagers 0-30 s (its third request waits 20 s); B (2 x 10 s)
 * is admitted when A ends, at 30 s, and ends at 50 s.
 */
export function twoJobsOneQueue(): Required<WorkloadOutput> {
  return runWorkload([workloadJob('A', 3, 10), workloadJob('B', 2, 10)], [{ name: 'q', capacityCu: 3 }], 'two-jobs');
}

/** A job of a realistic workload: read, transform (all-to-all), write, on 2-slot TaskManagers (2 cores, 8 GiB: 2 CU). */
function pipelineJob(name: string, sourceGiB: number, p: number, extra: Partial<WorkloadJobSpec> & { config?: object; faults?: object[] } = {}): WorkloadJobSpec {
  const { config, faults, ...rest } = extra;
  const spec = scenario({
    name,
    cluster: { taskmanager: { slots: 2, cpuPerSlot: 1, memoryPerSlot: '4GiB', startup: '10s', idleTimeout: '30s' } },
    config: { 'parallelism.default': p, ...(config ?? {}) },
    ...(faults !== undefined && { faults }),
    job: {
      vertices: [
        { id: 'read', source: { bytes: `${sourceGiB}GiB` }, parallelism: p, rate: '60MiB/s' },
        { id: 'transform', inputs: [{ from: 'read', pattern: 'all-to-all' }], rate: '40MiB/s', selectivity: 0.4 },
        { id: 'write', inputs: [{ from: 'transform', pattern: 'pointwise' }], rate: '100MiB/s', selectivity: 0 },
      ],
    },
  });
  return { name, spec, submitMs: 0, after: [], queue: 'etl', priority: 0, ...rest };
}

/**
 * About ten jobs in two queues, as a platform team would run them: a nightly workflow in
 * `etl` (ingest, three transforms, a report) beside a backfill, one transform failing so the
 * report is skipped; ad-hoc queries every minute in a small `adhoc` queue.
 */
export function nightlyWorkload(): Required<WorkloadOutput> {
  const failing = { config: { 'restart-strategy.type': 'none' }, faults: [{ type: 'subtask', vertex: 'transform', subtask: 1, attempt: 0, at: 0.6 }] };
  const jobs = [
    pipelineJob('ingest', 24, 8),
    pipelineJob('transform-orders', 12, 6, { after: ['ingest'] }),
    pipelineJob('transform-users', 6, 4, { after: ['ingest'] }),
    pipelineJob('transform-clicks', 16, 8, { after: ['ingest'], ...failing }),
    pipelineJob('daily-report', 2, 2, { after: ['transform-orders', 'transform-users', 'transform-clicks'] }),
    pipelineJob('backfill-2025', 40, 12, { submitMs: 30_000, config: { 'slotmanager.number-of-slots.max': 8 } }),
    ...[0, 1, 2, 3, 4].map((i) =>
      pipelineJob(`adhoc-query-${i + 1}`, 3 + ((i * 5) % 7), 4, { queue: 'adhoc', submitMs: 20_000 + i * 45_000, priority: i === 3 ? 1 : 0 }),
    ),
  ];
  return runWorkload(
    jobs,
    [
      { name: 'etl', capacityCu: 24 },
      { name: 'adhoc', capacityCu: 8 },
    ],
    'nightly-etl-and-adhoc',
  );
}
