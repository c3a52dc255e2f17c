import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsCsv, verticesCsv } from '../../src/report/metrics-csv.js';
import { toChromeTrace } from '../../src/report/trace.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';

/** Real runs, not fixtures: failure-free jobs, a lost TaskManager, and streaming mode with a failure. */
const cases = ['default.yaml', 'lost-taskmanager-local.yaml', 'faq-parallelism-16.yaml', 'streaming:default.yaml', 'streaming:random-failures.yaml'];

function runExample(name: string) {
  const streaming = name.startsWith('streaming:');
  const base = name.replace(/^streaming:/, '');
  const file = resolve(import.meta.dirname, '../../sim-scenarios', base);
  const spec = loadJobScenario(readFileSync(file, 'utf8'), base).spec;
  const out = simulate(streaming ? { ...spec, mode: 'STREAMING' } : spec, { recordTimeline: true });
  if (out.timeline === undefined) throw new Error('no timeline');
  return { result: out.result, timeline: out.timeline };
}

describe.each(cases)('outputs of a simulated run: %s', (name) => {
  const { result, timeline } = runExample(name);

  it('metrics CSV: the integral of busy slots over time is the summary slot-seconds; its peak of live TaskManagers is taskManagers.peak', () => {
    const [header, ...rows] = metricsCsv(timeline).trim().split('\n');
    const cols = header.split(',');
    const t = cols.indexOf('time');
    const busy = cols.indexOf('busy_slots');
    const live = cols.indexOf('live_tms');
    const values = rows.map((r) => r.split(',').map(Number));
    let integral = 0;
    for (let i = 1; i < values.length; i++) integral += values[i - 1][busy] * (values[i][t] - values[i - 1][t]);
    expect(integral).toBeCloseTo(result.slotSeconds, 3);
    expect(Math.max(...values.map((v) => v[live]))).toBe(result.taskManagers.peak);
  });

  it('trace: every attempt is one complete event, and the TaskManager processes are the ones created', () => {
    const trace = toChromeTrace(result, timeline) as unknown as { traceEvents: { ph: string; name: string; pid: number; ts: number; dur?: number }[] };
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(complete).toHaveLength(timeline.attempts.length);
    expect(new Set(complete.map((e) => e.name)).size).toBe(complete.length);
    const attempts = result.vertices.reduce((n, v) => n + v.attempts, 0);
    expect(complete).toHaveLength(attempts);
    const tmPids = new Set(complete.map((e) => e.pid));
    expect(tmPids.size).toBeLessThanOrEqual(result.taskManagers.created);
    for (const e of complete) expect(Number.isInteger(e.ts) && Number.isInteger(e.dur)).toBe(true);
  });

  it('vertices CSV has a row per vertex with its parallelism and attempts', () => {
    const [header, ...rows] = verticesCsv(result).trim().split('\n');
    expect(header.split(',').slice(0, 3)).toEqual(['vertex', 'parallelism', 'attempts']);
    expect(rows).toHaveLength(result.vertices.length);
    rows.forEach((r, i) => expect(r.split(',').slice(1, 3).map(Number)).toEqual([result.vertices[i].parallelism, result.vertices[i].attempts]));
  });
});
