//! `batchsim advise` from the command line: bad flags exit 2 with a message, --fix is respected, and the answer does not depend on the worker threads.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAdviseCommand } from '../../src/cli/commands/advise.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'batchsim-advise-'));

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}, 120_000);

function batchsim(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const job = join(dir, 'job.yaml');
writeFileSync(
  job,
  `name: small
seed: 3
cluster: { taskmanager: { slots: 2, cpuPerSlot: 1, memoryPerSlot: 4GiB, startup: 5s } }
job:
  vertices:
    - { id: src, parallelism: 4, source: { bytes: 2GiB }, rate: 100MiB/s, jitter: { sigma: 0.1 } }
    - { id: agg, parallelism: 4, inputs: [{ from: src }], rate: 50MiB/s, managedMemory: true, heap: 300MiB, jitter: { sigma: 0.1 } }
`,
);

describe('bad flags: exit 2 with a message naming the flag and what is allowed, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['--deadline', 'soon'], /--deadline.*Expected a number of seconds or a string such as/],
    [['--deadline', '0s'], /--deadline.*expected a duration > 0/],
    [['--percentile', '0'], /--percentile.*above 0 and at most 100/],
    [['--budget', '-5'], /--budget.*CU-seconds > 0/],
    [['--objective', 'fast'], /--objective.*`cost` or `makespan`/],
    [['--safety', '1.5'], /--safety.*above 0 and at most 1/],
    [['--fix', 'cores=2'], /--fix.*KEY one of slots, cpu-per-slot, memory-per-slot, max-slots, shuffle, avg-volume, parallelism/],
    [['--fix', 'slots=1,2'], /--fix takes one value/],
    [['--vary', 'slots=0'], /--vary.*integer >= 1/],
    [['--vary', 'shuffle=local,disk'], /expected `local` or `remote`, got `disk`/],
    [['--fix', 'slots=2', '--vary', 'slots=1,2'], /slots is given to both --fix and --vary/],
    [['--fix', 'slots=2', '--fix', 'slots=4'], /slots is given twice/],
    [['--seeds', '0'], /--seeds.*integer >= 1/],
  ];
  for (const [flags, message] of cases) {
    it(flags.join(' '), () => {
      const r = batchsim(['advise', job, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }
});

describe('advise end to end', () => {
  const args = ['advise', job, '--deadline', '2min', '--seeds', '4', '--fix', 'slots=2', '--vary', 'cpu-per-slot=0.5,1,2', '--vary', 'memory-per-slot=2GiB,4GiB,8GiB'];

  it('respects --fix, writes JSON and a report holding the same JSON, and gives the same answer on one thread or two', () => {
    const one = batchsim([...args, '--workers', '1', '--json', join(dir, 'one.json'), '--report', join(dir, 'one.html')]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^small: the cheapest settings with makespan p95 <= 120\.0 s, over 4 seeds \(3\.\.6\)/);
    expect(one.stdout).toMatch(/paste into the scenario/);
    const two = batchsim([...args, '--workers', '2', '--json', join(dir, 'two.json')]);
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const json = readFileSync(join(dir, 'one.json'), 'utf8');
    expect(readFileSync(join(dir, 'two.json'), 'utf8')).toBe(json);
    const a = JSON.parse(json);
    expect(a.space.slots).toEqual([2]);
    expect(a.fixed).toEqual(['slots']);
    expect(a.outcome).toBe('meets');
    expect(a.recommendation.settings.slots).toBe(2);
    for (const f of [...a.front, ...a.failed]) expect(f.settings.slots).toBe(2);
    expect(a.block).toMatch(/^cluster:\n {2}taskmanager:\n {4}slots: 2\n/);
    const html = readFileSync(join(dir, 'one.html'), 'utf8');
    expect(html).toContain('<svg class="chart" id="chart-front"');
    const embedded = /<script type="application\/json" id="batchsim-advise">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(JSON.parse(embedded)).toEqual(a);
  }, 60_000);

  it('--json alone puts the JSON on stdout and the summary on stderr', () => {
    const r = batchsim([...args, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario).toBe('small');
    expect(r.stderr).toMatch(/recommended: /);
  }, 60_000);
});

/** Collects what is written; `isTTY` makes it look like a terminal to the command. */
class Sink extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('progress', () => {
  async function advise(stderrTty: boolean) {
    const stdout = new Sink();
    const stderr = new Sink(stderrTty);
    const program = new Command().name('batchsim').exitOverride();
    registerAdviseCommand(program, { stdout, stderr, env: {} });
    await program.parseAsync(['advise', job, '--seeds', '10', '--fix', 'shuffle=local'], { from: 'user' });
    return { stdout: stdout.text, stderr: stderr.text };
  }

  it('on a terminal, stderr counts the runs and clears the line at the end; redirected, it gets nothing', async () => {
    const tty = await advise(true);
    expect(tty.stderr).toMatch(/^\radvise: 50 runs, \d+ settings/);
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    const piped = await advise(false);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toBe(tty.stdout);
  }, 60_000);
});
