//! `advise` sharded in rounds end to end: plan, shards, merge until the search ends, the answer byte for byte the unsharded one's; and what is refused.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerAdviseCommand } from '../../src/cli/commands/advise.js';
import { registerMergeCommand } from '../../src/cli/commands/merge.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { sweepFingerprint } from '../../src/sweep/part.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `batchsim ARGS` in this process with advise and merge registered, as main.ts does. */
async function batchsim(args: string[], env: Record<string, string> = {}) {
  const stdout = new Sink();
  const stderr = new Sink();
  const program = new Command().name('batchsim').exitOverride();
  program.configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  registerAdviseCommand(program, { stdout, stderr, env });
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
      expect(err.exitCode).toBe(2);
      return err.message;
    }
    if (err instanceof ScenarioError) return err.message;
    throw err;
  }
  throw new Error(`batchsim ${args.join(' ')} did not fail`);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'batchsim-advise-shards-'));

const dir = tmp();
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
const search = [job, '--seeds', '3', '--vary', 'slots=1,2,4', '--deadline', '2min', '--workers', '1'];

/** Plan, then every round's shards and merge until merge prints the answer; returns it, the number of rounds and each round's plan. */
async function sharded(n: number, where: string, outputs: string[] = []) {
  const first = await batchsim(['advise', ...search, '--plan', '--out', join(where, 'plan-1.json')]);
  expect(first.stdout).toBe('');
  let round = 1;
  let last = { stdout: '', stderr: '' };
  while (existsSync(join(where, `plan-${round}.json`))) {
    const plan = join(where, `plan-${round}.json`);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      parts.push(join(where, `r${round}-part-${i}.json`));
      await batchsim(['advise', '--plan', plan, '--shard', `${i}/${n}`, '--out', parts[i], '--workers', '1']);
    }
    last = await batchsim(['merge', ...parts, '--out', join(where, `plan-${round + 1}.json`), ...outputs]);
    round++;
    expect(round, 'the rounds end').toBeLessThan(40);
  }
  return { answer: last.stdout, rounds: round - 1, stderr: last.stderr };
}

describe('the merged answer equals the unsharded answer, byte for byte', () => {
  it('for 1, 2 and 3 shards a round, table, --json and --report', async () => {
    const w = tmp();
    const whole = await batchsim(['advise', ...search, '--json', join(w, 'advice.json'), '--report', join(w, 'advice.html')]);
    expect(whole.stdout).toMatch(/slots/);
    let rounds = -1;
    for (const n of [1, 2, 3]) {
      const d = tmp();
      const got = await sharded(n, d, ['--json', join(d, 'advice.json'), '--report', join(d, 'advice.html')]);
      expect(got.answer, `table, ${n} shards`).toBe(whole.stdout);
      expect(readFileSync(join(d, 'advice.json'), 'utf8'), `--json, ${n} shards`).toBe(readFileSync(join(w, 'advice.json'), 'utf8'));
      expect(readFileSync(join(d, 'advice.html'), 'utf8'), `--report, ${n} shards`).toBe(readFileSync(join(w, 'advice.html'), 'utf8'));
      expect(got.stderr).toMatch(new RegExp(`the search ended in round ${got.rounds}; no plan written to .*plan-${got.rounds + 1}\\.json`));
      // The rounds are the search's, whatever the number of shards.
      if (rounds >= 0) expect(got.rounds).toBe(rounds);
      rounds = got.rounds;
      // Every plan but the last round's holds the runs the next one needs; the known runs only grow.
      const plans = Array.from({ length: got.rounds }, (_, r) => JSON.parse(readFileSync(join(d, `plan-${r + 1}.json`), 'utf8')));
      expect(plans[0].sweep.known).toEqual([]);
      for (let r = 1; r < plans.length; r++) {
        expect(plans[r].sweep.known.length).toBe(plans[r - 1].sweep.known.length + plans[r - 1].sweep.runs.length);
      }
    }
    // The first round is the scenario as written on every seed: 3 runs.
    expect(rounds).toBeGreaterThan(2);
  }, 120_000);

  it('--shards N takes the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, and a shard run again writes the identical part', async () => {
    const d = tmp();
    await batchsim(['advise', ...search, '--plan', '--out', join(d, 'plan.json')]);
    const byFlag = join(d, 'a.json');
    const byK8s = join(d, 'b.json');
    const bySlurm = join(d, 'c.json');
    await batchsim(['advise', '--plan', join(d, 'plan.json'), '--shard', '1/2', '--out', byFlag]);
    await batchsim(['advise', '--plan', join(d, 'plan.json'), '--shards', '2', '--out', byK8s], { JOB_COMPLETION_INDEX: '1' });
    await batchsim(['advise', '--plan', join(d, 'plan.json'), '--shards', '2', '--out', bySlurm], { SLURM_ARRAY_TASK_ID: '1' });
    const part = readFileSync(byFlag, 'utf8');
    expect(readFileSync(byK8s, 'utf8')).toBe(part);
    expect(readFileSync(bySlurm, 'utf8')).toBe(part);
    // Round 1 runs the scenario as written on the 3 seeds; the cheaper deal gives shard 1 one of them.
    expect(JSON.parse(part).results.map((r: { value: { seed: number } }) => r.value.seed)).toEqual([4]);
  });

  it('a plan given with the scenario and the flags is run only when they are the plan\'s', async () => {
    const d = tmp();
    await batchsim(['advise', ...search, '--plan', '--out', join(d, 'plan.json')]);
    await batchsim(['advise', ...search, '--plan', join(d, 'plan.json'), '--shard', '0/1', '--out', join(d, 'p.json')]);
    expect(JSON.parse(readFileSync(join(d, 'p.json'), 'utf8')).results).toHaveLength(3);
    const other = search.map((a) => (a === '2min' ? '3min' : a));
    expect(await failure(['advise', ...other, '--plan', join(d, 'plan.json'), '--shard', '0/1', '--out', join(d, 'q.json')])).toMatch(
      new RegExp(`^${join(d, 'plan.json')}: is the plan of another search than`),
    );
  });
});

describe('refusals', () => {
  const setup = async () => {
    const d = tmp();
    await batchsim(['advise', ...search, '--plan', '--out', join(d, 'plan.json')]);
    const parts = [0, 1, 2].map((i) => join(d, `part-${i}.json`));
    for (let i = 0; i < 3; i++) await batchsim(['advise', '--plan', join(d, 'plan.json'), '--shard', `${i}/3`, '--out', parts[i]]);
    return { d, parts };
  };

  it('a missing shard is named with the command that makes it again', async () => {
    const { d, parts } = await setup();
    const msg = await failure(['merge', parts[0], parts[2], '--out', join(d, 'next.json')]);
    expect(msg).toBe(`merge: shard 1/3 is missing; run it again with: batchsim advise --plan ${join(d, 'plan.json')} --shard 1/3 --out ${join(d, 'part-1.json')}`);
    expect(existsSync(join(d, 'next.json'))).toBe(false);
  });

  it('a part of another plan (another search, or another round of this one) is refused, naming the file', async () => {
    const { d, parts } = await setup();
    const e = tmp();
    await batchsim(['advise', ...search.map((a) => (a === '2min' ? '3min' : a)), '--plan', '--out', join(e, 'plan.json')]);
    await batchsim(['advise', '--plan', join(e, 'plan.json'), '--shard', '1/3', '--out', join(e, 'part-1.json')]);
    expect(await failure(['merge', parts[0], join(e, 'part-1.json'), parts[2], '--out', join(d, 'next.json')])).toMatch(
      new RegExp(`^${join(e, 'part-1.json')}: belongs to another sweep than ${parts[0]}`),
    );
    // Round 2's part with round 1's.
    await batchsim(['merge', ...parts, '--out', join(d, 'plan-2.json')]);
    await batchsim(['advise', '--plan', join(d, 'plan-2.json'), '--shard', '1/3', '--out', join(d, 'r2-part-1.json')]);
    expect(await failure(['merge', parts[0], join(d, 'r2-part-1.json'), parts[2], '--out', join(d, 'next.json')])).toMatch(
      new RegExp(`^${join(d, 'r2-part-1.json')}: belongs to another sweep`),
    );
  });

  it('a plan or a part of another batchsim version is refused, naming the file', async () => {
    const { d, parts } = await setup();
    const plan = JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8'));
    plan.version = '0.0.1';
    plan.fingerprint = sweepFingerprint('advise', plan.version, plan.sweep);
    writeFileSync(join(d, 'old-plan.json'), JSON.stringify(plan));
    expect(await failure(['advise', '--plan', join(d, 'old-plan.json'), '--shard', '0/3', '--out', join(d, 'x.json')])).toMatch(
      new RegExp(`^${join(d, 'old-plan.json')}: version: was made by batchsim 0\\.0\\.1, this is batchsim \\d`),
    );
    const stale = (i: number) => {
      const part = JSON.parse(readFileSync(parts[i], 'utf8'));
      part.version = '0.0.1';
      part.fingerprint = sweepFingerprint(part.kind, part.version, part.sweep);
      writeFileSync(join(d, `old-${i}.json`), JSON.stringify(part));
      return join(d, `old-${i}.json`);
    };
    const olds = [stale(0), stale(1), stale(2)];
    expect(await failure(['merge', ...olds, '--out', join(d, 'next.json')])).toMatch(new RegExp(`^${olds[0]}: version: was written by batchsim 0\\.0\\.1`));
    expect(await failure(['merge', parts[0], olds[1], parts[2], '--out', join(d, 'next.json')])).toMatch(new RegExp(`^${olds[1]}: version: was written by batchsim 0\\.0\\.1`));
  });

  it('an edited plan, and flags that do not belong together, are refused', async () => {
    const { d, parts } = await setup();
    const text = readFileSync(join(d, 'plan.json'), 'utf8');
    writeFileSync(join(d, 'edited.json'), text.replace('"seeds":3', '"seeds":4'));
    expect(await failure(['advise', '--plan', join(d, 'edited.json'), '--shard', '0/3', '--out', join(d, 'x.json')])).toMatch(/edited\.json: fingerprint: does not match the plan/);
    expect(await failure(['merge', ...parts])).toMatch(/--out: the search needs another round \(\d+ runs\): give --out PLAN/);
    expect(await failure(['merge', ...parts, '--csv', join(d, 'x.csv'), '--out', join(d, 'n.json')])).toMatch(/--csv: `advise` writes no CSV/);
    expect(await failure(['advise', ...search, '--plan'])).toMatch(/--plan writes the plan to --out FILE/);
    expect(await failure(['advise', ...search, '--plan', '--out', join(d, 'y.json'), '--json'])).toMatch(/--json is written by `batchsim merge`/);
    expect(await failure(['advise', ...search, '--shard', '0/2', '--out', join(d, 'y.json')])).toMatch(/--shard makes a shard of a plan: give --plan PLAN/);
    expect(await failure(['advise', '--plan', join(d, 'plan.json'), '--out', join(d, 'y.json')])).toMatch(/give --shard I\/N or --shards N/);
    expect(await failure(['advise', '--plan', join(d, 'plan.json'), '--shards', '3', '--out', join(d, 'y.json')])).toMatch(/JOB_COMPLETION_INDEX/);
    expect(await failure(['advise', '--plan', job, '--shard', '0/3', '--out', join(d, 'y.json')])).toMatch(/job\.yaml: not an advise plan/);
  });
});

describe('a plan whose fingerprint was made again over an impossible candidate', () => {
  it('is refused with the field path', async () => {
    const d = tmp();
    await batchsim(['advise', ...search, '--plan', '--out', join(d, 'plan.json')]);
    const plan = JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8'));
    plan.sweep.runs[1].candidate = [...plan.sweep.runs[1].candidate, 0];
    plan.fingerprint = sweepFingerprint('advise', plan.version, plan.sweep);
    writeFileSync(join(d, 'bad.json'), JSON.stringify(plan));
    expect(await failure(['advise', '--plan', join(d, 'bad.json'), '--shard', '0/1', '--out', join(d, 'x.json')])).toMatch(
      /bad\.json: sweep\.runs\[1\]\.candidate: is not a setting of this search: expected \d+ value indexes/,
    );
  });
});
