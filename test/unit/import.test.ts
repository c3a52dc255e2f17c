import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { formatCheckReport, registerImportCommand } from '../../src/cli/commands/import.js';
import {
  DEFAULT_RATE,
  DEFAULT_SOURCE_BYTES,
  importPlan,
  type ImportOptions,
  type ImportResult,
} from '../../src/import/index.js';
import { patternOf } from '../../src/import/ship-strategy.js';
import { assignIds, checkGraph, decodeEntities, flattenName, slugify, type ImportedVertex, type ImportVertex } from '../../src/import/to-scenario.js';
import type { RunResult, VertexResult } from '../../src/model/run-result.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { parseDuration, parseRate, parseSize } from '../../src/scenario/units.js';
import { simulate } from '../../src/sim/simulate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samplesDir = path.resolve(repoRoot, '../shared/flink/plans');
const fixturesDir = path.join(repoRoot, 'test/fixtures/import');
const haveSamples = existsSync(samplesDir);
if (!haveSamples) console.warn(`import tests: ${samplesDir} is absent; the tests on Flink's real samples are skipped`);

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function fixture(name: string): string {
  return path.join(fixturesDir, name);
}

function importFixture(name: string, opts: ImportOptions = {}): ImportResult {
  return importPlan(readFileSync(fixture(name), 'utf8'), name, opts);
}

function vertex(result: ImportResult, id: string): ImportedVertex {
  const v = result.scenario.job.vertices.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no vertex ${id} in ${result.scenario.job.vertices.map((x) => x.id).join(', ')}`);
  return v;
}

function ids(result: ImportResult): string[] {
  return result.scenario.job.vertices.map((v) => v.id);
}

function inputs(result: ImportResult, id: string): string[] {
  return (vertex(result, id).inputs ?? []).map((e) => `${e.from}:${e.pattern}`);
}

function rate(v: ImportedVertex): number {
  const r = parseRate(v.rate);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

function size(value: unknown): number {
  const s = parseSize(value);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

/** The YAML parses back to the object, and the project's loader and simulator accept it. */
function expectRunnable(result: ImportResult): RunResult {
  expect(parseYaml(result.yaml)).toEqual(result.scenario);
  const run = simulate(loadJobScenario(result.yaml, 'imported.yaml'), { seed: 0 }).result;
  expect(run.status).toBe('FINISHED');
  return run;
}

function duration(v: VertexResult): number {
  if (v.start === null || v.end === null) throw new Error(`vertex ${v.id} did not run`);
  return v.end - v.start;
}

// ------------------------------------------------------------------------------------------------

describe('ship strategies', () => {
  it.each([
    ['HASH', 'all-to-all'],
    ['HASH[id]', 'all-to-all'],
    ['HASH[o_id, d_id]', 'all-to-all'],
    ['KEY-GROUP', 'all-to-all'],
    ['REBALANCE', 'all-to-all'],
    ['SHUFFLE', 'all-to-all'],
    ['GLOBAL', 'all-to-all'],
    ['CUSTOM', 'all-to-all'],
    ['Hash Partition on [0]', 'all-to-all'],
    ['Hash Partition on [0, 2]', 'all-to-all'],
    ['Range Partition on [0:ASC]', 'all-to-all'],
    ['Redistribute', 'all-to-all'],
    ['Rebalance', 'all-to-all'],
    ['Custom Partition on [1]', 'all-to-all'],
    ['FORWARD', 'pointwise'],
    ['Forward', 'pointwise'],
    ['RESCALE', 'pointwise'],
    ['BROADCAST', 'broadcast'],
    ['Broadcast', 'broadcast'],
  ])('%s -> %s', (strategy, pattern) => {
    expect(patternOf(strategy)).toBe(pattern);
  });

  it('knows no made-up strategy', () => {
    expect(patternOf('ROUND_ROBIN_FANCY')).toBeUndefined();
    expect(patternOf('')).toBeUndefined();
  });
});

describe('names and ids', () => {
  it('decodes HTML entities once', () => {
    expect(decodeEntities('a -&gt; b &amp;&amp; &lt;c&gt; &quot;d&quot; &#92; &#x41; &amp;gt;')).toBe('a -> b && <c> "d" \\ A &gt;');
    expect(decodeEntities('&unknown; stays')).toBe('&unknown; stays');
  });

  it('flattens <br/> trees into one chain', () => {
    expect(flattenName('[23]:HashJoin(a)<br/>+- [24]:Calc(b)<br/>   +- IcebergStreamWriter<br/>')).toBe(
      '[23]:HashJoin(a) -> [24]:Calc(b) -> IcebergStreamWriter',
    );
    expect(flattenName('IcebergFilesCommitter<br/>:- Sink: x<br/>')).toBe('IcebergFilesCommitter -> Sink: x');
    expect(flattenName('Source: Custom Source -&gt; Map<br/>')).toBe('Source: Custom Source -> Map');
  });

  it('makes short readable ids', () => {
    expect(slugify('Source: t2[19]')).toBe('source-t2');
    expect(slugify('HashJoin[23] -> Calc[24] -> IcebergStreamWriter')).toBe('hashjoin');
    expect(slugify('[19]:TableSourceScan(table=[[cat2, cat2_db2, t2, project=[id]]], fields=[id])')).toBe('tablesourcescan-t2');
    expect(slugify('Sink: Print to Std. Out')).toBe('sink-print-to-std-out');
    expect(slugify('nexmark_q16[17]: Writer')).toBe('nexmark_q16-writer');
    expect(slugify('CHAIN DataSource (at main(WordCount.java:60)) -> Map')).toBe('datasource');
    expect(slugify('!!!')).toBe('vertex');
  });

  it('numbers repeated names from 2, skipping ids another name already took', () => {
    const ids = assignIds(['Map', 'Map 2', 'Map', 'Map', 'Map 5', 'Map', 'Filter'].map((h, i) => importVertex(`k${i}`, h)));
    expect([...ids.values()]).toEqual(['map', 'map-2', 'map-3', 'map-4', 'map-5', 'map-6', 'filter']);
  });

  it('names and orders 16,000 operators of one name fanned out from one source in linear time', () => {
    const n = 16_000;
    const vs = [importVertex('src', 'Source: s')];
    for (let i = 1; i <= n; i++) vs.push(importVertex(`k${i}`, 'Map', ['src']));
    const t0 = performance.now();
    const ordered = checkGraph(vs, 'plan.json');
    const ids = assignIds(ordered);
    const ms = performance.now() - t0;
    expect(ordered.map((v) => v.key)).toEqual(vs.map((v) => v.key));
    expect(ids.get('k1')).toBe('map');
    expect(ids.get('k2')).toBe('map-2');
    expect(ids.get(`k${n}`)).toBe(`map-${n}`);
    // About 30 ms; probing map-2, map-3, ... from 2 for every vertex, and sorting the ready
    // list for every vertex taken, each took tens of seconds.
    expect(ms).toBeLessThan(2000);
  });
});

function importVertex(key: string, idHint: string, from: string[] = []): ImportVertex {
  return {
    key,
    path: `nodes[${key}]`,
    name: idHint,
    idHint,
    inputs: from.map((f) => ({ from: f, pattern: 'all-to-all', strategy: 'HASH', path: `nodes[${key}].inputs[0]` })),
    flinkIds: [key],
    notes: [],
    assumed: {},
  };
}

// ------------------------------------------------------------------------------------------------

describe.skipIf(!haveSamples)("Flink's real samples", () => {
  const samples = haveSamples ? readdirSync(samplesDir).filter((f) => f.endsWith('.json')).sort() : [];
  const load = (name: string) => importPlan(readFileSync(path.join(samplesDir, name), 'utf8'), name, {});

  it('has samples to read', () => {
    expect(samples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(samples)('%s imports, parses back and runs', (name) => {
    const result = load(name);
    expectRunnable(result);
    expect(result.yaml).toContain('# Imported by `batchsim import`');
  });

  it('EXPLAIN union: the union becomes two HASH inputs, the FORWARD Calc is chained into its source', () => {
    const r = load('execplan-sql-explain-union-groupagg-flinkdocs.json');
    expect(r.format).toBe('execution-plan');
    expect(ids(r)).toEqual(['source-mytable1', 'source-mytable2', 'groupaggregate']);
    expect(vertex(r, 'source-mytable1').name).toBe('Source: MyTable1[15] -> Calc[16]');
    expect(inputs(r, 'groupaggregate')).toEqual(['source-mytable1:all-to-all', 'source-mytable2:all-to-all']);
    for (const v of r.scenario.job.vertices) expect(v.parallelism).toBe(1);
    expect(vertex(r, 'source-mytable1').source).toEqual({ bytes: '1GiB' });
    expect(vertex(r, 'groupaggregate').rate).toBe('100MiB/s');
    expect(r.yaml).toContain('source: { bytes: 1GiB } # assumption: edit me');
    expect(r.yaml).toContain('rate: 100MiB/s # assumption: edit me');
  });

  it('Nexmark q16: nine operators chain into three vertices at the HASH edges', () => {
    const r = load('execplan-sql-nexmark-q16-scarf.json');
    expect(ids(r)).toEqual(['source-kafka', 'incrementalgroupaggregate', 'globalgroupaggregate']);
    expect(vertex(r, 'source-kafka').name).toBe(
      'Source: kafka[7] -> MiniBatchAssigner[8] -> Calc[9] -> Expand[10] -> Calc[11] -> LocalGroupAggregate[12]',
    );
    expect(vertex(r, 'globalgroupaggregate').name).toBe('GlobalGroupAggregate[16] -> nexmark_q16[17]: Writer');
    expect(inputs(r, 'incrementalgroupaggregate')).toEqual(['source-kafka:all-to-all']);
    expect(inputs(r, 'globalgroupaggregate')).toEqual(['incrementalgroupaggregate:all-to-all']);
    for (const v of r.scenario.job.vertices) expect(v.parallelism).toBe(4);
    // A Kafka source in a plan without a type: streaming, said so.
    expect(r.scenario.config).toEqual({ 'execution.runtime-mode': 'STREAMING' });
    expect(r.warnings).toEqual([
      '`Source: kafka[7]` (vertex `source-kafka`) is an unbounded source or a streaming-only operator: imported as ' +
        '`execution.runtime-mode: STREAMING`; for a batch simulation make the source bounded and set `execution.runtime-mode: BATCH`',
    ]);
  });

  it('batch hash join (job details): calibrated per vertex from the measured run', () => {
    const r = load('rest-jobdetails-iceberg-hashjoin-batch-flink1.16.json');
    expect(r.format).toBe('job-details');
    expect(r.scenario.name).toBe('insert-into_cat2.cat2_db2.t4');
    expect(r.scenario.config).toEqual({ 'execution.runtime-mode': 'BATCH' });
    expect(ids(r)).toEqual(['source-t2', 'source-t2-2', 'hashjoin', 'icebergfilescommitter']);
    expect(vertex(r, 'source-t2').name).toBe('Source: t2[19]');
    expect(inputs(r, 'hashjoin')).toEqual(['source-t2:all-to-all', 'source-t2-2:all-to-all']);
    expect(inputs(r, 'icebergfilescommitter')).toEqual(['hashjoin:pointwise']);
    // One run, a few bytes each: as rates these would be 264.706 B/s and the like, far below any CPU, so each
    // vertex's measured time becomes `fixed`, less its bytes at the default 100 MiB/s.
    const fixedOf = (id: string) => (parseDuration(vertex(r, id).fixed) as number) / 1000;
    expect(vertex(r, 'source-t2').source).toEqual({ bytes: 72 });
    expect(fixedOf('source-t2')).toBeCloseTo(0.272 - 72 / (100 * MiB), 6);
    expect(rate(vertex(r, 'source-t2'))).toBe(100 * MiB);
    expect(vertex(r, 'source-t2-2').source).toEqual({ bytes: 88 });
    expect(fixedOf('source-t2-2')).toBeCloseTo(0.271 - 88 / (100 * MiB), 6);
    // Join: input = 72 + 88 = 160 bytes in 101 ms; wrote 730 bytes.
    expect(fixedOf('hashjoin')).toBeCloseTo(0.101 - 160 / (100 * MiB), 6);
    expect(vertex(r, 'hashjoin').selectivity).toBe(4.5625);
    // Committer: 730 bytes in 181 ms; a sink, so no selectivity.
    expect(fixedOf('icebergfilescommitter')).toBeCloseTo(0.181 - 730 / (100 * MiB), 6);
    expect(vertex(r, 'icebergfilescommitter').selectivity).toBeUndefined();
    expect(r.warnings).toHaveLength(4);
    expect(r.warnings[0]).toMatch(/^vertex `source-t2`: 72 B per subtask in 272ms would be a rate of 264\.706B\/s, below 1 MiB\/s per core: .*overhead/);
    // TaskManager startup: first vertex deployed 222 ms after the job started.
    expect(r.scenario.cluster.taskmanager.startup).toBe('222ms');
    expect(r.measured).toEqual({
      durationSeconds: 0.792,
      vertices: [
        { id: 'source-t2', durationSeconds: 0.272 },
        { id: 'source-t2-2', durationSeconds: 0.271 },
        { id: 'hashjoin', durationSeconds: 0.101 },
        { id: 'icebergfilescommitter', durationSeconds: 0.181 },
      ],
    });
    // The calibrated scenario reproduces the measured run.
    const run = expectRunnable(r);
    for (const m of r.measured!.vertices) {
      const sim = duration(run.vertices.find((v) => v.id === m.id)!);
      expect(Math.abs(sim - m.durationSeconds) / m.durationSeconds).toBeLessThan(0.01);
    }
    expect(Math.abs(run.makespan - 0.792) / 0.792).toBeLessThan(0.05);
  });

  it('batch hash join scaled to 1 GiB: the overhead stays fixed instead of becoming a rate of a few bytes per second', () => {
    // 72 bytes in 272 ms read as a rate (264.706 B/s) made a 1 GiB source take 1 GiB / 264.706 B/s = 1127 h.
    const r = importPlan(readFileSync(path.join(samplesDir, 'rest-jobdetails-iceberg-hashjoin-batch-flink1.16.json'), 'utf8'), 'hashjoin.json', {
      scaleSources: GiB / 72,
      io: null,
    });
    expect(size(vertex(r, 'source-t2').source!.bytes)).toBeCloseTo(GiB, -3);
    const run = expectRunnable(r);
    // source-t2 (p = 1): fixed 0.272 s less its 72 bytes at 100 MiB/s, then 1 GiB at 100 MiB/s = 10.24 s.
    const t2 = duration(run.vertices.find((v) => v.id === 'source-t2')!);
    expect(t2).toBeCloseTo(0.272 - 72 / (100 * MiB) + GiB / (100 * MiB), 2);
    expect(run.makespan).toBeLessThan(3600);
  });

  it('streaming join (job details, RUNNING): defaults with a warning naming each unfinished vertex', () => {
    const r = load('rest-jobdetails-iceberg-join-streaming-flink1.16.json');
    expect(r.scenario.config).toEqual({ 'execution.runtime-mode': 'STREAMING' });
    expect(r.measured).toBeUndefined();
    expect(ids(r)).toEqual(['source-topic01', 'source-t2', 'join', 'icebergfilescommitter']);
    expect(vertex(r, 'source-t2').source).toEqual({ bytes: 79 });
    expect(vertex(r, 'source-topic01').source).toEqual({ bytes: '1GiB' });
    const text = r.warnings.join('\n');
    expect(text).toContain('the job is RUNNING');
    expect(text).toMatch(/vertex `source-topic01` .*RUNNING, not FINISHED/);
    expect(text).toMatch(/vertex `join` .*RUNNING, not FINISHED/);
    expect(text).toMatch(/STREAMING/);
  });

  it('streaming source monitor (job details): three pointwise vertices', () => {
    const r = load('rest-jobdetails-iceberg-source-monitor-streaming-flink1.16.json');
    expect(ids(r)).toEqual(['source-iceberg-table', 't2', 'icebergfilescommitter']);
    expect(vertex(r, 'source-iceberg-table').name).toBe('Source: Iceberg table (cat2.cat2_db2.t2) monitor');
    expect(inputs(r, 't2')).toEqual(['source-iceberg-table:pointwise']);
    expect(inputs(r, 'icebergfilescommitter')).toEqual(['t2:pointwise']);
  });
});

// ------------------------------------------------------------------------------------------------

describe('execution plans (format A), own fixtures', () => {
  it('BROADCAST, RESCALE, REBALANCE and HASH map to their patterns; FORWARD chains merge', () => {
    const r = importFixture('datastream-broadcast-rescale.json');
    expect(ids(r)).toEqual(['source-events', 'source-rules', 'co-process-broadcast-keyed', 'filter', 'window']);
    expect(vertex(r, 'source-events')).toMatchObject({ name: 'Source: events -> Map', parallelism: 4 });
    expect(inputs(r, 'co-process-broadcast-keyed')).toEqual(['source-events:all-to-all', 'source-rules:broadcast']);
    expect(vertex(r, 'filter').parallelism).toBe(2);
    expect(inputs(r, 'filter')).toEqual(['co-process-broadcast-keyed:pointwise']);
    expect(inputs(r, 'window')).toEqual(['filter:all-to-all']);
    expect(vertex(r, 'window').name).toMatch(/^Window\(TumblingEventTimeWindows.* -> Sink: Print to Std\. Out$/);
    expect(vertex(r, 'window').parallelism).toBe(8);
    expect(r.yaml).toContain('# Flink nodes 1, 2');
    expect(r.yaml).toContain('{ from: source-rules, pattern: broadcast } # BROADCAST');
    expectRunnable(r);
  });

  it('does not chain FORWARD across different parallelism, nor from a producer with two consumers', () => {
    const r = importFixture('forward-not-chained.json');
    expect(ids(r)).toEqual(['source-numbers', 'map', 'source-letters', 'filter', 'sink-letters-copy']);
    expect(vertex(r, 'source-numbers').parallelism).toBe(2);
    expect(vertex(r, 'map').parallelism).toBe(4);
    expect(inputs(r, 'map')).toEqual(['source-numbers:pointwise']);
    expect(inputs(r, 'filter')).toEqual(['source-letters:pointwise']);
    expect(inputs(r, 'sink-letters-copy')).toEqual(['source-letters:pointwise']);
    expectRunnable(r);
  });

  it('a node with several predecessors gets several inputs and is not chained', () => {
    const r = importFixture('union-three-inputs.json');
    expect(ids(r)).toEqual(['source-a', 'source-b', 'source-c', 'map']);
    expect(inputs(r, 'map')).toEqual(['source-a:pointwise', 'source-b:all-to-all', 'source-c:all-to-all']);
    expectRunnable(r);
  });

  it('DataSet plan: prose strategies, string parallelism, `default`, Union nodes, HTML entities', () => {
    const r = importFixture('dataset-prose.json');
    expect(ids(r)).toEqual(['data-source', 'data-source-2', 'filter', 'data-source-3', 'groupreduce']);
    expect(vertex(r, 'data-source')).toMatchObject({
      name: 'Data Source: file:///in/lines.txt -> Map: tokenize <lines> & lower-case',
      parallelism: 4,
    });
    expect(vertex(r, 'data-source-2').parallelism).toBe(1);
    expect(inputs(r, 'filter')).toEqual(['data-source:pointwise', 'data-source-2:broadcast']);
    // The Union is dissolved: its consumer reads both of its inputs, hash-partitioned.
    expect(inputs(r, 'groupreduce')).toEqual(['filter:all-to-all', 'data-source-3:all-to-all']);
    // `default` parallelism on both sides of a Forward: chained, and left for the simulator to choose.
    expect(vertex(r, 'groupreduce').name).toBe('GroupReduce: count words -> Data Sink: file:///out/counts.txt');
    expect(vertex(r, 'groupreduce').parallelism).toBeUndefined();
    expect(r.yaml).toContain('# Hash Partition on [0], Sort (combining) on [0:ASC], through Union node 5');
    expectRunnable(r);
  });

  it('uses --source-bytes and --rate for every source and vertex, marked as assumptions', () => {
    const r = importFixture('union-three-inputs.json', { sourceBytes: 10 * GiB, rate: 50 * MiB });
    for (const id of ['source-a', 'source-b', 'source-c']) expect(vertex(r, id).source).toEqual({ bytes: '10GiB' });
    for (const v of r.scenario.job.vertices) expect(v.rate).toBe('50MiB/s');
    const marked = r.yaml.split('\n').filter((l) => !l.startsWith('#') && l.includes('assumption: edit me'));
    expect(marked).toHaveLength(3 + 4 + 1); // 3 sources, 4 rates, the cluster
    expect(r.yaml).toContain('every source reads 10 GiB (--source-bytes)');
    expect(DEFAULT_SOURCE_BYTES).toBe(GiB);
    expect(DEFAULT_RATE).toBe(100 * MiB);
  });

  it('reads ids and parallelism written as strings, and warns about GLOBAL into several subtasks', () => {
    const plan = {
      nodes: [
        { id: '1', type: 'Source: s', pact: 'Data Source', contents: 'Source: s', parallelism: '3' },
        { id: '2', type: 'Map', pact: 'Operator', contents: 'Map', parallelism: '3', predecessors: [{ id: 1, ship_strategy: 'FORWARD' }] },
        { id: '3', type: 'Sink: t', pact: 'Data Sink', contents: 'Sink: t', parallelism: '2', predecessors: [{ id: '2', ship_strategy: 'GLOBAL' }] },
      ],
    };
    const r = importPlan(JSON.stringify(plan), 'strings.json', {});
    expect(r.scenario.job.vertices).toEqual([
      { id: 'source-s', name: 'Source: s -> Map', parallelism: 3, source: { bytes: '1GiB' }, rate: '100MiB/s' },
      { id: 'sink-t', name: 'Sink: t', parallelism: 2, inputs: [{ from: 'source-s', pattern: 'all-to-all' }], rate: '100MiB/s' },
    ]);
    expect(r.warnings).toEqual([
      'nodes[2].predecessors[0]: GLOBAL sends every record to the first subtask; the scenario spreads it over all subtasks of `sink-t`',
    ]);
  });

  it('reads the whole text EXPLAIN prints, taking the JSON after "== Physical Execution Plan =="', () => {
    const json = readFileSync(fixture('union-three-inputs.json'), 'utf8');
    const text = `== Abstract Syntax Tree ==\nLogicalUnion(all=[true])\n\n== Optimized Physical Plan ==\nUnion(all=[true])\n\n== Physical Execution Plan ==\n${json}\n`;
    expect(ids(importPlan(text, 'explain.txt', {}))).toEqual(['source-a', 'source-b', 'source-c', 'map']);
  });
});

describe('REST job plan (format B)', () => {
  it('reads numbers written as strings, decodes descriptions, maps KEY-GROUP and GLOBAL', () => {
    const r = importFixture('job-plan-strings.json');
    expect(r.format).toBe('job-plan');
    expect(r.scenario.name).toBe('keyed "top" job');
    expect(ids(r)).toEqual(['source-custom-source', 'keyed-aggregation', 'sink-print-to-std-out']);
    expect(vertex(r, 'source-custom-source')).toMatchObject({
      name: 'Source: Custom Source -> Timestamps/Watermarks',
      parallelism: 4,
      source: { bytes: '1GiB' },
    });
    expect(vertex(r, 'keyed-aggregation')).toMatchObject({ name: 'Keyed Aggregation -> Map -> Filter & Project', parallelism: 2 });
    expect(inputs(r, 'keyed-aggregation')).toEqual(['source-custom-source:all-to-all']);
    expect(inputs(r, 'sink-print-to-std-out')).toEqual(['keyed-aggregation:all-to-all']);
    expect(vertex(r, 'sink-print-to-std-out').parallelism).toBe(1);
    expectRunnable(r);
  });

  it('reads the plan wrapped as {"plan": ...} the same way', () => {
    const bare = JSON.parse(readFileSync(fixture('job-plan-strings.json'), 'utf8'));
    const wrapped = importPlan(JSON.stringify({ plan: bare }), 'job-plan-strings.json', {});
    expect(wrapped.format).toBe('job-plan');
    expect(wrapped.scenario).toEqual(importFixture('job-plan-strings.json').scenario);
  });
});

describe('REST job details (format C): calibration', () => {
  it('computes rate, selectivity, source.bytes and startup by hand-checked formulas', () => {
    const r = importFixture('job-details-calibration.json');
    expect(r.format).toBe('job-details');
    // One run without subtask details: everything on the rate, except source-dims, too slow for that;
    // sink-out read 1 GiB per subtask in 5 s, faster than the model's 1 Gbit/s network per slot.
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toMatch(/^vertex `source-dims`: 1 MiB per subtask in 2s would be a rate of 512KiB\/s/);
    expect(r.warnings[1]).toMatch(/^vertex `sink-out`: in 1 of 1 measured times the bytes moved faster than the model's I\/O allows \(network 125 MB\/s, disk 130 MB\/s per slot by default\)/);
    expect(r.warnings[2]).toMatch(/^one run at one size cannot tell fixed overhead from throughput/);
    expect(ids(r)).toEqual(['source-orders', 'source-dims', 'join', 'sink-out']);
    expect(vertex(r, 'join').name).toBe('Join[3] -> Calc[4]');
    expect(inputs(r, 'join')).toEqual(['source-orders:all-to-all', 'source-dims:broadcast']);
    expect(inputs(r, 'sink-out')).toEqual(['join:all-to-all']);
    // source-orders: p = "4", wrote 4 GiB in 10 s -> 1 GiB per subtask / 10 s = 102.4 MiB/s.
    expect(vertex(r, 'source-orders')).toMatchObject({ parallelism: 4, source: { bytes: '4GiB' }, rate: '102.4MiB/s' });
    // source-dims: 1 MiB in 2 s would be 512 KiB/s: fixed = 2 s - 1 MiB / 100 MiB/s = 1.99 s, default rate.
    expect(vertex(r, 'source-dims')).toMatchObject({ parallelism: 1, source: { bytes: '1MiB' }, rate: '100MiB/s', fixed: '1.99s' });
    // join: input = 4 GiB + 4 x 1 MiB (broadcast to 4 subtasks) = 4299161600 B; / 4 / 20 s = 51.25 MiB/s;
    // wrote 2149580800 B -> selectivity 0.5.
    expect(vertex(r, 'join')).toMatchObject({ parallelism: 4, rate: '51.25MiB/s', selectivity: 0.5 });
    // sink-out: 2149580800 B / 2 / 5 s = 205 MiB/s; no consumers, no selectivity.
    expect(vertex(r, 'sink-out')).toEqual({ id: 'sink-out', name: 'Sink: out[5]', parallelism: 2, inputs: [{ from: 'join', pattern: 'all-to-all' }], rate: '205MiB/s' });
    expect(size(vertex(r, 'source-orders').source!.bytes)).toBe(4 * GiB);
    expect(parseDuration(r.scenario.cluster.taskmanager.startup)).toBe(200);
    expect(r.measured).toEqual({
      durationSeconds: 35.5,
      vertices: [
        { id: 'source-orders', durationSeconds: 10 },
        { id: 'source-dims', durationSeconds: 2 },
        { id: 'join', durationSeconds: 20 },
        { id: 'sink-out', durationSeconds: 5 },
      ],
    });
    const run = expectRunnable(r);
    expect(duration(run.vertices.find((v) => v.id === 'join')!)).toBeCloseTo(20, 6);
    // The sink is held back by I/O: slower than the measured 5 s, and no slower than reading all of its
    // 2149580800 / 2 bytes over the network at 125e6 B/s (part of its input is on its own disk).
    const sink = duration(run.vertices.find((v) => v.id === 'sink-out')!);
    expect(sink).toBeGreaterThan(5.5);
    expect(sink).toBeLessThanOrEqual(2149580800 / 2 / 125e6 + 0.001);
    expect(run.makespan).toBeCloseTo(0.2 + 10 + 20 + sink, 1);
  });

  it('falls back to defaults for NaN, incomplete and unfinished metrics, naming each vertex', () => {
    const r = importFixture('job-details-missing.json', { sourceBytes: 2 * GiB, rate: 50 * MiB, io: null });
    expect(ids(r)).toEqual(['source-clicks', 'map', 'sink-db']);
    // write-bytes "NaN": default source.bytes; the rate still comes from the measured 10 s.
    expect(vertex(r, 'source-clicks')).toMatchObject({ source: { bytes: '2GiB' }, rate: '102.4MiB/s' });
    // incomplete write-bytes: selectivity 1 as an assumption; rate from 2 GiB / 2 / 20 s.
    expect(vertex(r, 'map')).toMatchObject({ rate: '51.2MiB/s', selectivity: 1 });
    // RUNNING: the default rate.
    expect(vertex(r, 'sink-db').rate).toBe('50MiB/s');
    expect(r.measured).toBeUndefined();
    expect(r.warnings).toHaveLength(5);
    expect(r.warnings[0]).toMatch(/the job is RUNNING/);
    expect(r.warnings[1]).toMatch(/^vertex `source-clicks` .*write-bytes "NaN".*default source\.bytes 2 GiB/);
    expect(r.warnings[2]).toMatch(/^vertex `map` .*incomplete write-bytes.*selectivity 1/);
    expect(r.warnings[3]).toMatch(/^vertex `sink-db` .*RUNNING, not FINISHED.*rate 50MiB\/s/);
    expect(r.warnings[4]).toMatch(/^one run at one size/);
    expect(r.yaml).toContain('source: { bytes: 2GiB } # assumption: edit me');
    expect(r.yaml).toContain('selectivity: 1 # assumption: edit me');
    expect(r.yaml).toContain('rate: 50MiB/s # assumption: edit me');
    expectRunnable(r);
  });

  it('round trip: job details made from a simulated run import into a scenario that runs the same', () => {
    const original = `
name: roundtrip
cluster:
  taskmanager: { slots: 1, startup: 5s }
job:
  vertices:
    - { id: big, parallelism: 4, source: { bytes: 8GiB }, rate: 100MiB/s }
    - { id: small, parallelism: 1, source: { bytes: 64MiB }, rate: 32MiB/s }
    - id: join
      parallelism: 4
      inputs: [ { from: big, pattern: all-to-all }, { from: small, pattern: broadcast } ]
      rate: 80MiB/s
      selectivity: 0.25
    - id: agg
      parallelism: 2
      inputs: [ { from: join, pattern: all-to-all } ]
      rate: 50MiB/s
      fixed: 1s
      selectivity: 0.1
    - id: sink
      parallelism: 2
      inputs: [ { from: agg, pattern: pointwise } ]
      rate: 20MiB/s
`;
    const scenario = loadJobScenario(original, 'roundtrip.yaml');
    const first = simulate(scenario, { seed: 0 }).result;
    expect(first.status).toBe('FINISHED');

    const details = jobDetailsFrom(first, scenario.spec.vertices);
    const imported = importPlan(JSON.stringify(details, null, 2), 'roundtrip-details.json', {});
    expect(imported.warnings).toEqual([
      'one run at one size cannot tell fixed overhead from throughput: vertices without busy time have all their time on the rate ' +
        '(`batchsim import run1.json run2.json ...` with runs at other sizes fits both)',
    ]);
    expect(imported.measured!.durationSeconds).toBeCloseTo(first.makespan, 2);
    const second = expectRunnable(imported);

    expect(Math.abs(second.makespan - first.makespan) / first.makespan).toBeLessThan(0.03);
    for (const v of first.vertices) {
      const again = second.vertices.find((x) => x.id === v.id)!;
      expect(again, v.id).toBeDefined();
      expect(Math.abs(duration(again) - duration(v)) / duration(v), v.id).toBeLessThan(0.03);
      expect(again.parallelism).toBe(v.parallelism);
    }
  });
});

/** A REST `/jobs/:jobid` document as Flink would serve it for the given run (ids become hex, names stay). */
function jobDetailsFrom(run: RunResult, specs: readonly { id: string; inputs: { from: string; pattern: string }[] }[]) {
  const t0 = 1_700_000_000_000;
  const ms = (s: number) => t0 + Math.round(s * 1000);
  const hex = (id: string) => Buffer.from(id).toString('hex').padEnd(32, '0').slice(0, 32);
  const strategy = { 'all-to-all': 'HASH[key]', pointwise: 'FORWARD', broadcast: 'BROADCAST' } as Record<string, string>;
  return {
    jid: 'ab'.repeat(16),
    name: run.scenario,
    state: 'FINISHED',
    'start-time': t0,
    'end-time': ms(run.makespan),
    duration: ms(run.makespan) - t0,
    vertices: run.vertices.map((v) => {
      const spec = specs.find((s) => s.id === v.id)!;
      return {
        id: hex(v.id),
        name: v.id,
        parallelism: v.parallelism,
        status: 'FINISHED',
        'start-time': ms(v.start!),
        'end-time': ms(v.end!),
        duration: ms(v.end!) - ms(v.start!),
        metrics: {
          'read-bytes': spec.inputs.length === 0 ? 0 : Math.round(v.inputBytes),
          'read-bytes-complete': true,
          'write-bytes': Math.round(v.outputBytes),
          'write-bytes-complete': true,
        },
      };
    }),
    plan: {
      jid: 'ab'.repeat(16),
      name: run.scenario,
      type: 'BATCH',
      nodes: specs.map((s) => ({
        id: hex(s.id),
        parallelism: run.vertices.find((v) => v.id === s.id)!.parallelism,
        operator: '',
        description: `${s.id}<br/>`,
        inputs: s.inputs.map((e, num) => ({ num, id: hex(e.from), ship_strategy: strategy[e.pattern], exchange: 'blocking' })),
      })),
    },
  };
}

// ------------------------------------------------------------------------------------------------

describe('bad input', () => {
  const cases: [string, RegExp][] = [
    ['bad-not-json.txt', /^bad-not-json\.txt: not JSON/],
    ['bad-truncated.json', /^bad-truncated\.json: the JSON is truncated/],
    ['bad-unknown-format.json', /^bad-unknown-format\.json: unknown format: found the keys `jobs`/],
    ['bad-missing-predecessor.json', /^bad-missing-predecessor\.json: nodes\[1\]\.predecessors\[0\]: predecessor id `99` of `2` does not exist/],
    ['bad-cycle.json', /^bad-cycle\.json: nodes\[\d\]: the plan has a cycle: `cccc` -> `bbbb` -> `cccc`/],
    ['bad-unknown-strategy.json', /^bad-unknown-strategy\.json: nodes\[1\]\.predecessors\[0\]\.ship_strategy: unknown ship strategy `ROUND_ROBIN_FANCY`/],
  ];

  it.each(cases)('%s is a ScenarioError naming the file and what is wrong', (name, message) => {
    let error: unknown;
    try {
      importFixture(name);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(message);
  });

  it('an empty file, a JSON list and a plan without nodes are errors too', () => {
    expect(() => importPlan('  \n', 'empty.json', {})).toThrow(/empty\.json: the file is empty/);
    expect(() => importPlan('[1, 2]', 'list.json', {})).toThrow(/list\.json: unknown format: the JSON is a list/);
    expect(() => importPlan('{"nodes": []}', 'none.json', {})).toThrow(/none\.json: nodes: the plan has no nodes/);
    expect(() => importPlan('{"jid": "x", "vertices": []}', 'details.json', {})).toThrow(/details\.json: plan: looks like REST job details/);
    expect(() => importPlan('{"nodes": [{"id": 1, "pact": "IterativeDataStream", "step_function": []}]}', 'it.json', {})).toThrow(
      /it\.json: nodes\[0\]: iterations are not supported/,
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('the import command', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'batchsim-import-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const program = new Command('batchsim').exitOverride().configureOutput({
      writeOut: (s) => void out.push(s),
      writeErr: (s) => void err.push(s),
    });
    registerImportCommand(program, { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) });
    let error: unknown;
    try {
      await program.parseAsync(['node', 'batchsim', 'import', ...args]);
    } catch (e) {
      error = e;
    }
    return { out: out.join(''), err: err.join(''), error };
  }

  it('prints the YAML on stdout without -o', async () => {
    const r = await cli(fixture('union-three-inputs.json'));
    expect(r.error).toBeUndefined();
    expect(r.out).toBe(importPlan(readFileSync(fixture('union-three-inputs.json'), 'utf8'), fixture('union-three-inputs.json')).yaml);
    expect(r.err).toBe('');
  });

  it('writes -o and prints warnings on stderr', async () => {
    const out = path.join(dir, 'missing.yaml');
    const r = await cli(fixture('job-details-missing.json'), '-o', out, '--source-bytes', '2GiB', '--rate', '50MiB/s');
    expect(r.error).toBeUndefined();
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('rate: 50MiB/s # assumption: edit me');
    expect(r.err.split('\n').filter((l) => l !== '')).toHaveLength(5);
    expect(r.err).toContain(`${fixture('job-details-missing.json')}: warning: vertex \`sink-db\``);
  });

  it.each([
    ['bad-not-json.txt', 'not JSON'],
    ['bad-truncated.json', 'truncated'],
    ['bad-unknown-format.json', 'unknown format'],
    ['bad-missing-predecessor.json', 'does not exist'],
    ['bad-cycle.json', 'cycle'],
  ])('%s: a ScenarioError (exit 2 in the CLI) and no output file', async (name, words) => {
    const out = path.join(dir, `${name}.yaml`);
    const r = await cli(fixture(name), '-o', out);
    expect(r.error).toBeInstanceOf(ScenarioError);
    expect((r.error as ScenarioError).message).toContain(fixture(name));
    expect((r.error as ScenarioError).message).toContain(words);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(name))).toEqual([]);
  });

  it('a file that does not exist is a ScenarioError', async () => {
    const r = await cli(path.join(dir, 'nope.json'));
    expect(r.error).toBeInstanceOf(ScenarioError);
    expect((r.error as ScenarioError).message).toMatch(/nope\.json: cannot read the plan: no such file/);
  });

  it('standard input can be one of the runs only once', async () => {
    const r = await cli('-', '-');
    expect(r.error).toBeInstanceOf(ScenarioError);
    expect((r.error as ScenarioError).message).toBe('-: standard input can be read only once');
  });

  it('--source-bytes on job details that measured every source is refused (exit 2), and nothing is written', async () => {
    const out = path.join(dir, 'refused.yaml');
    const r = await cli(fixture('job-details-calibration.json'), '-o', out, '--source-bytes', '10GiB');
    expect(r.error).toBeInstanceOf(ScenarioError);
    expect((r.error as ScenarioError).message).toMatch(/--source-bytes applies only to sources whose size was not measured/);
    expect(existsSync(out)).toBe(false);
  });

  it('keeps an existing output file when the import fails', async () => {
    const out = path.join(dir, 'keep.yaml');
    writeFileSync(out, 'old: content\n');
    const r = await cli(fixture('bad-cycle.json'), '-o', out);
    expect(r.error).toBeInstanceOf(ScenarioError);
    expect(readFileSync(out, 'utf8')).toBe('old: content\n');
  });

  it.each([
    ['--rate', 'fast'],
    ['--rate', '0MiB/s'],
    ['--source-bytes', 'lots'],
    ['--source-bytes', '0'],
    ['--scale-sources', '0'],
    ['--scale-sources', 'ten'],
  ])('%s %s is an invalid argument', async (flag, value) => {
    const r = await cli(fixture('union-three-inputs.json'), flag, value);
    expect(r.error).toBeInstanceOf(CommanderError);
    expect((r.error as CommanderError).code).toBe('commander.invalidArgument');
    expect(r.err).toContain(value);
  });

  it('--check runs the scenario and compares with the measured durations', async () => {
    const out = path.join(dir, 'calibrated.yaml');
    const r = await cli(fixture('job-details-calibration.json'), '-o', out, '--check');
    expect(r.error).toBeUndefined();
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('check, in-sample: each run simulated at its sizes with the fit of all 1 run');
    const row = (name: string) => lines.find((l) => l.startsWith(`job-details-calibration.json  ${name} `))!.trim().split(/\s{2,}/);
    const job = row('job (makespan)');
    expect(job[2]).toBe('35.500 s');
    expect(Math.abs(parseFloat(job[4]))).toBeLessThan(10);
    expect(row('join').slice(2)).toEqual(['20.000 s', '20.000 s', '+0.0%']);
    expect(row('source-orders').slice(2)).toEqual(['10.000 s', '10.000 s', '+0.0%']);
    // Its bytes moved faster than the model's default network: the one vertex the fit cannot reproduce.
    expect(parseFloat(row('sink-out')[4])).toBeGreaterThan(10);
    expect(r.out).toMatch(/^in-sample error: makespan \|error\| mean \d+\.\d%, max \d+\.\d% \(1\); vertex durations \|error\| mean \d+\.\d%, max \d+\.\d% \(4\)$/m);
    expect(r.out).toContain('leave-one-run-out error: needs two or more runs');
  });

  it('--check without -o keeps stdout pure YAML and prints the comparison on stderr', async () => {
    const r = await cli(fixture('union-three-inputs.json'), '--check');
    expect(r.error).toBeUndefined();
    expect(() => parseYaml(r.out)).not.toThrow();
    expect(r.err).toContain('no measured durations to compare with');
    expect(r.err).toMatch(/job \(makespan\)\s+-\s+\d/);
  });
});

describe('the --check table', () => {
  it('puts simulated beside measured with the relative error', () => {
    const v = (id: string, start: number, end: number) => ({ id, start, end }) as VertexResult;
    const run = { status: 'FINISHED', makespan: 11, vertices: [v('a', 1, 5), v('b', 5, 11)] } as RunResult;
    const text = formatCheckReport({ durationSeconds: 10, vertices: [{ id: 'a', durationSeconds: 4 }, { id: 'b', durationSeconds: 8 }] }, run);
    expect(text.split('\n')).toEqual([
      'check: simulated run FINISHED',
      'vertex              measured     simulated     error',
      'job (makespan)      10.000 s      11.000 s    +10.0%',
      'a                    4.000 s       4.000 s     +0.0%',
      'b                    8.000 s       6.000 s    -25.0%',
      '',
    ]);
  });
});

describe('a plan whose numbers no scenario may hold', () => {
  it('is rejected against the plan, not written as a scenario the simulator rejects', () => {
    const plan = { nodes: [{ id: 1, type: 'Source: a', pact: 'Data Source', contents: 'Source: a', parallelism: 34199 }] };
    expect(() => importPlan(JSON.stringify(plan), 'plan.json')).toThrow(
      'plan.json: the plan gives a scenario the simulator cannot run: job.vertices[0].parallelism: Expected an integer from 1 to 32768, got `34199` (number)',
    );
  });
});
