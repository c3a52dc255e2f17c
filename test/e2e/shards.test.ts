//! Sharded comparisons end to end: every shard run on its own, the parts merged, and the result byte for byte the unsharded comparison's.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCompareCommand } from '../../src/cli/commands/compare.js';
import { registerMergeCommand } from '../../src/cli/commands/merge.js';
import { ScenarioError } from '../../src/scenario/issues.js';

const root = resolve(import.meta.dirname, '../..');
const scenarioFile = join(root, 'sim-scenarios/compare-slots-per-tm.yaml');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `batchsim ARGS` in this process with compare and merge registered, as main.ts does. */
async function batchsim(args: string[], env: Record<string, string> = {}) {
  const stdout = new Sink();
  const stderr = new Sink();
  const program = new Command().name('batchsim').exitOverride();
  program.configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  registerCompareCommand(program, { stdout, stderr, env });
  registerMergeCommand(program, { stdout, stderr, env });
  await program.parseAsync(args, { from: 'user' });
  return { stdout: stdout.text, stderr: stderr.text };
}

/** The message a command ends with: a usage error or a ScenarioError, both exit 2 in main.ts. */
async function failure(args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    await batchsim(args, env);
  } catch (err) {
    if (err instanceof CommanderError) {
      expect(err.exitCode).not.toBe(0);
      return err.message;
    }
    if (err instanceof ScenarioError) return err.message;
    throw err;
  }
  throw new Error(`batchsim ${args.join(' ')} did not fail`);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'batchsim-shards-'));

/** Every output of a comparison: the table on stdout, and the JSON, CSV and HTML files. */
async function outputs(command: string[], dir: string) {
  const r = await batchsim([...command, '--json', join(dir, 'out.json'), '--csv', join(dir, 'out.csv'), '--report', join(dir, 'out.html')]);
  return {
    table: r.stdout,
    json: readFileSync(join(dir, 'out.json'), 'utf8'),
    csv: readFileSync(join(dir, 'out.csv'), 'utf8'),
    html: readFileSync(join(dir, 'out.html'), 'utf8'),
    warnings: r.stderr,
  };
}

/** Runs shards 0..n-1 of `args`, each to DIR/part-I.json, and returns the part files. */
async function runShards(args: string[], n: number, dir: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const out = join(dir, `part-${i}.json`);
    await batchsim(['compare', ...args, '--shard', `${i}/${n}`, '--out', out]);
    files.push(out);
  }
  return files;
}

describe('merged output equals the unsharded output, byte for byte', () => {
  // 3 x 2 choices x 3 seeds = 18 runs; 4 MiB/s disks make the runs of a choice differ in length by seed.
  const sweeps: Record<string, string[]> = {
    slots: [scenarioFile, '--slots', '1,2,4', '--seeds', '3'],
    'unlimited values and sizes': [scenarioFile, '--slots', '2,4', '--max-slots', '4,unlimited', '--disk-bandwidth', '200MiB/s,unlimited', '--memory-per-slot', '2GiB', '--seeds', '2', '--seed', '11'],
  };
  for (const [name, args] of Object.entries(sweeps)) {
    it(`${name}: table, --json, --csv and --report for 1, 2, 3 and more shards than runs`, async () => {
      const whole = await outputs(['compare', ...args], tmp());
      const runs = (JSON.parse(whole.json) as { choices: { runs: unknown[] }[] }).choices.reduce((n, c) => n + c.runs.length, 0);
      for (const n of [1, 2, 3, runs + 2]) {
        const dir = tmp();
        const parts = await runShards(args, n, dir);
        const merged = await outputs(['merge', ...parts], tmp());
        expect(merged.table, `table, ${n} shards`).toBe(whole.table);
        expect(merged.json, `--json, ${n} shards`).toBe(whole.json);
        expect(merged.csv, `--csv, ${n} shards`).toBe(whole.csv);
        expect(merged.html, `--report, ${n} shards`).toBe(whole.html);
        // Every run is in exactly one part.
        const counts = parts.map((p) => (JSON.parse(readFileSync(p, 'utf8')) as { results: unknown[] }).results.length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(runs);
        rmSync(dir, { recursive: true });
      }
    });
  }

  it('--json to standard output, and a directory of parts in place of the files', async () => {
    const args = [scenarioFile, '--slots', '1,4', '--seeds', '2'];
    const whole = await batchsim(['compare', ...args, '--json']);
    const dir = tmp();
    await runShards(args, 3, dir);
    const merged = await batchsim(['merge', dir, '--json']);
    expect(merged.stdout).toBe(whole.stdout);
    expect(merged.stderr).toBe(whole.stderr);
  });
});

describe('shards', () => {
  const args = [scenarioFile, '--slots', '1,4', '--seeds', '3'];

  it('balances the runs: 6 runs of two choices in 3 shards are 2 runs each, each shard one run of each choice', async () => {
    const dir = tmp();
    const parts = await runShards(args, 3, dir);
    const positions = parts.map((p) => (JSON.parse(readFileSync(p, 'utf8')) as { results: { position: number }[] }).results.map((r) => r.position));
    // The 4-slot choice (positions 3..5) has as many subtasks as the 1-slot one: equal weights,
    // dealt in position order onto the least loaded shard.
    expect(positions).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('running a shard again writes the identical part, with or without threads', async () => {
    const dir = tmp();
    await batchsim(['compare', ...args, '--shard', '1/3', '--out', join(dir, 'a.json')]);
    await batchsim(['compare', ...args, '--shard', '1/3', '--out', join(dir, 'b.json'), '--workers', '2']);
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
  });

  it('--shards N takes the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID: the same part as --shard I/N', async () => {
    const dir = tmp();
    await batchsim(['compare', ...args, '--shard', '2/3', '--out', join(dir, 'flag.json')]);
    await batchsim(['compare', ...args, '--shards', '3', '--out', join(dir, 'k8s.json')], { JOB_COMPLETION_INDEX: '2' });
    await batchsim(['compare', ...args, '--shards', '3', '--out', join(dir, 'slurm.json')], { SLURM_ARRAY_TASK_ID: '2' });
    const flag = readFileSync(join(dir, 'flag.json'), 'utf8');
    expect(readFileSync(join(dir, 'k8s.json'), 'utf8')).toBe(flag);
    expect(readFileSync(join(dir, 'slurm.json'), 'utf8')).toBe(flag);
  });

  it('says on stderr which runs it makes, and writes nothing else', async () => {
    const r = await batchsim(['compare', ...args, '--shard', '0/3', '--out', join(tmp(), 'p.json')]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`compare: shard 0/3: 2 of the 6 runs of \`batchsim compare ${scenarioFile} --slots 1,4 --seed 7 --seeds 3\``);
  });

  it('--out - prints the part as one line; merge finds it in a log with other lines around it (a pod log)', async () => {
    const whole = await batchsim(['compare', ...args]);
    const dir = tmp();
    for (let i = 0; i < 2; i++) {
      const r = await batchsim(['compare', ...args, '--shard', `${i}/2`, '--out', '-']);
      expect(r.stdout.split('\n')).toHaveLength(2);
      writeFileSync(join(dir, `pod-${i}.log`), `${r.stderr}${r.stdout}some later line\n`);
    }
    const merged = await batchsim(['merge', join(dir, 'pod-0.log'), join(dir, 'pod-1.log')]);
    expect(merged.stdout).toBe(whole.stdout);
  });

  it('refuses bad combinations with exit 2', async () => {
    expect(await failure(['compare', ...args, '--shard', '0/3'])).toContain('a shard writes its runs to --out FILE');
    expect(await failure(['compare', ...args, '--out', 'x.json'])).toContain('--out writes the part of one shard');
    expect(await failure(['compare', ...args, '--shard', '0/3', '--out', join(tmp(), 'p.json'), '--csv', 'x.csv'])).toContain('--csv is written by `batchsim merge`');
    expect(await failure(['compare', ...args, '--shard', '3/3', '--out', 'p.json'])).toContain('shard 3 of 3 does not exist: shards are numbered 0 to 2');
    expect(await failure(['compare', ...args, '--shards', '3', '--out', 'p.json'])).toContain('--shards 3 needs this process\'s shard index');
    expect(await failure(['compare', ...args, '--shards', '3', '--out', 'p.json'], { SLURM_ARRAY_TASK_ID: '3' })).toContain(
      'SLURM_ARRAY_TASK_ID=3 is not a shard of --shards 3: expected an integer from 0 to 2 (submit the array as --array=0-2)',
    );
  });
});

describe('merge refuses what is not one whole sweep', () => {
  const args = [scenarioFile, '--slots', '1,4', '--seeds', '2'];

  it('names each missing shard with the exact command that runs it again, and that command mends the sweep', async () => {
    const dir = tmp();
    const parts = await runShards(args, 4, dir);
    rmSync(parts[1]);
    rmSync(parts[3]);
    const msg = await failure(['merge', parts[0], parts[2]]);
    const cmd = (i: number) => `batchsim compare ${scenarioFile} --slots 1,4 --seed 7 --seeds 2 --shard ${i}/4 --out ${join(dir, `part-${i}.json`)}`;
    expect(msg).toBe(`merge: shard 1/4 is missing; run it again with: ${cmd(1)}\nmerge: shard 3/4 is missing; run it again with: ${cmd(3)}`);
    await batchsim(cmd(1).split(' ').slice(1));
    await batchsim(cmd(3).split(' ').slice(1));
    const whole = await batchsim(['compare', ...args]);
    expect((await batchsim(['merge', dir])).stdout).toBe(whole.stdout);
  });

  it('a shard given twice', async () => {
    const dir = tmp();
    const parts = await runShards(args, 2, dir);
    writeFileSync(join(dir, 'copy.json'), readFileSync(parts[0]));
    expect(await failure(['merge', ...parts, join(dir, 'copy.json')])).toBe(`merge: shard 0/2 is given 2 times (${parts[0]}, ${join(dir, 'copy.json')}): give each shard once`);
  });

  it('parts of another scenario, other seeds, another cut or another version', async () => {
    const dir = tmp();
    const [a] = await runShards(args, 2, dir);
    const other = (name: string, extra: string[], shard = '1/2') => batchsim(['compare', ...extra, '--shard', shard, '--out', join(dir, name)]).then(() => join(dir, name));
    const seeds = await other('seeds.json', [scenarioFile, '--slots', '1,4', '--seeds', '3']);
    expect(await failure(['merge', a, seeds])).toContain(`${seeds}: belongs to another sweep than ${a} (the scenario, the choices or the seeds differ)`);
    const changed = join(dir, 'changed.yaml');
    writeFileSync(changed, readFileSync(scenarioFile, 'utf8').replace(/^name: .*$/m, 'name: renamed'));
    const scenario = await other('scenario.json', [changed, '--slots', '1,4', '--seeds', '2']);
    expect(await failure(['merge', a, scenario])).toContain('belongs to another sweep');
    const cut = await other('cut.json', args, '1/3');
    expect(await failure(['merge', a, cut])).toContain(`${cut}: is shard 1/3, ${a} is shard 0/2: the sweep was cut into 3 and into 2 shards`);

    // Another version: rewritten with a fingerprint that matches, as that version would write it.
    const { sweepFingerprint } = await import('../../src/sweep/part.js');
    const part = JSON.parse(readFileSync(join(dir, 'part-1.json'), 'utf8'));
    part.version = '9.9.9';
    part.fingerprint = sweepFingerprint(part.kind, part.version, part.sweep);
    writeFileSync(join(dir, 'v.json'), JSON.stringify(part));
    expect(await failure(['merge', a, join(dir, 'v.json')])).toContain(`${join(dir, 'v.json')}: was written by batchsim 9.9.9, ${a} by batchsim 0.1.0: run every shard with one version`);
  });

  it('a part edited or cut short, and a file that is no part', async () => {
    const dir = tmp();
    const [a, b] = await runShards(args, 2, dir);
    const part = JSON.parse(readFileSync(b, 'utf8'));
    part.sweep.seeds = 3;
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(part));
    expect(await failure(['merge', a, join(dir, 'edited.json')])).toBe(`${join(dir, 'edited.json')}: fingerprint: does not match the sweep the part describes: the file was edited or damaged; run its shard again`);
    writeFileSync(join(dir, 'short.json'), readFileSync(b, 'utf8').slice(0, 200));
    expect(await failure(['merge', a, join(dir, 'short.json')])).toContain(`${join(dir, 'short.json')}: the part in it is cut short or damaged: `);
    const bad = JSON.parse(readFileSync(b, 'utf8'));
    bad.results[0].value.makespan = 'long';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    expect(await failure(['merge', a, join(dir, 'bad.json')])).toBe(`${join(dir, 'bad.json')}: results[0].value.makespan: Invalid input: expected number, received string`);
    const moved = JSON.parse(readFileSync(b, 'utf8'));
    moved.results.pop();
    writeFileSync(join(dir, 'moved.json'), JSON.stringify(moved));
    expect(await failure(['merge', a, join(dir, 'moved.json')])).toContain(`${join(dir, 'moved.json')}: does not hold the runs of shard 1/2 (2 expected, 1 found)`);
    const total = JSON.parse(readFileSync(b, 'utf8'));
    total.total = 5;
    writeFileSync(join(dir, 'total.json'), JSON.stringify(total));
    expect(await failure(['merge', a, join(dir, 'total.json')])).toContain(`${join(dir, 'total.json')}: says the sweep has 5 runs, but its scenario, choices and seeds make 4`);
    expect(await failure(['merge', a, scenarioFile])).toContain(`${scenarioFile}: not a batchsim part`);
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'edited.json', 'moved.json', 'part-0.json', 'part-1.json', 'short.json', 'total.json']);
  });

  it('no output may replace a part', async () => {
    const dir = tmp();
    const parts = await runShards(args, 2, dir);
    expect(await failure(['merge', ...parts, '--csv', parts[1]])).toContain('--csv would overwrite the input');
  });
});
