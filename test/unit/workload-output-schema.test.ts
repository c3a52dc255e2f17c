//! Real results of multi-job runs against the closed schema of `run --json` for `jobs:` scenarios.

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { WORKLOAD_RUN_SCHEMA } from '../../src/report/workload-output-schema.js';
import { runWorkload, twoJobsOneQueue, workloadJob } from '../support/workload-fixtures.js';

const ajv = new Ajv2020({ allErrors: true, strict: true });
const valid = ajv.compile(WORKLOAD_RUN_SCHEMA);
const errors = () => JSON.stringify(valid.errors ?? null);
const asJson = (x: unknown) => JSON.parse(JSON.stringify(x));

describe('WORKLOAD_RUN_SCHEMA', () => {
  it('accepts a real run, and rejects a field it does not describe or a missing one', () => {
    const doc = asJson(twoJobsOneQueue().result);
    expect(valid(doc), errors()).toBe(true);
    expect(valid({ ...doc, extra: 1 })).toBe(false);
    expect(valid({ ...doc, jobs: [{ ...doc.jobs[0], queueWait: 3 }] })).toBe(false);
    const { waited: _waited, ...noWaited } = doc.jobs[0];
    expect(valid({ ...doc, jobs: [noWaited] })).toBe(false);
    expect(valid({ ...doc, queues: [{ ...doc.queues[0], meanCu: -1 }] })).toBe(false);
  });

  it('accepts failed and skipped jobs, an unlimited queue, remote shuffle and STREAMING jobs', () => {
    const failing = {
      config: { 'restart-strategy.type': 'none' },
      faults: [{ type: 'subtask', vertex: 'work', subtask: 0, attempt: 0, at: 0.5 }],
    };
    const streaming = workloadJob('stream', 2, 10, { config: { 'execution.runtime-mode': 'STREAMING' }, queue: 'q2' });
    const remote = workloadJob('remote', 2, 10, { queue: 'q2' });
    remote.spec = { ...remote.spec, cluster: { ...remote.spec.cluster, shuffle: 'remote' } };
    const { result } = runWorkload(
      [workloadJob('ingest', 1, 10, failing), workloadJob('t1', 1, 10, { after: ['ingest'] }), streaming, remote],
      [
        { name: 'q', capacityCu: Infinity },
        { name: 'q2', capacityCu: 4 },
      ],
    );
    expect(result.jobs.map((j) => j.status)).toEqual(['FAILED', 'SKIPPED', 'FINISHED', 'FINISHED']);
    expect(result.jobs[1].started).toBeNull();
    expect(result.jobs[3].shuffleService).toBeDefined();
    expect(result.queues[0].capacity).toBeNull();
    expect(valid(asJson(result)), errors()).toBe(true);
  });
});
