//! Metrics and per-vertex CSV: headers, RFC 4180 quoting, one row per sample, and sums that match the run.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { csvField, csvNumber, METRICS_COLUMNS, metricsCsv, VERTICES_COLUMNS, verticesCsv } from '../../src/report/metrics-csv.js';
import { CSV_VERTEX, hostileRun, smallRun, XSS_VERTEX } from '../support/report-fixtures.js';

/** A strict RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\n') throw new Error(`text after closing quote at ${i}`);
      } else {
        field += c;
        i++;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside unquoted field at ${i}`);
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length) throw new Error('last line has no line end');
  return rows;
}

const pandasSafe = /^[a-z][a-z0-9_]*$/;

describe('metricsCsv', () => {
  const { result, timeline } = smallRun();
  const csv = metricsCsv(timeline);
  const rows = parseCsv(csv);
  const header = rows[0];
  const body = rows.slice(1).map((r) => Object.fromEntries(r.map((v, i) => [header[i], Number(v)])));

  it('has the documented header, in snake_case pandas keeps as is', () => {
    expect(csv.split('\n')[0]).toBe(
      'time,live_tms,starting_tms,idle_tms,busy_slots,free_slots,pending_requests,running_subtasks,finished_subtasks,disk_used_total_bytes,disk_used_max_tm_bytes,cpu_cores_in_use,disk_bytes_per_s,network_bytes_per_s',
    );
    expect(header).toEqual([...METRICS_COLUMNS]);
    for (const h of header) expect(h).toMatch(pandasSafe);
  });

  it('has one row per sample, every row full width and numeric', () => {
    expect(rows).toHaveLength(timeline.samples.length + 1);
    for (const r of rows.slice(1)) {
      expect(r).toHaveLength(header.length);
      for (const v of r) expect(Number.isFinite(Number(v)) && v !== '').toBe(true);
    }
    expect(body[3]).toEqual({
      time: 5,
      live_tms: 2,
      starting_tms: 0,
      idle_tms: 0,
      busy_slots: 2,
      free_slots: 2,
      pending_requests: 0,
      running_subtasks: 2,
      finished_subtasks: 1,
      disk_used_total_bytes: 400,
      disk_used_max_tm_bytes: 300,
      cpu_cores_in_use: 0,
      disk_bytes_per_s: 0,
      network_bytes_per_s: 0,
    });
  });

  it('integrates busy slots over time to the attempts’ total duration (18 slot-seconds by hand)', () => {
    let integral = 0;
    for (let i = 0; i + 1 < body.length; i++) integral += body[i].busy_slots * (body[i + 1].time - body[i].time);
    // After the last row nothing is busy, so nothing more to add.
    expect(body.at(-1)!.busy_slots).toBe(0);
    expect(integral).toBe(18);
    const attemptSeconds = timeline.attempts.reduce((s, a) => s + (a.end - a.start), 0);
    expect(attemptSeconds).toBe(18);
    expect(integral).toBe(result.slotSeconds);
  });

  it('peaks at the summary’s peak of live TaskManagers', () => {
    expect(Math.max(...body.map((r) => r.live_tms))).toBe(result.taskManagers.peak);
    expect(Math.max(...body.map((r) => r.disk_used_max_tm_bytes))).toBe(result.disk.peakBytesOneTaskManager);
    expect(Math.max(...body.map((r) => r.disk_used_total_bytes))).toBe(result.disk.peakBytesTotal);
  });

  it('is just the header for an empty timeline', () => {
    expect(metricsCsv({ attempts: [], taskManagers: [], samples: [], disk: [], resources: [], events: [] })).toBe(`${METRICS_COLUMNS.join(',')}\n`);
  });
});

describe('verticesCsv', () => {
  it('has the documented header and a row per vertex', () => {
    const { result } = smallRun();
    const csv = verticesCsv(result);
    expect(csv.split('\n')[0]).toBe(
      'vertex,parallelism,attempts,start,end,busy_slot_seconds,input_bytes,output_bytes,subtask_input_min,subtask_input_median,subtask_input_max,cpu_bound_seconds,disk_bound_seconds,network_bound_seconds,bound_by',
    );
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...VERTICES_COLUMNS]);
    for (const h of rows[0]) expect(h).toMatch(pandasSafe);
    expect(rows.slice(1)).toEqual([
      ['source', '3', '4', '2', '11', '14', '600', '900', '100', '200', '300', '0', '0', '0', ''],
      ['sink', '1', '1', '11', '15', '4', '900', '0', '900', '900', '900', '0', '0', '0', ''],
    ]);
    // Busy slot-seconds per vertex add up to the run's.
    expect(rows.slice(1).reduce((s, r) => s + Number(r[5]), 0)).toBe(result.slotSeconds);
  });

  it('quotes ids as RFC 4180 asks and leaves null times empty', () => {
    const { result } = hostileRun();
    const csv = verticesCsv(result);
    const lines = csv.split('\n');
    // Markup is not special in CSV; a comma and quotes are.
    expect(lines[1].startsWith(`${XSS_VERTEX},2,2,1,,`)).toBe(true);
    expect(lines[2]).toBe('"join ""left"", right",1,0,,,0,0,0,0,0,0,0,0,0,');
    const rows = parseCsv(csv);
    expect(rows.map((r) => r[0])).toEqual(['vertex', XSS_VERTEX, CSV_VERTEX]);
    for (const r of rows) expect(r).toHaveLength(VERTICES_COLUMNS.length);
  });

  it('quotes every field that needs it, and only those', () => {
    expect(csvField('plain id')).toBe('plain id');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(parseCsv(`${csvField('x,"y"\nz')}\n`)).toEqual([['x,"y"\nz']]);
    expect(csvNumber(null)).toBe('');
    expect(csvNumber(Number.NaN)).toBe('');
    expect(csvNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(Number(csvNumber(1 / 3))).toBe(1 / 3);
  });
});

// Python's csv module is what pandas' reader agrees with on quoting; use it as an outside check when present.
const python = spawnSync('python3', ['-c', 'import csv'], { encoding: 'utf8' });
describe.skipIf(python.status !== 0)('read by Python’s csv module', () => {
  it('gives back the same ids and the documented columns', () => {
    const { result } = hostileRun();
    const script = 'import csv,sys,json\nr=list(csv.DictReader(sys.stdin))\nprint(json.dumps([list(r[0].keys()), [x["vertex"] for x in r], [x["start"] for x in r]]))';
    const out = spawnSync('python3', ['-c', script], { input: verticesCsv(result), encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([[...VERTICES_COLUMNS], [XSS_VERTEX, CSV_VERTEX], ['1', '']]);
  });
});
