import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { errorSummary, registerImportCommand, type RunComparison } from '../../src/cli/commands/import.js';
import { fitPoints, type FitPoint } from '../../src/import/fit.js';
import { IMPORTED_TASKMANAGER, importPlan, importRuns, type ImportOptions, type ImportResult } from '../../src/import/index.js';
import { ioSeconds } from '../../src/import/io-time.js';
import type { ImportedVertex } from '../../src/import/to-scenario.js';
import type { RunResult, Timeline } from '../../src/model/run-result.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { parseDuration, parseRate, parseSize } from '../../src/scenario/units.js';
import { simulate } from '../../src/sim/simulate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixturesDir = path.join(repoRoot, 'test/fixtures/import');
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const ORDERS = ['orders-run-2gib.json', 'orders-run-8gib.json', 'orders-run-32gib.json'];

function fixture(name: string): string {
  return path.join(fixturesDir, name);
}

function importFixtures(names: readonly string[], opts: ImportOptions = {}): ImportResult {
  return importRuns(
    names.map((n) => ({ file: n, text: readFileSync(fixture(n), 'utf8') })),
    opts,
  );
}

function vertex(result: ImportResult, id: string): ImportedVertex {
  const v = result.scenario.job.vertices.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no vertex ${id}`);
  return v;
}

const num = (r: number | string): number => {
  if (typeof r === 'string') throw new Error(r);
  return r;
};
const seconds = (v: unknown) => num(parseDuration(v)) / 1000;
const bytesPerSecond = (v: unknown) => num(parseRate(v));

function simulateYaml(yaml: string): RunResult {
  return simulate(loadJobScenario(yaml, 'check.yaml'), { seed: 0 }).result;
}

/** Measured beside simulated, as `--check` compares them. */
function comparison(file: string, measured: NonNullable<ImportResult['measured']>, run: RunResult): RunComparison {
  return {
    file,
    rows: [
      { name: 'job', measured: measured.durationSeconds, simulated: run.makespan },
      ...run.vertices.map((v) => ({
        name: v.id,
        measured: measured.vertices.find((m) => m.id === v.id)?.durationSeconds,
        simulated: v.end! - v.start!,
      })),
    ],
  };
}

// ------------------------------------------------------------------------------------------------

describe('the model I/O time of a subtask', () => {
  it('is the slower of reading over the network and writing to disk, at the slot\'s share of the TaskManager', () => {
    // One slot, one core, 20 GiB disk: network 1 Gbit/s = 125 MB/s, disk 120 + 0.5 x 20 = 130 MB/s.
    expect(ioSeconds(125e6, 0, IMPORTED_TASKMANAGER)).toBeCloseTo(1, 12);
    expect(ioSeconds(125e6, 260e6, IMPORTED_TASKMANAGER)).toBeCloseTo(2, 12);
    // 4 slots of 1 core, 80 GiB disk: network 500 MB/s and disk 160 MB/s, a quarter each per slot.
    const tm = { slotsPerTaskManager: 4, cpuPerSlot: 1, diskBytes: 80 * GiB };
    expect(ioSeconds(125e6, 0, tm)).toBeCloseTo(1, 12);
    expect(ioSeconds(0, 40e6, tm)).toBeCloseTo(1, 12);
    expect(ioSeconds(0, 40e6, { ...tm, diskBandwidth: 400e6 })).toBeCloseTo(0.4, 12);
  });
});

describe('fitting fixed time and rate', () => {
  const line = (fixed: number, rate: number, bytes: number[]): FitPoint[] => bytes.map((b) => ({ bytes: b, seconds: fixed + b / rate, ioSeconds: 0 }));

  it('recovers an exact line by least squares', () => {
    const f = fitPoints(line(2, 100 * MiB, [1 * GiB, 2 * GiB, 4 * GiB]));
    expect(f.method).toBe('regression');
    expect(f.fixedSeconds).toBeCloseTo(2, 9);
    expect(1 / f.secondsPerByte / MiB).toBeCloseTo(100, 6);
    expect(f.rmsSeconds).toBeCloseTo(0, 9);
    expect(f.sigma).toBeCloseTo(0, 9);
  });

  it('counts the points where the model\'s I/O, not the fitted rate, would set the time', () => {
    const io = (b: number) => ioSeconds(b, b / 2, IMPORTED_TASKMANAGER);
    // 200 MiB/s is faster than reading at 125 MB/s: every point is I/O bound in the model.
    const fast = fitPoints(line(2, 200 * MiB, [1 * GiB, 3 * GiB, 9 * GiB]).map((p) => ({ ...p, ioSeconds: io(p.bytes) })));
    expect(fast.fixedSeconds).toBeCloseTo(2, 9);
    expect(1 / fast.secondsPerByte / MiB).toBeCloseTo(200, 6);
    expect(fast.ioBound).toBe(3);
    // 50 MiB/s is slower than either: the CPU sets the time, as fitted.
    const slow = fitPoints(line(2, 50 * MiB, [1 * GiB, 3 * GiB, 9 * GiB]).map((p) => ({ ...p, ioSeconds: io(p.bytes) })));
    expect(slow.ioBound).toBe(0);
  });

  it('a negative intercept becomes fixed 0 through the origin; a falling line an unlimited rate', () => {
    // (1, 1), (2, 3): least squares gives -1 + 2b; through the origin (1 + 6) / (1 + 4) with weights 1, 1/9.
    const through = fitPoints([
      { bytes: 1, seconds: 1, ioSeconds: 0 },
      { bytes: 2, seconds: 3, ioSeconds: 0 },
    ]);
    expect(through.method).toBe('through-origin');
    expect(through.fixedSeconds).toBe(0);
    // weights 1/d^2: 1 and 1/9; sum w b y = 1 + 6/9, sum w b^2 = 1 + 4/9.
    expect(through.secondsPerByte).toBeCloseTo((1 + 6 / 9) / (1 + 4 / 9), 12);
    const flat = fitPoints([
      { bytes: 1, seconds: 4, ioSeconds: 0 },
      { bytes: 2, seconds: 2, ioSeconds: 0 },
    ]);
    expect(flat.method).toBe('flat');
    expect(flat.secondsPerByte).toBe(0);
    // weighted mean of 4 and 2 with weights 1/16 and 1/4: (4/16 + 2/4) / (1/16 + 1/4) = 2.4.
    expect(flat.fixedSeconds).toBeCloseTo(2.4, 12);
  });

  it('one size: busy, idle and backpressured time tell the fixed part; without them all goes on the rate', () => {
    const same = [10, 12, 11, 11].map((s) => ({ bytes: GiB, seconds: s, ioSeconds: 0 }));
    const busy = fitPoints(same.map((p, i) => ({ ...p, overheadSeconds: [1, 2, 1, 2][i] })));
    expect(busy.method).toBe('busy-time');
    expect(busy.fixedSeconds).toBeCloseTo(1.5, 12);
    expect(busy.secondsPerByte * GiB).toBeCloseTo(11 - 1.5, 12);
    const none = fitPoints(same);
    expect(none.method).toBe('one-size');
    expect(none.fixedSeconds).toBe(0);
    expect(none.secondsPerByte * GiB).toBeCloseTo(11, 12);
  });

  it('the spread of ln(measured / predicted) is the jitter sigma', () => {
    // No bytes: fixed = mean of e^0.1 and e^-0.1 for both; ln ratios differ by 0.2, sample sd 0.2 / sqrt 2.
    const f = fitPoints([
      { bytes: 0, seconds: Math.exp(0.1), ioSeconds: 0 },
      { bytes: 0, seconds: Math.exp(-0.1), ioSeconds: 0 },
    ]);
    expect(f.method).toBe('no-bytes');
    expect(f.fixedSeconds).toBeCloseTo(Math.cosh(0.1), 12);
    expect(f.sigma).toBeCloseTo(0.2 / Math.SQRT2, 12);
  });
});

// ------------------------------------------------------------------------------------------------

/** REST `/jobs/:jobid` of a simulated run, each vertex with the `subtasks` of `/jobs/:jobid/vertices/:vertexid`. */
function restJobDetails(run: RunResult, timeline: Timeline, specs: readonly { id: string; inputs: { from: string; pattern: string }[] }[]) {
  const t0 = 1_700_000_000_000;
  const ms = (s: number) => t0 + Math.round(s * 1000);
  const hex = (id: string) => Buffer.from(id).toString('hex').padEnd(32, '0').slice(0, 32);
  const strategy: Record<string, string> = { 'all-to-all': 'HASH[key]', pointwise: 'FORWARD', broadcast: 'BROADCAST' };
  const consumed = new Set(specs.flatMap((s) => s.inputs.map((e) => e.from)));
  return {
    jid: 'cd'.repeat(16),
    name: run.scenario,
    state: 'FINISHED',
    'start-time': t0,
    'end-time': ms(run.makespan),
    duration: ms(run.makespan) - t0,
    vertices: run.vertices.map((v) => {
      const spec = specs.find((s) => s.id === v.id)!;
      const isSource = spec.inputs.length === 0;
      const writes = (b: number) => (consumed.has(v.id) ? Math.round(b) : 0);
      const attempts = timeline.attempts.filter((a) => a.vertex === v.id && a.outcome === 'finished').sort((a, b) => a.subtask - b.subtask);
      return {
        id: hex(v.id),
        name: v.id,
        parallelism: v.parallelism,
        status: 'FINISHED',
        'start-time': ms(v.start!),
        'end-time': ms(v.end!),
        duration: ms(v.end!) - ms(v.start!),
        metrics: { 'read-bytes': isSource ? 0 : Math.round(v.inputBytes), 'write-bytes': writes(v.outputBytes) },
        subtasks: attempts.map((a) => ({
          subtask: a.subtask,
          status: 'FINISHED',
          attempt: a.attempt,
          'start-time': ms(a.start),
          'end-time': ms(a.end),
          duration: ms(a.end) - ms(a.start),
          metrics: {
            'read-bytes': isSource ? 0 : Math.round(a.inputBytes),
            'write-bytes': writes(a.outputBytes),
            'accumulated-busy-time': 'NaN',
          },
        })),
      };
    }),
    plan: {
      jid: 'cd'.repeat(16),
      name: run.scenario,
      type: 'BATCH',
      nodes: specs.map((s) => ({
        id: hex(s.id),
        parallelism: run.vertices.find((v) => v.id === s.id)!.parallelism,
        description: `${s.id}<br/>`,
        inputs: s.inputs.map((e, num) => ({ num, id: hex(e.from), ship_strategy: strategy[e.pattern], exchange: 'blocking' })),
      })),
    },
  };
}

describe('synthetic ground truth: a simulated job at three sizes, exported as REST details, imported', () => {
  const truth = { load: { fixed: 2, rate: 50 * MiB }, agg: { fixed: 1, rate: 40 * MiB }, sink: { fixed: 3, rate: 20 * MiB }, sigma: 0.05 };
  const scenario = (gib: number) => `
name: synthetic
cluster:
  taskmanager: { slots: 1, startup: 3s }
job:
  vertices:
    - { id: load, parallelism: 8, source: { bytes: ${gib}GiB }, rate: 50MiB/s, fixed: 2s, jitter: { sigma: 0.05 } }
    - id: agg
      parallelism: 8
      inputs: [ { from: load, pattern: all-to-all } ]
      rate: 40MiB/s
      fixed: 1s
      selectivity: 0.2
      jitter: { sigma: 0.05 }
    - { id: sink, parallelism: 4, inputs: [ { from: agg, pattern: all-to-all } ], rate: 20MiB/s, fixed: 3s, jitter: { sigma: 0.05 } }
`;
  const sizes = [1, 3, 9];

  function runs() {
    return sizes.map((gib, i) => {
      const spec = loadJobScenario(scenario(gib), `synthetic-${gib}.yaml`);
      const out = simulate(spec, { seed: 11 + i, recordTimeline: true });
      return { file: `synthetic-${gib}gib.json`, text: JSON.stringify(restJobDetails(out.result, out.timeline!, spec.spec.vertices)) };
    });
  }

  it('recovers fixed, rate and jitter within the stated tolerances', () => {
    const r = importRuns(runs());
    expect(r.warnings).toEqual([]);
    expect(r.fits!.map((f) => f.method)).toEqual(['regression', 'regression', 'regression']);
    // Every rate is below the model's I/O bound (125 MB/s), so the CPU sets the simulated times. Rate within
    // 5 % (with a jitter of 0.05 on 24 subtask times, 12 for the sink: about three standard errors).
    const expected = { load: truth.load, agg: truth.agg, sink: truth.sink };
    for (const id of ['load', 'agg', 'sink'] as const) {
      const v = vertex(r, id);
      expect(Math.abs(bytesPerSecond(v.rate) / expected[id].rate - 1), id).toBeLessThan(0.05);
      // Fixed time within 0.6 s, jitter sigma within 0.02 of 0.05.
      expect(Math.abs(seconds(v.fixed ?? 0) - expected[id].fixed), id).toBeLessThan(0.6);
      expect(Math.abs(v.jitter!.sigma - truth.sigma), id).toBeLessThan(0.02);
    }
    expect(vertex(r, 'agg').selectivity).toBeCloseTo(0.2, 6);
    expect(num(parseSize(vertex(r, 'load').source!.bytes))).toBe(1 * GiB);
  });

  it('predicts each run from the other two within 10 % (leave-one-run-out)', () => {
    const r = importRuns(runs());
    const held: RunComparison[] = r.checks!.map((c) => comparison(c.file, c.measured!, simulateYaml(c.leaveOneOut!)));
    const inSample: RunComparison[] = r.checks!.map((c) => comparison(c.file, c.measured!, simulateYaml(c.inSample)));
    const out = errorSummary(held);
    const ins = errorSummary(inSample);
    expect(out.makespan.count).toBe(3);
    expect(out.vertices.count).toBe(9);
    expect(out.makespan.max).toBeLessThan(0.1);
    expect(out.vertices.mean).toBeLessThan(0.1);
    expect(ins.makespan.max).toBeLessThan(0.05);
    // Predicting a run it has not seen is no better than fitting the runs it has.
    expect(out.vertices.mean).toBeGreaterThanOrEqual(ins.vertices.mean * 0.5);
  });
});

// ------------------------------------------------------------------------------------------------

describe('the shipped runs of one job at 2, 8 and 32 GiB', () => {
  // Made as: per subtask (fixed + in / CPU rate + in / 125 MB/s + out / 130 MB/s) x a log-normal jitter of
  // sigma 0.05; load: 3 s, 200 MiB/s; aggregate: 2 s, 80 MiB/s, hash split 31/26/23/20 %, writes 10 %;
  // sink: 5 s, 40 MiB/s.
  const truth = {
    'source-orders': { fixed: 3, rate: 200 * MiB, written: 1 },
    hashaggregate: { fixed: 2, rate: 80 * MiB, written: 0.1 },
    'sink-daily_totals': { fixed: 5, rate: 40 * MiB, written: 0 },
  };
  // Those runs added I/O to the CPU time; the simulator overlaps them, so the fitted rate is their sum.
  const effective = (t: { rate: number; written: number }) => 1 / (1 / t.rate + 1 / 125e6 + t.written / 130e6);

  it('fits every vertex by least squares across the runs, with skew, selectivity and residuals', () => {
    const r = importFixtures(ORDERS);
    expect(r.warnings).toEqual([]);
    expect(r.fits!.map((f) => [f.id, f.method, f.points, f.runs])).toEqual([
      ['source-orders', 'regression', 12, 3],
      ['hashaggregate', 'regression', 12, 3],
      ['sink-daily_totals', 'regression', 6, 3],
    ]);
    for (const [id, t] of Object.entries(truth)) {
      const v = vertex(r, id);
      expect(Math.abs(bytesPerSecond(v.rate) / effective(t) - 1), id).toBeLessThan(0.06);
      expect(Math.abs(seconds(v.fixed) - t.fixed), id).toBeLessThan(1);
      const fit = r.fits!.find((f) => f.id === id)!;
      expect(fit.rmsSeconds! / fit.meanSeconds!, id).toBeLessThan(0.08);
    }
    // The first file's sizes; the aggregate's measured split becomes the source's skew.
    expect(vertex(r, 'source-orders').source).toEqual({ bytes: '2GiB' });
    expect(vertex(r, 'source-orders').skew).toEqual({ weights: [0.31, 0.26, 0.23, 0.2] });
    expect(vertex(r, 'hashaggregate').selectivity).toBeCloseTo(0.1, 6);
    expect(r.yaml).toMatch(/# residual: rms [\d.]+m?s \([\d.]+% of the mean [\d.]+s\)/);
    expect(parseYaml(r.yaml)).toEqual(r.scenario);
  });

  it('--check prints in-sample and leave-one-run-out errors and the fit per vertex', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batchsim-calibration-'));
    try {
      const out: string[] = [];
      const err: string[] = [];
      const program = new Command('batchsim').exitOverride();
      registerImportCommand(program, { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) });
      await program.parseAsync(['node', 'batchsim', 'import', ...ORDERS.map(fixture), '-o', path.join(dir, 'o.yaml'), '--check']);
      const text = out.join('');
      expect(err.join('')).toBe('');
      const summary = (label: string) => {
        const m = new RegExp(`^${label} error: makespan \\|error\\| mean ([\\d.]+)%, max ([\\d.]+)% \\(3\\); vertex durations \\|error\\| mean ([\\d.]+)%, max ([\\d.]+)% \\(9\\)$`, 'm').exec(text);
        expect(m, label).not.toBeNull();
        return m!.slice(1).map(Number);
      };
      const [inMean, inMax] = summary('in-sample');
      const [outMean] = summary('leave-one-run-out');
      expect(inMax).toBeLessThan(6);
      expect(inMean).toBeLessThanOrEqual(outMean);
      expect(text).toContain('check, leave-one-run-out: each run predicted from the other runs only');
      expect(text).toMatch(/^orders-run-32gib\.json\s+hashaggregate\s+231\.874 s\s+[\d.]+ s\s+[-+][\d.]+%$/m);
      expect(text).toMatch(/^vertex\s+fit\s+points\s+fixed\s+rate\s+jitter\s+residual rms$/m);
      expect(text).toMatch(/^source-orders\s+regression\s+12\s/m);
      expect(readFileSync(path.join(dir, 'o.yaml'), 'utf8')).toContain('Calibrated from 3 measured runs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--scale-sources 4 on the 8 GiB run predicts the 32 GiB run', () => {
    const r = importFixtures(['orders-run-8gib.json', 'orders-run-2gib.json'], { scaleSources: 4 });
    expect(vertex(r, 'source-orders').source).toEqual({ bytes: '32GiB' });
    expect(r.yaml).toContain('source.bytes: 8 GiB x 4 (--scale-sources)');
    const run = simulateYaml(r.yaml);
    const measured = importFixtures(['orders-run-32gib.json']).measured!;
    expect(Math.abs(run.makespan / measured.durationSeconds - 1)).toBeLessThan(0.1);
  });

  it('--scale-sources that would make a source read more than 2^53 bytes is an error', () => {
    expect(() => importFixtures([ORDERS[0]], { scaleSources: 1e300 })).toThrow(
      /^orders-run-2gib\.json: --scale-sources 1e\+300 makes source `source-orders` read more than 2\^53 bytes \(8 PiB\), the most allowed$/,
    );
    expect(vertex(importFixtures([ORDERS[0]], { scaleSources: 2 ** 21 }), 'source-orders').source).toEqual({ bytes: '4096TiB' });
  });

  it('--adaptive leaves non-source parallelism to the adaptive batch scheduler', () => {
    const r = importFixtures(ORDERS, { adaptive: true });
    expect(vertex(r, 'source-orders').parallelism).toBe(4);
    expect(vertex(r, 'hashaggregate').parallelism).toBeUndefined();
    expect(vertex(r, 'sink-daily_totals').parallelism).toBeUndefined();
    // Skew weights were per measured subtask; the decider makes other subtasks.
    expect(vertex(r, 'source-orders').skew).toBeUndefined();
    expect(r.yaml).toContain('parallelism: left to the adaptive batch scheduler (was 4; --adaptive)');
    const run = simulateYaml(r.yaml);
    expect(run.status).toBe('FINISHED');
    expect(run.vertices.find((v) => v.id === 'hashaggregate')!.decision.origin).toBe('inferred');
  });

  it('refuses --source-bytes and --rate when every number was measured, saying why', () => {
    expect(() => importFixtures(ORDERS, { sourceBytes: 10 * GiB })).toThrow(
      /orders-run-2gib\.json: --source-bytes applies only to sources whose size was not measured.*--scale-sources/,
    );
    expect(() => importFixtures(ORDERS, { rate: 10 * MiB })).toThrow(
      /orders-run-2gib\.json: --rate applies only to vertices whose time was not measured.*fitted/,
    );
    try {
      importFixtures(['orders-run-2gib.json'], { rate: 10 * MiB });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
    }
  });

  it('refuses runs of different jobs, and several files that are not job details', () => {
    const other = readFileSync(fixture('job-details-calibration.json'), 'utf8');
    expect(() => importRuns([{ file: 'a.json', text: readFileSync(fixture(ORDERS[0]), 'utf8') }, { file: 'b.json', text: other }])).toThrow(
      /^b\.json: vertices: has no vertex `5f1c0a3e9b7d4c21a8e6f0b2d3c4e5f6` \("Source: orders\[1\] -> Calc\[2\]"\) of the first run: the runs must be of the same job$/,
    );
    const plan = readFileSync(fixture('union-three-inputs.json'), 'utf8');
    expect(() => importRuns([{ file: 'a.json', text: readFileSync(fixture(ORDERS[0]), 'utf8') }, { file: 'p.json', text: plan }])).toThrow(
      /^p\.json: is a Flink execution plan .*: several files are runs of one job, which only REST job details/,
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('subtask details in job details', () => {
  const base = () => JSON.parse(readFileSync(fixture(ORDERS[0]), 'utf8')) as { vertices: Record<string, unknown>[] };

  it('leaves out subtasks that did not finish, naming them', () => {
    const doc = base();
    const subtasks = doc.vertices[1].subtasks as Record<string, unknown>[];
    subtasks[3] = { ...subtasks[3], status: 'CANCELED' };
    const r = importPlan(JSON.stringify(doc), 'one.json', { io: null });
    expect(r.warnings).toContain('vertex `hashaggregate`: subtask 3 (CANCELED) left out of the fit: only FINISHED subtasks with a duration count');
    expect(r.fits!.find((f) => f.id === 'hashaggregate')!.points).toBe(3);
  });

  it('a `subtasks` that is not a list is an error naming the field', () => {
    const doc = base();
    doc.vertices[2].subtasks = { 0: {} };
    expect(() => importPlan(JSON.stringify(doc), 'bad.json')).toThrow(/^bad\.json: vertices\[2\]\.subtasks: expected the list `subtasks`/);
  });

  it('one run with skewed subtasks is fitted by least squares across its subtasks', () => {
    const r = importPlan(readFileSync(fixture(ORDERS[2]), 'utf8'), ORDERS[2], { io: null });
    // The source's subtasks all read 8 GiB: one size; with busy time "NaN" there, all on the rate.
    expect(r.fits!.find((f) => f.id === 'source-orders')!.method).toBe('one-size');
    // The sink's two subtasks read the same, and Flink reported busy/idle/backpressured: busy-time.
    expect(r.fits!.find((f) => f.id === 'sink-daily_totals')!.method).toBe('busy-time');
    // The aggregate's inputs differ by 31 / 20 = 1.55 >= 1.5: least squares.
    expect(r.fits!.find((f) => f.id === 'hashaggregate')!.method).toMatch(/regression|through-origin|flat/);
  });
});

// ------------------------------------------------------------------------------------------------

describe('streaming plans are not imported as batch without a word', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'batchsim-streaming-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an execution plan reading Kafka becomes STREAMING, with a warning naming the operator', () => {
    const r = importPlan(readFileSync(fixture('streaming-kafka-source.json'), 'utf8'), 'kafka.json');
    expect(r.scenario.config).toEqual({ 'execution.runtime-mode': 'STREAMING' });
    expect(r.warnings).toEqual([
      '`Source: KafkaSource-clicks` (vertex `source-kafkasource-clicks`) is an unbounded source or a streaming-only operator: ' +
        'imported as `execution.runtime-mode: STREAMING`; for a batch simulation make the source bounded and set `execution.runtime-mode: BATCH`',
    ]);
    expect(simulateYaml(r.yaml).mode).toBe('STREAMING');
  });

  it('a job plan typed BATCH with a Kafka source stays batch, with a warning', () => {
    const doc = JSON.parse(readFileSync(fixture('job-plan-strings.json'), 'utf8')) as Record<string, unknown>;
    const plan = (doc.plan ?? doc) as { type?: string; nodes: { description?: string; inputs?: unknown[] }[] };
    plan.type = 'BATCH';
    const source = plan.nodes.find((n) => n.inputs === undefined || n.inputs.length === 0)!;
    source.description = 'Source: kafka[1]';
    const r = importPlan(JSON.stringify(doc), 'bounded.json');
    expect(r.scenario.config).toEqual({ 'execution.runtime-mode': 'BATCH' });
    expect(r.warnings.filter((w) => w.includes('Kafka') || w.includes('kafka'))).toEqual([
      '`Source: kafka[1]` (vertex `source-kafka`) is usually unbounded, but the plan is BATCH: it is simulated as a bounded source',
    ]);
  });

  it('a plan typed STREAMING says so', () => {
    const doc = JSON.parse(readFileSync(fixture('job-plan-strings.json'), 'utf8')) as Record<string, unknown>;
    const plan = (doc.plan ?? doc) as { type?: string };
    plan.type = 'STREAMING';
    const file = path.join(dir, 'streaming.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = importPlan(readFileSync(file, 'utf8'), 'streaming.json');
    expect(r.scenario.config).toEqual({ 'execution.runtime-mode': 'STREAMING' });
    expect(r.warnings.some((w) => w.startsWith('the plan is a STREAMING job: imported as `execution.runtime-mode: STREAMING`'))).toBe(true);
  });
});
