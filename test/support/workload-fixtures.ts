//! Test helpers for multi-job runs: jobs built from single-job YAML, run with their timeline.

import type { WorkloadJobSpec } from '../../src/model/workload-spec.js';
import { WorkloadRun, type WorkloadRunInput, type WorkloadOutput } from '../../src/runtime/workload-run.js';
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
