//! End-to-end tests of `batchsim compare`: the brief's slots-per-TaskManager claim, worker-count independence, repeatability, output files, progress and colour.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCompareCommand, type CompareIo } from '../../src/cli/commands/compare.js';

const root = resolve(import.meta.dirname, '../..');
const scenarioFile = join(root, 'sim-scenarios/compare-slots-per-tm.yaml');
const dir = mkdtempSync(join(tmpdir(), 'batchsim-compare-'));

/** Collects what is written; `isTTY` makes it look like a terminal to the command. */
class Sink extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  columns = 120;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

type Register = (program: Command, io?: CompareIo) => void;

/** Runs `compare ARGS` through a fresh program, as main.ts will, capturing stdout and stderr. */
async function compare(args: string[], opts: { register?: Register; stdoutTty?: boolean; stderrTty?: boolean; env?: Record<string, string> } = {}) {
  const stdout = new Sink(opts.stdoutTty);
  const stderr = new Sink(opts.stderrTty);
  const program = new Command().name('batchsim').exitOverride();
  program.configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  (opts.register ?? registerCompareCommand)(program, { stdout, stderr, env: opts.env ?? {} });
  await program.parseAsync(['compare', ...args], { from: 'user' });
  return { stdout: stdout.text, stderr: stderr.text };
}

interface JsonChoice {
  settings: { slots: number; shuffle: string };
  makespan: { median: number; p95: number };
  taskManagers: { created: { median: number } };
  failed: number;
  restarts: { total: number };
  fastest: boolean;
  cheapest: boolean;
  runs: { status: string; failureCause: string | null; restarts: number }[];
}

async function compareJson(args: string[], name: string, register?: Register): Promise<{ choices: JsonChoice[]; stdout: string }> {
  const out = join(dir, name);
  const r = await compare([...args, '--json', out], { register });
  return { ...JSON.parse(readFileSync(out, 'utf8')), stdout: r.stdout };
}

// The threaded path needs compiled JavaScript (plain Node cannot start a worker on a .ts
// file), so those tests load the command and the grid runner from dist/.
let dist: { register: Register; runGrid: typeof import('../../src/compare/run-grid.js').runGrid; grid: typeof import('../../src/compare/grid.js') };

beforeAll(async () => {
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    // Type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal.
    if (!existsSync(join(root, 'dist/compare/worker.js'))) throw err;
  }
  const load = (p: string) => import(pathToFileURL(join(root, 'dist', p)).href);
  dist = {
    register: (await load('cli/commands/compare.js')).registerCompareCommand,
    runGrid: (await load('compare/run-grid.js')).runGrid,
    grid: await load('compare/grid.js'),
  };
}, 180_000);

describe('the brief: slots per TaskManager', () => {
  it('fewer slots per TaskManager start more TaskManagers; eight share one disk and are slowest; four are fastest', async () => {
    const { choices } = await compareJson([scenarioFile, '--slots', '1,2,4,8', '--seeds', '10'], 'claim.json');
    const [one, two, four, eight] = choices;
    expect(choices.map((c) => c.settings.slots)).toEqual([1, 2, 4, 8]);
    expect(choices.every((c) => c.failed === 0)).toBe(true);
    // Start-ups: every step up from one subtask to four needs new 1-slot TaskManagers.
    expect(one.taskManagers.created.median).toBeGreaterThan(two.taskManagers.created.median);
    expect(two.taskManagers.created.median).toBeGreaterThan(four.taskManagers.created.median);
    expect(four.taskManagers.created.median).toBeGreaterThanOrEqual(eight.taskManagers.created.median);
    // Four slots save the start-ups (a 30 s wait each) at the price of sharing a disk by four.
    expect(four.fastest).toBe(true);
    expect(one.makespan.median - four.makespan.median).toBeGreaterThan(15);
    // Eight scan subtasks share one disk: slower than four by well over the scan's own time alone.
    expect(eight.makespan.median - four.makespan.median).toBeGreaterThan(30);
  });

  it('the report names the disk: with 8 slots the scan is held back by disk, with 1 slot it is not', async () => {
    const { scenarioForChoice } = await import('../../src/compare/grid.js');
    const { simulate } = await import('../../src/sim/simulate.js');
    const text = readFileSync(scenarioFile, 'utf8');
    const scan = (slots: number) => simulate(scenarioForChoice(text, scenarioFile, { slots }).spec).result.vertices.find((v) => v.id === 'scan')!;
    expect(scan(8).boundBy).toBe('disk');
    expect(scan(1).boundBy).not.toBe('disk');
  });

  it('with unlimited disk bandwidth the disk no longer slows eight slots: they lose their lag behind four', async () => {
    const { choices } = await compareJson([scenarioFile, '--slots', '4,8', '--disk-bandwidth', 'unlimited', '--seeds', '3'], 'nodisk.json');
    const [four, eight] = choices;
    expect(eight.makespan.median).toBeLessThanOrEqual(four.makespan.median);
  });
});

describe('memory per slot', () => {
  it('--memory-per-slot 2GiB,4GiB,8GiB: one choice each, GiB-seconds growing in proportion to the memory', async () => {
    const { choices, stdout } = await compareJson([scenarioFile, '--memory-per-slot', '2GiB,4GiB,8GiB', '--seeds', '2'], 'memory.json');
    const settings = choices.map((c) => (c.settings as unknown as { memoryPerSlotBytes: number }).memoryPerSlotBytes);
    expect(settings).toEqual([2, 4, 8].map((g) => g * 2 ** 30));
    // Nothing in this job spills or holds heap, so the schedules are the same and only the
    // TaskManagers' memory changes: TaskManager GiB-seconds are linear in the memory per slot.
    const gib = (choices as unknown as { cost: { gibSeconds: { median: number } } }[]).map((c) => c.cost.gibSeconds.median);
    expect(gib[2] - gib[1]).toBeCloseTo(2 * (gib[1] - gib[0]), 6);
    expect(gib[1]).toBeGreaterThan(gib[0]);
    expect(stdout).toMatch(/^memory\/slot/m);
    expect(stdout).toMatch(/^\s*2\.00 GiB\s/m);
  });
});

describe('worker threads', () => {
  it('the same JSON with 1 worker and with 2 workers', async () => {
    const args = [scenarioFile, '--slots', '1,2,4', '--shuffle', 'remote,local', '--seeds', '4'];
    const a = await compareJson([...args, '--workers', '1'], 'w1.json', dist.register);
    const b = await compareJson([...args, '--workers', '2'], 'w2.json', dist.register);
    expect(b).toEqual(a);
    expect(readFileSync(join(dir, 'w2.json'), 'utf8')).toBe(readFileSync(join(dir, 'w1.json'), 'utf8'));
  });

  it('really runs on threads from dist/, with the inline results, in run order', async () => {
    const text = readFileSync(scenarioFile, 'utf8');
    const g = dist.grid;
    const spec = (await import('../../src/scenario/load.js')).loadJobScenario(text, scenarioFile).spec;
    const choices = g.buildGrid(g.baseSettings(spec), { slots: [1, 2, 4], shuffle: ['local'] });
    const runs = g.buildRuns(choices, g.seedList(spec.seed, 5));
    const job = { text, file: scenarioFile, overrides: choices.map((c) => c.overrides), runs };
    const progress: number[] = [];
    const inline = await dist.runGrid(job, { workers: 1 });
    const threaded = await dist.runGrid(job, { workers: 3, onProgress: (done: number, total: number) => progress.push(total - done) });
    expect(inline.threads).toBe(0);
    expect(threaded.threads).toBe(3);
    expect(threaded.summaries).toEqual(inline.summaries);
    expect(threaded.summaries.map((s) => s.seed)).toEqual(runs.map((r) => r.seed));
    expect(progress).toHaveLength(runs.length);
    expect(progress.at(-1)).toBe(0);
    // More workers than runs is capped at the number of runs.
    expect((await dist.runGrid({ ...job, runs: runs.slice(0, 2) }, { workers: 8 })).threads).toBe(2);
    // A run that throws in a worker rejects the whole grid, naming the run (whichever thread fails first).
    await expect(dist.runGrid({ ...job, overrides: [] }, { workers: 2 })).rejects.toThrow(/run \d+ \(choice 0, seed \d+\): no choice 0/);
  });
});

describe('output', () => {
  it('the same seeds give the same table text', async () => {
    const args = [scenarioFile, '--slots', '1,2', '--seeds', '3'];
    const a = await compare(args);
    const b = await compare(args);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('clickstream-daily-report: 2 choices x 3 seeds (7..9)');
    const other = await compare([...args, '--seed', '100']);
    expect(other.stdout).toContain('(100..102)');
  });

  it('writes --json, --csv and --report, each parseable, with scenario text escaped in the page', async () => {
    const name = `<img src=x onerror=alert(1)> "Tom & Jerry's"`;
    const text = readFileSync(scenarioFile, 'utf8').replace(/^name: .*$/m, `name: ${JSON.stringify(name)}`);
    const file = join(dir, 'escaped.yaml');
    writeFileSync(file, text);
    const out = { json: join(dir, 'out.json'), csv: join(dir, 'out.csv'), report: join(dir, 'out.html') };
    await compare([file, '--slots', '1,2', '--shuffle', 'remote,local', '--seeds', '2', '--json', out.json, '--csv', out.csv, '--report', out.report]);

    const doc = JSON.parse(readFileSync(out.json, 'utf8'));
    expect(doc.scenario).toBe(name);
    expect(doc.choices).toHaveLength(4);
    expect(doc.choices[0].runs).toHaveLength(2);

    const csv = readFileSync(out.csv, 'utf8').trimEnd().split('\n');
    expect(csv[0].split(',')).toContain('makespan_median_s');
    expect(csv).toHaveLength(5);
    for (const row of csv.slice(1)) expect(row.split(',')).toHaveLength(csv[0].split(',').length);

    const html = readFileSync(out.report, 'utf8');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;Tom &amp; Jerry&#39;s&quot;');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html.match(/<rect class="bar[^"]*"/g)).toHaveLength(8); // 4 choices x 2 charts
    expect(html).toContain('id="chart-makespan"');
    expect(html).toContain('id="chart-cost"');
    // Written to a temporary name and renamed: nothing else is left beside the outputs.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a progress bar on stderr only when it is a terminal, and no colour with NO_COLOR', async () => {
    const args = [scenarioFile, '--slots', '1,2', '--seeds', '2'];
    const quiet = await compare(args);
    // Only the scenario's warnings (a choice whose disk differs from the brief's rule), no bar.
    expect(quiet.stderr.split('\n').filter((l) => l !== '' && !l.includes(': warning: '))).toEqual([]);
    expect(quiet.stderr).not.toContain('runs');
    expect(quiet.stdout).not.toContain('\x1b');

    const tty = await compare(args, { stdoutTty: true, stderrTty: true });
    expect(tty.stderr).toContain('runs');
    expect(tty.stderr).toContain('\x1b[36m');
    expect(tty.stdout).toContain('\x1b[1;32mfastest');

    const noColor = await compare(args, { stdoutTty: true, stderrTty: true, env: { NO_COLOR: '1' } });
    expect(noColor.stderr).toContain('runs');
    expect(noColor.stderr).not.toMatch(/\x1b\[[0-9;]*m/);
    expect(noColor.stdout).not.toContain('\x1b');
    expect(noColor.stdout).toBe(quiet.stdout);
  });

  it('rejects bad values as usage errors', async () => {
    for (const bad of [['--slots', '0'], ['--shuffle', 'hybrid'], ['--max-slots', '-3'], ['--avg-volume', 'lots'], ['--seeds', '0'], ['--workers', 'two']]) {
      const err = await compare([scenarioFile, ...bad]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CommanderError);
      expect((err as CommanderError).code).toBe('commander.invalidArgument');
    }
  });
});
