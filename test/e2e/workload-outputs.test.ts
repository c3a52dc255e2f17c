//! The multi-job examples through every output: the JSON against its schema, summary, trace, CSV and report.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { WORKLOAD_RUN_SCHEMA } from '../../src/report/workload-output-schema.js';
import { formatWorkloadSummary } from '../../src/report/workload-summary.js';
import { renderWorkloadHtmlReport } from '../../src/report/workload-html-report.js';
import { workloadJobsCsv, workloadMetricsCsv } from '../../src/report/workload-metrics-csv.js';
import { toWorkloadChromeTrace } from '../../src/report/workload-trace.js';
import { loadScenario } from '../../src/scenario/load.js';
import { simulateWorkload } from '../../src/sim/simulate.js';

const root = resolve(import.meta.dirname, '../..');
const valid = new Ajv2020({ allErrors: true, strict: true }).compile(WORKLOAD_RUN_SCHEMA);

// The Alibaba sample is left out: recording its timeline takes some 20 s.
describe.each(['nightly-workflow.yaml', 'nightly-workflow-no-max-slots.yaml'])('%s', (name) => {
  const scenario = loadScenario(readFileSync(join(root, 'sim-scenarios', name), 'utf8'), name);
  if (scenario.kind !== 'workload') throw new Error(`${name} is not a multi-job scenario`);
  const { result, timeline } = simulateWorkload(scenario.workload, { recordTimeline: true });
  if (timeline === undefined) throw new Error('no timeline');

  it('gives a result the schema accepts', () => {
    expect(valid(JSON.parse(JSON.stringify(result))), JSON.stringify(valid.errors)).toBe(true);
  });

  it('names every job in the summary, and every queue', () => {
    const text = formatWorkloadSummary(result);
    for (const j of result.jobs) expect(text).toMatch(new RegExp(`^${j.name}\\s+${j.queue}\\s`, 'm'));
    expect(text).toMatch(/^etl\s+64\s/m);
    expect(text).toMatch(/^adhoc\s+16\s/m);
  });

  it('traces a process per job and one for the queues', () => {
    const processes = toWorkloadChromeTrace(result, timeline).traceEvents.filter((e) => e.name === 'process_name');
    expect(processes.length).toBe(result.jobs.length + 1);
  });

  it('writes the queue columns and a row per job', () => {
    expect(workloadMetricsCsv(timeline).split('\n')[0]).toBe('time,etl_cu_in_use,etl_waiting_requests,adhoc_cu_in_use,adhoc_waiting_requests');
    expect(workloadJobsCsv(result).trimEnd().split('\n').length).toBe(result.jobs.length + 1);
  });

  it('draws a bar per job in the report', () => {
    const html = renderWorkloadHtmlReport(result, timeline);
    expect((html.match(/<g class="job /g) ?? []).length).toBe(result.jobs.length);
  });
});
