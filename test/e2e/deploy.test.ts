//! The deploy/ files: the Kubernetes manifests valid against the API's schema and run as written (their command lines, with local paths), the image's Dockerfile, and the Slurm scripts' syntax.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { registerCompareCommand } from '../../src/cli/commands/compare.js';
import { registerMergeCommand } from '../../src/cli/commands/merge.js';

const root = resolve(import.meta.dirname, '../..');
const deploy = join(root, 'deploy');

// Manifests are walked by field name; the schema check is what types them.
type Doc = Record<string, any>;

function manifests(file: string): Doc[] {
  return parseAllDocuments(readFileSync(join(deploy, 'kubernetes', file), 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Doc;
  });
}

/** Validates a document against the Kubernetes API schema of its kind (kubernetes-models). */
function validate(doc: Doc): void {
  const model = doc.kind === 'Job' ? new Job(doc as never) : doc.kind === 'PersistentVolumeClaim' ? new PersistentVolumeClaim(doc as never) : undefined;
  if (model === undefined) throw new Error(`no schema for kind ${doc.kind} in this test`);
  model.validate();
}

const byKind = (docs: Doc[], kind: string): Doc => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
};

const flag = (args: string[], name: string): string => {
  const i = args.indexOf(name);
  expect(i, `${name} in ${args.join(' ')}`).toBeGreaterThan(-1);
  return args[i + 1];
};

/** The volume of the pod mounted at the directory that holds `path`. */
function volumeAt(pod: Doc, path: string): Doc {
  const mount = (pod.containers[0].volumeMounts as Doc[]).find((m) => path.startsWith(`${m.mountPath}/`) || path === m.mountPath);
  expect(mount, `a volume mounted over ${path}`).toBeDefined();
  const volume = (pod.volumes as Doc[]).find((v) => v.name === mount!.name);
  expect(volume, `volume ${mount!.name}`).toBeDefined();
  return { ...volume!, mountPath: mount!.mountPath, readOnly: mount!.readOnly === true };
}

function expectLockedDown(pod: Doc): void {
  expect(pod.restartPolicy).toBe('Never');
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  expect(pod.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function batchsim(args: string[], env: Record<string, string> = {}): Promise<string> {
  const stdout = new Sink();
  const stderr = new Sink();
  const program = new Command().name('batchsim').exitOverride();
  registerCompareCommand(program, { stdout, stderr, env });
  registerMergeCommand(program, { stdout, stderr, env });
  await program.parseAsync(args, { from: 'user' });
  return stdout.text;
}

describe('Kubernetes', () => {
  const compareDocs = manifests('compare-indexed-job.yaml');
  const mergeDocs = manifests('compare-merge-job.yaml');
  const job = byKind(compareDocs, 'Job');
  const pvc = byKind(compareDocs, 'PersistentVolumeClaim');
  const merge = byKind(mergeDocs, 'Job');
  const pod = job.spec.template.spec;
  const args: string[] = pod.containers[0].args;

  it('every document is valid against the Kubernetes API schema', () => {
    for (const d of [...compareDocs, ...mergeDocs]) expect(() => validate(d), `${d.kind} ${d.metadata.name}`).not.toThrow();
    // The schema check can fail: a count spelled as a word is refused.
    expect(() => validate({ ...job, spec: { ...job.spec, completions: 'four' } })).toThrow(/completions must be integer/);
  });

  it('an Indexed Job of as many completions as --shards, each pod writing its part to the shared volume', () => {
    expect(job.spec.completionMode).toBe('Indexed');
    expect(args[0]).toBe('compare');
    expect(job.spec.completions).toBe(Number(flag(args, '--shards')));
    expect(job.spec.parallelism).toBeLessThanOrEqual(job.spec.completions);
    expectLockedDown(pod);
    // The index reaches the command as $(JOB_COMPLETION_INDEX), declared from the pod's annotation.
    expect(pod.containers[0].env).toContainEqual({
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
    const out = flag(args, '--out');
    expect(out).toContain('$(JOB_COMPLETION_INDEX)');
    expect(volumeAt(pod, out).persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    // The scenario is a key of the ConfigMap, mounted read-only.
    const scenario = volumeAt(pod, args[1]);
    expect(scenario.configMap.name).toBe('batchsim-scenario');
    expect(scenario.readOnly).toBe(true);
    expect(posix.basename(args[1])).toBe('scenario.yaml');
  });

  it('the merge Job reads the same volume and writes no output that would count as a part', () => {
    const mpod = merge.spec.template.spec;
    const margs: string[] = mpod.containers[0].args;
    expect(margs[0]).toBe('merge');
    expectLockedDown(mpod);
    expect(volumeAt(mpod, margs[1]).persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    expect(volumeAt(mpod, margs[1]).mountPath).toBe(volumeAt(pod, flag(args, '--out')).mountPath);
    for (const o of ['--csv', '--report']) expect(flag(margs, o)).not.toMatch(/\.json$/);
    expect(mpod.containers[0].image).toBe(pod.containers[0].image);
  });

  it('the command lines as written, with local paths and fewer seeds, give the unsharded comparison', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'batchsim-k8s-'));
    const local = (a: string): string =>
      a.replace('/scenario/scenario.yaml', join(root, 'sim-scenarios/compare-slots-per-tm.yaml')).replace(/^\/parts\b/, dir);
    const seeds = args.indexOf('--seeds') + 1;
    const shardArgs = args.map((a, i) => (i === seeds ? '2' : local(a)));
    for (let i = 0; i < job.spec.completions; i++) {
      // Kubernetes expands $(VAR) from the container's environment.
      await batchsim(shardArgs.map((a) => a.replace('$(JOB_COMPLETION_INDEX)', String(i))), { JOB_COMPLETION_INDEX: String(i) });
    }
    expect(readdirSync(dir).sort()).toEqual(Array.from({ length: job.spec.completions }, (_, i) => `part-${i}.json`).sort());
    const margs = (merge.spec.template.spec.containers[0].args as string[]).map(local);
    const merged = await batchsim(margs);
    const whole = new Sink();
    const program = new Command().name('batchsim').exitOverride();
    registerCompareCommand(program, { stdout: whole, stderr: new Sink(), env: {} });
    const unsharded = shardArgs.slice(0, shardArgs.indexOf('--shards'));
    await program.parseAsync([...unsharded, '--csv', join(dir, 'whole.csv')], { from: 'user' });
    expect(merged).toBe(whole.text);
    expect(readFileSync(flag(margs, '--csv'), 'utf8')).toBe(readFileSync(join(dir, 'whole.csv'), 'utf8'));
  });
});

describe('the image', () => {
  const dockerfile = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const stages = lines.map((l, i) => (l.startsWith('FROM ') ? i : -1)).filter((i) => i >= 0);
  const final = lines.slice(stages[stages.length - 1]);

  it('compiles in a build stage and keeps only the runtime dependencies, running as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(lines[stages[0]]).toMatch(/^FROM node:20\S* AS build$/);
    expect(final[0]).toMatch(/^FROM node:20\S*$/);
    expect(final.some((l) => /npm ci --omit=dev --ignore-scripts/.test(l))).toBe(true);
    expect(final).toContain('COPY --from=build /src/dist ./dist');
    const user = final.find((l) => l.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user!.slice(5).split(':')[0]).toMatch(/^[1-9]\d*$/);
    expect(final[final.length - 2]).toBe('ENTRYPOINT ["node", "/app/dist/cli/main.js"]');
  });

  it('copies only files that exist, and the ignore file lets each of them in', () => {
    const ignore = readFileSync(join(deploy, 'Dockerfile.dockerignore'), 'utf8');
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      for (const src of l.split(/\s+/).slice(1, -1)) {
        expect(existsSync(join(root, src)), src).toBe(true);
        expect(ignore.split('\n'), src).toContain(`!${src}${statSync(join(root, src)).isDirectory() ? '/' : ''}`);
      }
    }
  });

  it('everything src/ imports from a package is a runtime dependency, so `npm ci --omit=dev` is enough', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const imported = new Set<string>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/^(?:import|export)\s(?!type\b)[^'"]*?from\s+'([^'.][^']*)'/gm)) {
            const spec = m[1];
            if (spec.startsWith('node:')) continue;
            imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
          }
        }
      }
    };
    walk(join(root, 'src'));
    expect(imported.size).toBeGreaterThan(3);
    for (const name of imported) expect(pkg.dependencies, name).toHaveProperty(name);
  });
});

describe('Slurm scripts', () => {
  for (const script of ['compare.sbatch', 'merge.sbatch']) {
    it(`${script} is valid bash with #SBATCH directives`, () => {
      const path = join(deploy, 'slurm', script);
      execFileSync('bash', ['-n', path]);
      expect(readFileSync(path, 'utf8')).toMatch(/^#SBATCH --job-name=batchsim-/m);
    });
  }
});
