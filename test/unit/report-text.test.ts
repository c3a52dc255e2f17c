//! What the run report and the summary say: durations rounded once, plurals, every TaskManager named in the Gantt chart, a lost one marked.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { formatSummary } from '../../src/report/summary.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';
import { formatDuration, formatSeconds } from '../../src/util/format.js';
import { run } from '../support/run.js';

describe('durations', () => {
  it.each([
    [73.2, '1 min 13.2 s', '1 min 13.2 s'],
    [64.3, '1 min 4.3 s', '1 min 4.3 s'],
    [119.97, '2 min 0 s', '2 min 0 s'],
    [3599.96, '1 h 0 min 0 s', '1 h 0 min 0 s'],
    [3669.7, '1 h 1 min 9.7 s', '1 h 1 min 9.7 s'],
    [120, '2 min 0 s', '2 min 0 s'],
  ])('%s s reads %s in the report and %s in the summary', (s, html, text) => {
    expect(formatDuration(s)).toBe(html);
    expect(formatSeconds(s)).toBe(text);
  });

  it('below a minute, as before', () => {
    expect(formatDuration(12.34)).toBe('12.3 s');
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatSeconds(12.345)).toBe('12.345 s');
  });
});

describe('the summary', () => {
  it('says 1 core and 1 slot, and 2 cores', () => {
    const one = run(`cluster:\n  taskmanager: { slots: 1, cpuPerSlot: 1 }\njob:\n  vertices:\n    - { id: A, parallelism: 1, source: { bytes: 1MiB }, rate: 1MiB/s }\n`).result;
    expect(formatSummary(one)).toMatch(/\(1 slot, 1 core, /);
    const two = run(`cluster:\n  taskmanager: { slots: 2, cpuPerSlot: 1 }\njob:\n  vertices:\n    - { id: A, parallelism: 1, source: { bytes: 1MiB }, rate: 1MiB/s }\n`).result;
    expect(formatSummary(two)).toMatch(/\(2 slots, 2 cores, /);
  });

  it('holds no warnings: the command line prints them on stderr', () => {
    const r = run(`config:\n  made.up: 1\njob:\n  vertices:\n    - { id: A, parallelism: 1, source: { bytes: 1MiB }, rate: 1MiB/s }\n`).result;
    expect(r.warnings).toHaveLength(1);
    expect(formatSummary(r)).not.toContain('warning');
  });
});

describe('the Gantt chart of the run report', () => {
  it('names every one of 48 one-slot TaskManagers (it named every other one)', () => {
    const { result, timeline } = run(`job:\n  vertices:\n    - { id: A, parallelism: 48, source: { bytes: 48MiB }, rate: 1MiB/s }\n`);
    expect(result.taskManagers.created).toBe(48);
    const html = renderHtmlReport(result, timeline);
    const labels = [...html.matchAll(/<text class="tm-label[^"]*"[^>]*>TM (\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(labels).toEqual(Array.from({ length: 48 }, (_, i) => i));
  });

  it('marks a lost TaskManager with a bold line and the word, and a legend entry', () => {
    const file = resolve(import.meta.dirname, '../../sim-scenarios/lost-taskmanager-local.yaml');
    const { result, timeline } = simulate(loadJobScenario(readFileSync(file, 'utf8'), file).spec, { recordTimeline: true });
    const html = renderHtmlReport(result, timeline!);
    expect(html.match(/<line class="tm-lost"/g)).toHaveLength(1);
    expect(html).toMatch(/<text class="tm-lost-label"[^>]*>✕ lost<title>TaskManager 1 lost at 1 min 10 s<\/title><\/text>/);
    expect(html).toMatch(/\.tm-lost\{stroke:var\(--bad\);stroke-width:3\.5\}/);
    expect(html).toContain('<span class="swatch lost"></span>TaskManager lost</li>');
    // A run without a loss has no such legend entry.
    const plain = run(`job:\n  vertices:\n    - { id: A, parallelism: 1, source: { bytes: 1MiB }, rate: 1MiB/s }\n`);
    expect(renderHtmlReport(plain.result, plain.timeline)).not.toContain('TaskManager lost</li>');
  });
});
