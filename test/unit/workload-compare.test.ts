//! `batchsim compare` on a multi-job scenario: hand-computed queue and slot-cap sweeps, the grid, the statistics and marks, the renderers and every refused flag.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCompareCommand } from '../../src/cli/commands/compare.js';
import { bestWorkloadIndex, entryOf, workloadChoiceStats, type WorkloadChoiceStats, type WorkloadRunSummary } from '../../src/compare/workload-aggregate.js';
import { applyWorkloadChoice, buildWorkloadGrid, SweepFlagError, sweptAxes, workloadGridSize } from '../../src/compare/workload-grid.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { WorkloadSpec } from '../../src/model/workload-spec.js';

const dir = mkdtempSync(join(tmpdir(), 'batchsim-workload-compare-'));

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `compare ARGS` through a fresh program (inline: the sources run without threads). */
async function compare(args: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const program = new Command().name('batchsim').exitOverride();
  program.configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  registerCompareCommand(program, { stdout, stderr, env: {} });
  await program.parseAsync(['compare', ...args], { from: 'user' });
  return { stdout: stdout.text, stderr: stderr.text };
}

/** The exit code and message of a `compare` that must fail. */
async function refused(args: string[]): Promise<{ exitCode: number; code: string; message: string }> {
  try {
    await compare(args);
  } catch (err) {
    if (err instanceof CommanderError) return { exitCode: err.exitCode, code: err.code, message: err.message };
    throw err;
  }
  throw new Error(`compare ${args.join(' ')} did not fail`);
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/**
 * TaskManagers of 1 slot, 1 core and 4 GiB (1 CU), JobManagers of 1 core and 4 GiB (1 CU),
 * 10 s start-up, unlimited disk and network: a subtask of `fixed: 100s` takes exactly 100 s.
 */
const CLUSTER = `cluster:
  taskmanager: { slots: 1, cpuPerSlot: 1, memoryPerSlot: 4GiB, startup: 10s, idleTimeout: 30s, diskBandwidth: unlimited, networkBandwidth: unlimited }
`;

const job = (p: number, seconds: number) => `
    job:
      vertices:
        - { id: work, parallelism: ${p}, source: { bytes: 0 }, fixed: ${seconds}s }`;

/** A (one subtask of 100 s) and B (one of 50 s), both submitted at 0 to queue q. */
const TWO_JOBS = file(
  'two-jobs.yaml',
  `name: two-jobs
${CLUSTER}queues: [{ name: q, capacity: 8 }]
jobs:
  - name: A
    queue: q${job(1, 100)}
  - name: B
    queue: q${job(1, 50)}
`,
);

interface Choice {
  label: string;
  settings: { queues: { name: string; capacity: number | null }[]; maxSlots?: number | string };
  failed: number;
  jobs: { makespan: { p50: number; p95: number }; waited: { mean: number }; finished: number; failed: number; skipped: number };
  makespan: { median: number };
  cost: { coreSeconds: { median: number }; gibSeconds: { median: number } };
  queues: { name: string; capacity: number | null; peakCu: { max: number }; meanCu: { mean: number } }[];
  perJob: { name: string; makespan: { p50: number; p95: number }; waited: { mean: number } }[];
  fastest: boolean;
  cheapest: boolean;
  runs: { seed: number; jobs: { name: string; status: string; makespan: number; waited: number }[] }[];
}

async function compareJson(args: string[], name: string): Promise<{ choices: Choice[]; stdout: string; text: string }> {
  const out = join(dir, name);
  const r = await compare([...args, '--json', out]);
  const text = readFileSync(out, 'utf8');
  return { ...(JSON.parse(text) as { choices: Choice[] }), stdout: r.stdout, text };
}

const perJob = (c: Choice, name: string) => c.perJob.find((j) => j.name === name)!;

describe('queue capacity, hand-computed', () => {
  it('capacity 2 serializes the two jobs, capacity 4 runs them together', async () => {
    const { choices, stdout } = await compareJson([TWO_JOBS, '--queue-capacity', '2,4', '--seeds', '3'], 'two.json');
    const [two, four] = choices;
    expect(choices.map((c) => c.settings.queues)).toEqual([[{ name: 'q', capacity: 2 }], [{ name: 'q', capacity: 4 }]]);
    // Capacity 2: A (admitted first: same priority and submission, then by name) holds its
    // JobManager and one TaskManager (2 CU); its TaskManager is ready at 10 s, its subtask runs
    // 10-110 s. B waits to be admitted until A ends at 110 s: ready at 120 s, ends at 170 s.
    for (const r of two.runs) {
      expect(r.jobs).toEqual([
        { name: 'A', status: 'FINISHED', makespan: 110, waited: 0 },
        { name: 'B', status: 'FINISHED', makespan: 170, waited: 110 },
      ]);
    }
    // Over 3 seeds the makespans are 110, 110, 110, 170, 170, 170: p50 = (110 + 170) / 2,
    // p95 = the 6th of 6 (nearest rank); mean wait = (0 + 110) / 2.
    expect(two.jobs).toEqual({ makespan: { p50: 140, p95: 170 }, waited: { mean: 55 }, finished: 6, failed: 0, skipped: 0 });
    expect(two.makespan.median).toBe(170);
    // 2 CU in use from 0 to 170 s.
    expect(two.queues).toEqual([{ name: 'q', capacity: 2, peakCu: { max: 2 }, meanCu: { mean: 2 } }]);
    // Capacity 4: both admitted at 0; A ends at 110 s, B at 60 s, neither waits.
    for (const r of four.runs) expect(r.jobs.map((j) => [j.makespan, j.waited])).toEqual([[110, 0], [60, 0]]);
    expect(four.jobs).toEqual({ makespan: { p50: 85, p95: 110 }, waited: { mean: 0 }, finished: 6, failed: 0, skipped: 0 });
    expect(four.makespan.median).toBe(110);
    // 4 CU until B ends at 60 s, then 2 CU until 110 s: (4 x 60 + 2 x 50) / 110 (a run gives 3 decimals).
    expect(four.queues[0].peakCu.max).toBe(4);
    expect(four.queues[0].meanCu.mean).toBeCloseTo(340 / 110, 3);
    expect(perJob(two, 'B')).toMatchObject({ makespan: { p50: 170, p95: 170 }, waited: { mean: 110 } });
    expect(perJob(four, 'B')).toMatchObject({ makespan: { p50: 60, p95: 60 }, waited: { mean: 0 } });
    // A JobManager and a TaskManager of 1 core each, for as long as the job runs: A 2 x 110,
    // B 2 x 60, whether B waits or not. Same cost, so the first choice is the cheapest.
    for (const c of choices) expect(c.cost.coreSeconds.median).toBeCloseTo(340, 6);
    for (const c of choices) expect(c.cost.gibSeconds.median).toBeCloseTo(4 * 340, 6);
    expect([two.fastest, four.fastest]).toEqual([false, true]);
    expect([two.cheapest, four.cheapest]).toEqual([true, false]);
    // The table: one row per choice, then the per-job rows.
    expect(stdout).toMatch(/^two-jobs: 2 choices x 3 seeds \(0\.\.2\), 2 jobs in 1 queue$/m);
    expect(stdout).toMatch(/^\s*2 CU\s+140\.0 s\s+170\.0 s\s+55\.0 s\s+170\.0 s\s+6\s+0\s+0\s+340\.0\s+1360\.0\s+2 \/ 2\.0\s+cheapest$/m);
    expect(stdout).toMatch(/^\s*4 CU\s+85\.0 s\s+110\.0 s\s+0\.0 s\s+110\.0 s\s+6\s+0\s+0\s+340\.0\s+1360\.0\s+4 \/ 3\.1\s+fastest$/m);
    expect(stdout).toMatch(/^\s*2 CU\s+A\s+110\.0 s\s+110\.0 s\s+0\.0 s\s+3\s+0\s+0$/m);
    expect(stdout).toMatch(/^\s+B\s+170\.0 s\s+170\.0 s\s+110\.0 s\s+3\s+0\s+0$/m);
  });

  it('NAME=... sweeps one queue and keeps the others; the grid nests in flag order', async () => {
    const path = file(
      'two-queues.yaml',
      `${CLUSTER}queues: [{ name: etl, capacity: 8 }, { name: adhoc, capacity: 3 }]
jobs:
  - name: A
    queue: etl${job(1, 100)}
  - name: B
    queue: adhoc${job(1, 50)}
`,
    );
    const { choices, stdout } = await compareJson([path, '--queue-capacity', 'adhoc=2,4', '--queue-capacity', 'etl=unlimited,2', '--seeds', '1'], 'named.json');
    expect(choices.map((c) => c.label)).toEqual(['adhoc 2 CU, etl unlimited', 'adhoc 2 CU, etl 2 CU', 'adhoc 4 CU, etl unlimited', 'adhoc 4 CU, etl 2 CU']);
    expect(choices[1].settings.queues).toEqual([{ name: 'etl', capacity: 2 }, { name: 'adhoc', capacity: 2 }]);
    expect(choices[0].settings.queues[0].capacity).toBeNull();
    // Queues never lend: each job runs alone in its own queue, whatever the capacity.
    for (const c of choices) expect(c.runs[0].jobs.map((j) => [j.makespan, j.waited])).toEqual([[110, 0], [60, 0]]);
    expect(stdout).toMatch(/^adhoc capacity\s+etl capacity\s+job makespan p50/m);
  });

  it('a list without a name sets every queue not named by another flag', async () => {
    const path = file(
      'three-queues.yaml',
      `${CLUSTER}queues: [{ name: a, capacity: 8 }, { name: b, capacity: 8 }, { name: c, capacity: 8 }]
jobs:
  - name: X
    queue: a${job(1, 10)}
`,
    );
    const { choices, stdout } = await compareJson([path, '--queue-capacity', '2,3', '--queue-capacity', 'b=5', '--seeds', '1'], 'others.json');
    expect(choices.map((c) => c.settings.queues.map((q) => q.capacity))).toEqual([
      [2, 5, 2],
      [3, 5, 2].map((v, i) => (i === 2 ? 3 : v)),
    ]);
    expect(choices.map((c) => c.label)).toEqual(['other queues 2 CU, b 5 CU', 'other queues 3 CU, b 5 CU']);
    expect(stdout).toMatch(/^other queues capacity\s+b capacity/m);
  });
});

describe('max slots, hand-computed', () => {
  // BIG: 2 subtasks of 100 s, its own cap 1 in the scenario; SMALL: 1 subtask of 50 s,
  // submitted at 5 s. Queue of 4 CU.
  const path = file(
    'caps.yaml',
    `${CLUSTER}queues: [{ name: q, capacity: 4 }]
jobs:
  - name: BIG
    queue: q
    config: { slotmanager.number-of-slots.max: 1 }${job(2, 100)}
  - name: SMALL
    queue: q
    submit: 5s${job(1, 50)}
`,
  );

  it('--max-slots replaces every job\'s own cap: unlimited lets BIG take the queue, 1 leaves room for SMALL', async () => {
    const { choices, stdout } = await compareJson([path, '--max-slots', '1,unlimited', '--seeds', '2'], 'caps.json');
    const [one, unlimited] = choices;
    expect(one.settings.maxSlots).toBe(1);
    expect(unlimited.settings.maxSlots).toBe('unlimited');
    // Cap 1: BIG runs its two subtasks one after the other on one TaskManager (10-110, 110-210);
    // SMALL is admitted at 5 s beside it (1 + 1 + 2 CU = 4), ready at 15 s, ends at 65 s.
    expect(one.runs[0].jobs.map((j) => [j.name, j.makespan, j.waited])).toEqual([
      ['BIG', 210, 0],
      ['SMALL', 60, 0],
    ]);
    // Unlimited (BIG's own cap of 1 replaced): BIG holds its JobManager and 2 TaskManagers
    // (3 CU), both subtasks run 10-110; SMALL (2 CU) waits until BIG ends at 110 s, its
    // TaskManager is ready at 120 s and it ends at 170 s: 165 s after its submission.
    expect(unlimited.runs[0].jobs.map((j) => [j.name, j.makespan, j.waited])).toEqual([
      ['BIG', 110, 0],
      ['SMALL', 165, 105],
    ]);
    expect(unlimited.jobs.makespan.p50).toBe(137.5);
    expect(one.jobs.makespan.p50).toBe(135);
    expect(one.fastest).toBe(true);
    expect(stdout).toContain("--max-slots replaces every job's own slotmanager.number-of-slots.max");
  });

  it('without --max-slots each job keeps its own cap, and the heading says which', async () => {
    const { choices, stdout } = await compareJson([path, '--seeds', '1'], 'own.json');
    expect(choices).toHaveLength(1);
    expect(choices[0].label).toBe('as in the scenario');
    expect(choices[0].settings.maxSlots).toBeUndefined();
    expect(choices[0].runs[0].jobs.map((j) => j.makespan)).toEqual([210, 60]);
    expect(stdout).toContain('as in the scenario: queue q 4 CU; max slots per job: 1 (BIG), unlimited (SMALL)');
  });
});

describe('failures and workflows', () => {
  it('a failed job makes its dependents SKIPPED; such a choice is never marked', async () => {
    const path = file(
      'flow.yaml',
      `${CLUSTER}config: { restart-strategy.type: none }
jobs:
  - name: first
    faults: [{ type: subtask, vertex: work, subtask: 0, attempt: 0, at: 0.5 }]${job(1, 100)}
  - name: second
    after: [first]${job(1, 10)}
`,
    );
    const { choices, stdout } = await compareJson([path, '--queue-capacity', '2,4', '--seeds', '2'], 'flow.json');
    for (const c of choices) {
      expect(c.failed).toBe(2);
      expect(c.jobs).toMatchObject({ finished: 0, failed: 2, skipped: 2 });
      // The failed job counts with the time until it failed: 10 s start-up, half of 100 s.
      expect(c.jobs.makespan.p50).toBe(60);
      expect(c.fastest || c.cheapest).toBe(false);
    }
    expect(stdout).toMatch(/^default 2 CU: 2 of 2 runs had a job that did not finish; first cause: job `first`: /m);
    expect(stdout).toContain('every choice had a job that did not finish: none is marked fastest or cheapest');
  });
});

describe('repeatability', () => {
  it('the same scenario and seeds give the same JSON, CSV and page, byte for byte; another first seed draws other arrivals', async () => {
    const path = file(
      'arrivals.yaml',
      `${CLUSTER}queues: [{ name: q, capacity: 6 }]
jobs:
  - name: query
    queue: q
    arrivals: { poisson: { mean: 30s }, count: 12 }${job(2, 40)}
`,
    );
    const args = [path, '--queue-capacity', '3,6', '--max-slots', '1,2', '--seeds', '3'];
    const outs = (tag: string) => ['--csv', join(dir, `${tag}.csv`), '--report', join(dir, `${tag}.html`)];
    const a = await compareJson([...args, ...outs('a')], 'a.json');
    const b = await compareJson([...args, ...outs('b')], 'b.json');
    expect(b.text).toBe(a.text);
    expect(b.stdout).toBe(a.stdout);
    for (const ext of ['csv', 'html']) expect(readFileSync(join(dir, `b.${ext}`), 'utf8')).toBe(readFileSync(join(dir, `a.${ext}`), 'utf8'));
    const c = await compareJson([...args, '--seed', '100'], 'c.json');
    expect(c.text).not.toBe(a.text);
    // The arrival process's jobs are one entry in the per-job rows.
    expect(a.choices[0].perJob.map((j) => j.name)).toEqual(['query']);
    expect(a.choices[0].jobs.finished).toBe(36);
    // Queues never hold more than their capacity, whatever the arrivals.
    for (const ch of a.choices) for (const q of ch.queues) expect(q.peakCu.max).toBeLessThanOrEqual(q.capacity ?? Infinity);
    // At 3 CU with one slot a job holds 2 CU (its JobManager and one TaskManager) and another
    // would need 2 more: never more than 2 in use. With two slots a job takes all 3.
    expect(a.choices.slice(0, 2).map((ch) => [ch.label, ch.queues[0].peakCu.max])).toEqual([
      ['q 3 CU, max slots 1', 2],
      ['q 3 CU, max slots 2', 3],
    ]);
  });
});

describe('outputs', () => {
  it('CSV: one row per choice, capacities and statistics in plain units, queue names in the headers', async () => {
    await compare([TWO_JOBS, '--queue-capacity', '2,unlimited', '--seeds', '1', '--csv', join(dir, 'two.csv')]);
    const lines = readFileSync(join(dir, 'two.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      'choice,label,queue:q:capacity_cu,max_slots,runs,runs_with_unfinished_jobs,jobs_finished,jobs_failed,jobs_skipped,job_makespan_p50_s,job_makespan_p95_s,mean_wait_s,all_done_median_s,core_seconds_median,gib_seconds_median,queue:q:peak_cu_max,queue:q:mean_cu_mean,fastest,cheapest',
    );
    expect(lines[1]).toMatch(/^0,q 2 CU,2,own,1,0,2,0,0,140,170,55,170,340(\.\d+)?,1360(\.\d+)?,2,2,false,true$/);
    expect(lines[2]).toMatch(/^1,q unlimited,inf,own,1,0,2,0,0,85,110,0,110,/);
  });

  it('the HTML page holds the table, the per-job table and three charts, every name escaped', async () => {
    const path = file(
      'escape.yaml',
      `name: "<b>night</b>"
${CLUSTER}queues: [{ name: "q<1>", capacity: 8 }]
jobs:
  - name: "A&B"
    queue: "q<1>"${job(1, 100)}
  - name: C
    queue: "q<1>"${job(1, 50)}
`,
    );
    await compare([path, '--queue-capacity', '2,4', '--seeds', '1', '--report', join(dir, 'page.html')]);
    const html = readFileSync(join(dir, 'page.html'), 'utf8');
    expect(html).not.toContain('<b>night</b>');
    expect(html).toContain('&lt;b&gt;night&lt;/b&gt;');
    expect(html).toContain('A&amp;B');
    expect(html).not.toMatch(/[^"]q<1>/);
    expect(html.match(/<tr data-choice=/g)).toHaveLength(2 + 4);
    for (const id of ['chart-makespan', 'chart-wait', 'chart-cost']) expect(html).toContain(`id="${id}"`);
    expect(html.match(/<rect class="bar/g)).toHaveLength(6);
  });
});

describe('refused flags (exit 2)', () => {
  const single = file('single.yaml', `${CLUSTER}job:\n  vertices:\n    - { id: work, parallelism: 1, source: { bytes: 0 }, fixed: 1s }\n`);
  // A bad value is refused by the option's parser (main.ts exits 2 on it: see the e2e test).
  it.each([
    [['--queue-capacity', '0'], /expected a capacity in CU \(a number > 0\) or `unlimited`, got `0`/],
    [['--queue-capacity', '-5'], /got `-5`/],
    [['--queue-capacity', 'fast'], /got `fast`/],
    [['--queue-capacity', '32,,64'], /expected a comma-separated list of capacities/],
    [['--queue-capacity', '32,32'], /`32` is listed twice/],
    [['--queue-capacity', '=32'], /no queue name before `=`/],
    [['--queue-capacity', 'q=1e3'], /got `1e3`/],
    [['--max-slots', '0'], /expected an integer >= 1 or `unlimited`, got `0`/],
    [['--queue-capacity', 'nope=4'], /the scenario has no queue `nope`; its queues are `q`/],
    [['--queue-capacity', 'q=4', '--queue-capacity', 'q=8'], /queue `q` is given twice/],
    [['--queue-capacity', '4', '--queue-capacity', '8'], /only one list without a queue name/],
    [['--queue-capacity', 'q=4', '--queue-capacity', '8'], /every queue is named/],
    [['--queue-capacity', '1.5'], /--queue-capacity 1\.5 for queue `q`: job `A` needs 2 CU to start \(its JobManager 1 CU and one TaskManager 1 CU\), so it could never run/],
    [['--slots', '2'], /--slots does not apply to a multi-job scenario \(`jobs:`\); it sweeps --queue-capacity and --max-slots/],
    [['--shuffle', 'remote', '--mode', 'batch'], /--shuffle, --mode do not apply/],
    [['--shard', '0/2', '--out', join(dir, 'part.json')], /--shard, --out do not apply to a multi-job scenario/],
  ])('%j', async (flags, message) => {
    const r = await refused([TWO_JOBS, ...flags]);
    expect(r.exitCode === 2 || r.code === 'commander.invalidArgument').toBe(true);
    expect(r.message).toMatch(message);
  });

  it('--queue-capacity on a single-job scenario', async () => {
    const r = await refused([single, '--queue-capacity', '32']);
    expect(r.exitCode).toBe(2);
    expect(r.message).toMatch(/--queue-capacity sweeps the queues of a multi-job scenario \(`jobs:`\); .*single\.yaml holds a single job/);
  });

  it('--max-slots on a single-job scenario keeps sweeping its slot cap', async () => {
    const { stdout } = await compare([single, '--max-slots', '1,2', '--seeds', '1']);
    expect(stdout).toMatch(/^max slots\s+makespan p50/m);
  });
});

// ---------------------------------------------------------------------------
// The parts on their own

function workloadOf(text: string): WorkloadSpec {
  const s = loadScenario(text, 'w.yaml');
  if (s.kind !== 'workload') throw new Error('not a workload');
  return s.workload;
}

describe('grid', () => {
  const w = workloadOf(`${CLUSTER}queues: [{ name: a, capacity: 8 }, { name: b, capacity: 9 }]
jobs:
  - name: X
    queue: a
    config: { slotmanager.number-of-slots.max: 3 }${job(1, 10)}
  - name: Y
    queue: b
    every: 1min
    count: 2${job(1, 10)}
`);

  it('is the product of the axes, first varying slowest; its size is known before it is built', () => {
    const axes = { capacity: [{ queue: 'b', values: [4, 5] }, { queue: null, values: [2, 3, 6] }], maxSlots: [1, Infinity] };
    const swept = sweptAxes(w, axes);
    expect(swept.map((a) => [a.kind, a.queues, a.everyQueue])).toEqual([
      ['capacity', ['b'], false],
      ['capacity', ['a'], true],
      ['maxSlots', [], false],
    ]);
    const grid = buildWorkloadGrid(w, swept);
    expect(grid).toHaveLength(workloadGridSize(axes));
    expect(grid).toHaveLength(12);
    expect(grid.slice(0, 3).map((c) => c.values)).toEqual([
      [4, 2, 1],
      [4, 2, Infinity],
      [4, 3, 1],
    ]);
    expect(grid[1].overrides).toEqual({ capacity: { b: 4, a: 2 }, maxSlots: Infinity });
    expect(grid[1].label).toBe('b 4 CU, other queues 2 CU, max slots unlimited');
  });

  it('a choice replaces every job\'s cap, its own included, and the capacities; the rest stays', () => {
    const applied = applyWorkloadChoice(w, { capacity: { b: 2 }, maxSlots: 7 });
    expect(applied.queues).toEqual([
      { name: 'a', capacityCu: 8 },
      { name: 'b', capacityCu: 2 },
    ]);
    const caps = applied.entries.map((e) => (e.kind === 'poisson' ? -1 : e.job.spec.cluster.maxSlots));
    expect(caps).toEqual([7, 7]);
    expect(w.entries.map((e) => (e.kind === 'poisson' ? -1 : e.job.spec.cluster.maxSlots))).toEqual([3, Infinity]);
    expect(applyWorkloadChoice(w, {}).entries[0]).toBe(w.entries[0]);
  });

  it('a capacity a job cannot start in is refused, naming the queue, the job and the CU', () => {
    expect(() => applyWorkloadChoice(w, { capacity: { b: 1 } })).toThrow(SweepFlagError);
    expect(() => applyWorkloadChoice(w, { capacity: { b: 1 } })).toThrow(/queue `b`: job `Y` needs 2 CU/);
  });
});

describe('statistics and marks', () => {
  const run = (seed: number, jobs: [string, 'FINISHED' | 'FAILED' | 'SKIPPED', number, number][]): WorkloadRunSummary => ({
    seed,
    status: jobs.every((j) => j[1] === 'FINISHED') ? 'FINISHED' : 'FAILED',
    makespan: Math.max(...jobs.map((j) => j[2])),
    coreSeconds: 10 * seed,
    gibSeconds: 40 * seed,
    jobs: jobs.map(([name, status, makespan, waited]) => ({ name, status, makespan, waited })),
    queues: [{ peakCu: seed, meanCu: seed / 2 }],
    failureCause: null,
  });

  it('pools every job of every seed, groups NAME#k under NAME, leaves SKIPPED jobs out of times', () => {
    const s = workloadChoiceStats(
      [run(1, [['a', 'FINISHED', 10, 0], ['q#0', 'FINISHED', 20, 4], ['q#1', 'FAILED', 30, 2]]), run(3, [['a', 'FINISHED', 50, 6], ['q#0', 'SKIPPED', 0, 0], ['q#1', 'FINISHED', 40, 0]])],
      ['a', 'q'],
      [{ name: 'main', capacityCu: 8 }],
    );
    // Makespans of the jobs that ran: 10, 20, 30, 50, 40 -> median 30; p95 = the 5th of 5.
    expect(s.jobs).toEqual({ finished: 4, failed: 1, skipped: 1, makespanP50: 30, makespanP95: 50, meanWait: 12 / 5 });
    expect(s.failed).toBe(2);
    expect(s.perJob).toEqual([
      { name: 'a', finished: 2, failed: 0, skipped: 0, makespanP50: 30, makespanP95: 50, meanWait: 3 },
      { name: 'q', finished: 2, failed: 1, skipped: 1, makespanP50: 30, makespanP95: 40, meanWait: 2 },
    ]);
    expect(s.queues).toEqual([{ name: 'main', capacity: 8, peakCuMax: 3, meanCuMean: 1 }]);
    expect(s.coreSecondsMedian).toBe(20);
    expect(s.lastEndMedian).toBe(40);
    expect(entryOf('nightly#12')).toBe('nightly');
  });

  it('the best choice goes by the first key, a tie to the next key, then to the first choice; failures never win', () => {
    const st = (p50: number, p95: number, failed = 0) => ({ failed, jobs: { makespanP50: p50, makespanP95: p95 } }) as unknown as WorkloadChoiceStats;
    const keys = [(s: WorkloadChoiceStats) => s.jobs.makespanP50 ?? Infinity, (s: WorkloadChoiceStats) => s.jobs.makespanP95 ?? Infinity];
    expect(bestWorkloadIndex([st(10, 90), st(10, 80), st(10, 80)], keys)).toBe(1);
    expect(bestWorkloadIndex([st(10, 90), st(5, 99, 1), st(11, 1)], keys)).toBe(0);
    expect(bestWorkloadIndex([st(1, 1, 1)], keys)).toBe(-1);
  });
});
