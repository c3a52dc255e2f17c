//! The Slurm scripts for real: a one-node Slurm (munge, slurmctld, slurmd) started here, the compare array and the dependent merge submitted, and the merged result compared with the local run.
//!
//! Needs Debian's slurm-wlm and munge (.ci/run installs them where it can) and root. Where
//! they are missing or Slurm does not start, the tests skip and print why.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateBuild } from '../support/private-build.js';

const root = resolve(import.meta.dirname, '../..');
const scenarioFile = join(root, 'sim-scenarios/compare-slots-per-tm.yaml');
const sweep = [scenarioFile, '--slots', '1,2,4', '--seeds', '4'];
const SHARDS = 3;
const DAEMONS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo'];

// The daemons live in sbin directories, which a non-login PATH may lack.
const PATH = [process.env.PATH ?? '', '/usr/local/sbin', '/usr/sbin', '/sbin'].filter((p) => p !== '').join(':');

const which = (cmd: string): string | undefined => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8', env: { ...process.env, PATH } });
  return r.status === 0 ? r.stdout.trim() : undefined;
};

/** Why Slurm cannot run here, or undefined when it may. */
function missing(): string | undefined {
  const absent = DAEMONS.filter((d) => which(d) === undefined);
  if (absent.length > 0) return `${absent.join(', ')} not found (install Debian's slurm-wlm and munge; .ci/run does where it can)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs, and this test runs as another user';
  return undefined;
}

/** A TCP port free on the loopback address now. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

let skipReason = missing();
let dir = '';
let env: NodeJS.ProcessEnv = {};
let main = '';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-8).join('\n') : '(no log)';
}

/** Starts munged, slurmctld and slurmd in DIR with their own ports, sockets and state; undefined when up, else why not. */
async function startSlurm(): Promise<string | undefined> {
  // Short: munge's socket path must fit in a Unix socket name.
  dir = mkdtempSync('/tmp/bsim-slurm-');
  for (const d of ['state', 'spool', 'log', 'run']) mkdirSync(join(dir, d));
  const host = hostname().split('.')[0];
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const sock = join(dir, 'run/munge.sock');
  let keyFile = '/etc/munge/munge.key';
  if (!existsSync(keyFile)) {
    keyFile = join(dir, 'run/munge.key');
    const r = spawnSync('mungekey', ['--create', `--keyfile=${keyFile}`], { encoding: 'utf8', env: { ...process.env, PATH } });
    if (r.status !== 0) return `no munge key at /etc/munge/munge.key and mungekey failed: ${r.stderr}`;
  }
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=batchsimtest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${sock}`,
      'CredType=cred/munge',
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/run/slurmctld.pid`,
      `SlurmdPidFile=${dir}/run/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      // No cgroups, accounting or MPI: nothing a one-node test needs.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
      'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  env = { ...process.env, PATH, SLURM_CONF: conf };
  const start = (cmd: string, args: string[], log: string): string | undefined => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 30_000 });
    return r.status === 0 ? undefined : `${cmd} did not start (exit ${r.status}): ${r.stderr.trim()}\n${tail(log)}`;
  };
  const munge =
    start('munged', ['--force', `--socket=${sock}`, `--key-file=${keyFile}`, `--pid-file=${dir}/run/munged.pid`, `--log-file=${dir}/log/munged.log`, `--seed-file=${dir}/run/munge.seed`], `${dir}/log/munged.log`);
  if (munge !== undefined) return munge;
  const ctld = start('slurmctld', ['-f', conf], `${dir}/log/slurmctld.log`);
  if (ctld !== undefined) return ctld;
  const d = start('slurmd', ['-f', conf], `${dir}/log/slurmd.log`);
  if (d !== undefined) return d;
  // The daemons write their pid files a moment after they return (slurmd may register with
  // the controller first): up means the node is idle and every pid is known, so that
  // stopSlurm can end each daemon.
  const files = [`${dir}/run/munged.pid`, `${dir}/run/slurmctld.pid`, `${dir}/run/slurmd.pid`];
  for (let i = 0; i < 60; i++) {
    const written = files.filter((f) => existsSync(f) && readFileSync(f, 'utf8').trim() !== '');
    const r = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (r.status === 0 && /^idle/m.test(r.stdout) && written.length === files.length) return undefined;
    await sleep(500);
  }
  return `the node did not become idle with every daemon's pid file in 30 s:\n${tail(`${dir}/log/slurmctld.log`)}\n${tail(`${dir}/log/slurmd.log`)}`;
}

/** Ends the daemons this file started, by their pid files (slurmd first, munged last), and waits until they are gone. */
async function stopSlurm(): Promise<void> {
  if (dir === '') return;
  const pids: number[] = [];
  for (const name of ['slurmd', 'slurmctld', 'munged']) {
    const f = join(dir, `run/${name}.pid`);
    const pid = existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : NaN;
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 'SIGTERM');
      pids.push(pid);
    } catch {
      // Already gone.
    }
  }
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 40 && pids.some(alive); i++) await sleep(250);
}

beforeAll(async () => {
  if (skipReason === undefined) skipReason = await startSlurm();
  if (skipReason !== undefined) {
    process.stdout.write(`slurm.test.ts: SKIPPED, Slurm cannot run here: ${skipReason}\n`);
    return;
  }
  main = privateBuild('slurm');
}, 180_000);

afterAll(async () => {
  await stopSlurm();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const sbatch = (args: string[]): string => execFileSync('sbatch', ['--parsable', ...args], { env: { ...env, BATCHSIM: `${process.execPath} ${main}` }, cwd: dir, encoding: 'utf8' }).trim().split(';')[0];

/** Waits until none of the jobs is pending or running. */
async function waitFor(jobs: string[], ms = 150_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const q = spawnSync('squeue', ['-h', '-j', jobs.join(','), '-o', '%i %T'], { env, encoding: 'utf8' });
    if (q.status === 0 && q.stdout.trim() === '') return;
    await sleep(1000);
  }
  throw new Error(`jobs ${jobs.join(', ')} still queued after ${ms / 1000} s:\n${tail(`${dir}/log/slurmctld.log`)}`);
}

const local = (args: string[]): string => execFileSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8' });

describe(skipReason === undefined ? 'Slurm: a job array of shards and a dependent merge' : `Slurm (SKIPPED: ${skipReason})`, () => {
  it('the merge job prints and writes what the local comparison does, byte for byte', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip();
    const array = sbatch([`--array=0-${SHARDS - 1}`, `--output=${dir}/compare-%a.log`, join(root, 'deploy/slurm/compare.sbatch'), String(SHARDS), 'parts', ...sweep]);
    const merge = sbatch([`--dependency=afterany:${array}`, `--output=${dir}/merge.out`, `--error=${dir}/merge.err`, join(root, 'deploy/slurm/merge.sbatch'), 'parts', '--json', 'merged.json']);
    await waitFor([array, merge]);
    const whole = local(['compare', ...sweep, '--json', 'local.json']);
    expect(readFileSync(join(dir, 'merge.out'), 'utf8'), tail(join(dir, 'merge.err'))).toBe(whole);
    expect(readFileSync(join(dir, 'merged.json'), 'utf8')).toBe(readFileSync(join(dir, 'local.json'), 'utf8'));
    for (let i = 0; i < SHARDS; i++) expect(readFileSync(join(dir, `compare-${i}.log`), 'utf8')).toContain(`compare: shard ${i}/${SHARDS}:`);
  }, 240_000);

  it('a lost part is named by the merge job; the one array task submitted again mends it with the identical part', async (ctx) => {
    if (skipReason !== undefined) return ctx.skip();
    const part1 = join(dir, 'parts/part-1.json');
    const before = readFileSync(part1, 'utf8');
    rmSync(part1);
    const failed = sbatch([`--output=${dir}/merge2.out`, `--error=${dir}/merge2.err`, join(root, 'deploy/slurm/merge.sbatch'), 'parts']);
    await waitFor([failed]);
    expect(readFileSync(join(dir, 'merge2.err'), 'utf8')).toBe(
      `merge: shard 1/${SHARDS} is missing; run it again with: batchsim compare ${scenarioFile} --slots 1,2,4 --seed 7 --seeds 4 --shard 1/${SHARDS} --out parts/part-1.json\n`,
    );
    const again = sbatch(['--array=1', `--output=${dir}/again.log`, join(root, 'deploy/slurm/compare.sbatch'), String(SHARDS), 'parts', ...sweep]);
    await waitFor([again]);
    expect(readFileSync(part1, 'utf8')).toBe(before);
  }, 240_000);
});
