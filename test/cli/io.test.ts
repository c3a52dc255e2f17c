//! Command-line inputs and outputs: `-` for standard input and output, special files written into, file errors as exit 2, a closed stdout.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'batchsim-io-'));
const scenarioFile = join(root, 'sim-scenarios/default.yaml');
const compareFile = join(root, 'sim-scenarios/compare-slots-per-tm.yaml');

beforeAll(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}, 120_000);

function batchsim(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', input, maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |internal error/);

describe('special files are written into, never replaced', () => {
  let fifoWorked = false;

  it('a FIFO gets the whole output and stays a FIFO', async () => {
    const fifo = join(dir, 'trace.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader in another process: opening a FIFO for writing waits for one.
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise<void>((res) => reader.on('close', () => res()));
    const r = spawn(process.execPath, [cli, 'run', scenarioFile, '--trace', fifo], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    r.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((res) => r.on('close', res));
    await done;
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse(got).traceEvents.length).toBeGreaterThan(100);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    fifoWorked = true;
  });

  it('/dev/null stays a character device after every output option points at it', (ctx) => {
    // Only once writing into a FIFO is known to work: a regression here, run as root, would replace /dev/null.
    if (!fifoWorked) ctx.skip();
    if (!existsSync('/dev/null') || !statSync('/dev/null').isCharacterDevice()) ctx.skip();
    const r = batchsim(['run', scenarioFile, '--json', '/dev/null', '--trace', '/dev/null', '--metrics', '/dev/null', '--vertices', '/dev/null', '--report', '/dev/null']);
    expect(r.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const c = batchsim(['compare', compareFile, '--slots', '1,2', '--seeds', '1', '--json', '/dev/null', '--csv', '/dev/null', '--report', '/dev/null']);
    expect(c.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    const rep = batchsim(['report', scenarioFile, '-o', '/dev/null']);
    expect(rep.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('outputs that cannot be written: exit 2 naming the path and why, before any work', () => {
  it.each([
    ['a missing directory', () => join(dir, 'no-such-dir', 'out.json'), /no-such-dir\/out\.json: cannot write the --trace output: the directory .*no-such-dir does not exist/],
    ['an existing directory', () => dir, /cannot write the --trace output: is a directory/],
    ['a name longer than the file system allows', () => join(dir, `${'n'.repeat(256)}.json`), /cannot write the --trace output: the name is too long for the file system/],
    ['a parent that is a file', () => join(scenarioFile, 'x.json'), /cannot write the --trace output: .*not a directory/],
  ])('%s', (_name, path, message) => {
    const p = path();
    const r = batchsim(['run', scenarioFile, '--trace', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(p);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    noStack(r.stderr);
  });

  it('a read-only directory (skipped as root, where permissions do not apply)', (ctx) => {
    if (process.getuid?.() === 0) {
      console.log('skipped: running as root, which may write into a read-only directory');
      ctx.skip();
    }
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const r = batchsim(['run', scenarioFile, '--json', join(ro, 'out.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/read-only\/out\.json: cannot write the --json output: the directory .* is not writable/);
    noStack(r.stderr);
  });

  it('the same for compare, report and import', () => {
    const missing = join(dir, 'missing', 'x');
    for (const args of [
      ['compare', compareFile, '--seeds', '1', '--csv', missing],
      ['report', scenarioFile, '-o', missing],
      ['import', join(root, 'test/fixtures/import/union-three-inputs.json'), '-o', missing],
    ]) {
      const r = batchsim(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/missing\/x: cannot write the --\w+ output: the directory .*missing does not exist/);
      noStack(r.stderr);
    }
  });

  it('an output that is the input, or another output, is refused before anything is written', () => {
    const copy = join(dir, 'own.yaml');
    writeFileSync(copy, readFileSync(scenarioFile, 'utf8'));
    const link = join(dir, 'own-link.yaml');
    execFileSync('ln', ['-s', copy, link]);
    for (const args of [
      ['run', copy, '--json', copy],
      ['report', link, '-o', copy],
      ['compare', copy, '--seeds', '1', '--report', link],
    ]) {
      const r = batchsim(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/would overwrite the input/);
    }
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(scenarioFile, 'utf8'));
    const twice = batchsim(['run', copy, '--json', join(dir, 'same.out'), '--trace', join(dir, 'same.out')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/same\.out: --trace would overwrite --json/);
    expect(existsSync(join(dir, 'same.out'))).toBe(false);
  });

  it('a final name at the 255-byte limit is written: the temporary name fits too', () => {
    const name = `${'m'.repeat(250)}.json`;
    const r = batchsim(['run', scenarioFile, '--json', join(dir, name)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, name), 'utf8')).status).toBe('FINISHED');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('`-` is standard input and standard output', () => {
  const text = readFileSync(scenarioFile, 'utf8');

  it('run -, validate -, report -, compare - read the scenario from standard input', () => {
    expect(batchsim(['run', '-', '--json'], text).stdout).toBe(batchsim(['run', scenarioFile, '--json']).stdout);
    const v = batchsim(['validate', '-'], text);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe('<stdin>: OK (5 vertices)\n');
    const rep = batchsim(['report', '-', '-o', '-'], text);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toMatch(/^<!doctype html>/i);
    expect(rep.stderr).toBe('report: FINISHED in 64.3 s, 16 TaskManagers\n');
    const c = batchsim(['compare', '-', '--slots', '1,2', '--seeds', '1', '--json'], readFileSync(compareFile, 'utf8'));
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout).file).toBe('<stdin>');
    // Errors in standard input name it.
    const bad = batchsim(['validate', '-'], 'job: {}\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^<stdin>: job\.vertices: is required/);
  });

  it.each([['--json'], ['--trace'], ['--metrics'], ['--vertices'], ['--report']])('run %s - writes to stdout, the summary to stderr', (option) => {
    const r = batchsim(['run', scenarioFile, option, '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(200);
    expect(existsSync(join(dir, '-'))).toBe(false);
    if (option === '--json') expect(JSON.parse(r.stdout).status).toBe('FINISHED');
    if (option === '--trace') expect(JSON.parse(r.stdout)).toHaveProperty('traceEvents');
    if (option === '--metrics' || option === '--vertices') expect(r.stdout).toMatch(/^[a-z_]+,/);
    if (option === '--report') expect(r.stdout).toMatch(/^<!doctype html>/i);
    // --json alone replaces the summary; any other output to stdout moves it to stderr.
    if (option === '--json') expect(r.stderr).toBe('');
    else expect(r.stderr).toMatch(/^nightly-sales-rollup \(seed 42, BATCH\)\nstatus\s+FINISHED/);
  });

  it('compare --json -, --csv -, --report - write to stdout, the table to stderr', () => {
    for (const [option, check] of [
      ['--json', (s: string) => expect(JSON.parse(s).choices).toHaveLength(2)],
      ['--csv', (s: string) => expect(s.split('\n')[0]).toMatch(/^choice,slots,/)],
      ['--report', (s: string) => expect(s).toMatch(/^<!doctype html>/i)],
    ] as const) {
      const r = batchsim(['compare', compareFile, '--slots', '1,2', '--seeds', '1', option, '-']);
      expect(r.code).toBe(0);
      check(r.stdout);
      expect(r.stderr).toContain('clickstream-daily-report: 2 choices x 1 seed (7)');
    }
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('import -o - writes the YAML to stdout', () => {
    const plan = readFileSync(join(root, 'test/fixtures/import/union-three-inputs.json'), 'utf8');
    const r = batchsim(['import', '-', '-o', '-'], plan);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(batchsim(['import', '-'], plan).stdout);
    expect(r.stdout).toContain('job:');
  });

  it('two outputs to stdout at once: exit 2', () => {
    const r = batchsim(['run', scenarioFile, '--json', '--trace', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only one output can go to standard output, got --json and --trace/);
    expect(r.stdout).toBe('');
  });
});

describe('--json [FILE]: the same convention in every command', () => {
  it('run and compare print JSON on stdout with --json alone, and write FILE with --json FILE beside the usual text', () => {
    const run = batchsim(['run', scenarioFile, '--json']);
    const runFile = join(dir, 'run.json');
    const runToFile = batchsim(['run', scenarioFile, '--json', runFile]);
    expect(readFileSync(runFile, 'utf8')).toBe(run.stdout);
    expect(runToFile.stdout).toMatch(/^nightly-sales-rollup \(seed 42, BATCH\)/);

    const args = ['compare', compareFile, '--slots', '1,2', '--seeds', '2'];
    const cmp = batchsim([...args, '--json']);
    const cmpFile = join(dir, 'cmp.json');
    const cmpToFile = batchsim([...args, '--json', cmpFile]);
    expect(readFileSync(cmpFile, 'utf8')).toBe(cmp.stdout);
    expect(cmpToFile.stdout).toContain('clickstream-daily-report: 2 choices x 2 seeds (7..8)');
    expect(JSON.parse(cmp.stdout).choices).toHaveLength(2);
  });
});

describe('a closed standard output', () => {
  it('`run FILE | head -1` ends quietly with exit 0', () => {
    // A summary far bigger than a pipe's buffer, so the writer is still writing when head exits.
    const wide = join(dir, 'wide.yaml');
    const vertices = Array.from({ length: 3000 }, (_, i) => `    - { id: v${i}, parallelism: 1, source: { bytes: 1MiB }, rate: 100MiB/s }`);
    writeFileSync(wide, `job:\n  vertices:\n${vertices.join('\n')}\n`);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" run "${wide}" 2>"${dir}/epipe.err" | head -1; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout).toBe('wide (seed 0, BATCH)\nexit 0\n');
    expect(readFileSync(join(dir, 'epipe.err'), 'utf8')).toBe('');
  });
});
