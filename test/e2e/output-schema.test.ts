//! Real outputs of `run --json` and `compare --json` against the schemas `batchsim schema` prints.

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPARE_SCHEMA, RUN_SCHEMA } from '../../src/report/output-schema.js';
import { loadJobScenario, loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
// Multi-job scenarios (`jobs:`) print another document, checked by the multi-job run's tests.
const examples = readdirSync(join(root, 'sim-scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .filter((f) => loadScenario(readFileSync(join(root, 'sim-scenarios', f), 'utf8'), join(root, 'sim-scenarios', f)).kind === 'job');

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validRun = ajv.compile(RUN_SCHEMA);
const validCompare = ajv.compile(COMPARE_SCHEMA);
const errors = (v: { errors?: unknown }) => JSON.stringify(v.errors ?? null);

function batchsim(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}, 120_000);

describe('batchsim schema', () => {
  it('prints the schemas the tests use', () => {
    expect(JSON.parse(batchsim(['schema', 'run']).stdout)).toEqual(RUN_SCHEMA);
    expect(JSON.parse(batchsim(['schema', 'compare']).stdout)).toEqual(COMPARE_SCHEMA);
    const bad = batchsim(['schema', 'report']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected one of `run`, `compare`, got `report`/);
  });

  it('requires every field of the output contract (../shared/scenario-format.md, "Output (`run --json`)")', () => {
    const props = (s: unknown) => s as { required: string[]; properties: Record<string, unknown> };
    const top = props(RUN_SCHEMA);
    for (const k of ['status', 'makespan', 'vertices', 'taskManagers', 'restarts', 'slotSeconds', 'cost']) expect(top.required).toContain(k);
    expect(Object.keys(top.properties)).toContain('failureCause');
    const vertex = props((top.properties.vertices as { items: unknown }).items);
    for (const k of ['id', 'parallelism', 'attempts', 'start', 'end']) expect(vertex.required).toContain(k);
    expect(props(top.properties.taskManagers).required).toEqual(expect.arrayContaining(['created', 'peak']));
    expect(props(top.properties.cost).required).toEqual(['coreSeconds', 'gibSeconds', 'shuffleServiceCuSeconds']);
  });
});

describe('run --json matches the run schema', () => {
  it.each(examples)('%s', (name) => {
    const result = simulate(loadJobScenario(readFileSync(join(root, 'sim-scenarios', name), 'utf8'), name).spec).result;
    const doc = JSON.parse(JSON.stringify(result));
    expect(validRun(doc), errors(validRun)).toBe(true);
  });

  it('also in streaming mode, and through the CLI', () => {
    const spec = loadJobScenario(readFileSync(join(root, 'sim-scenarios/random-failures.yaml'), 'utf8'), 'x.yaml').spec;
    const doc = JSON.parse(JSON.stringify(simulate({ ...spec, mode: 'STREAMING' }).result));
    expect(doc.status).toBe('FAILED');
    expect(validRun(doc), errors(validRun)).toBe(true);
    const cliDoc = JSON.parse(batchsim(['run', 'sim-scenarios/lost-taskmanager-local.yaml', '--json']).stdout);
    expect(validRun(cliDoc), errors(validRun)).toBe(true);
  });

  it('rejects a document that breaks the contract or carries an undescribed field', () => {
    const result = simulate(loadJobScenario(readFileSync(join(root, 'sim-scenarios/default.yaml'), 'utf8'), 'd.yaml').spec).result;
    const doc = JSON.parse(JSON.stringify(result));
    expect(validRun({ ...doc, makespan: undefined })).toBe(false);
    expect(validRun({ ...doc, status: 'DONE' })).toBe(false);
    expect(validRun({ ...doc, taskManagers: { ...doc.taskManagers, tmsCreated: 3 } })).toBe(false);
  });
});

describe('compare --json matches the compare schema', () => {
  it('a grid with failed runs, an unlimited cap and both shuffles', () => {
    const r = batchsim(['compare', 'sim-scenarios/disk-full-4-slots.yaml', '--slots', '1,4', '--shuffle', 'local,remote', '--max-slots', '4,unlimited', '--seeds', '2', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validCompare(doc), errors(validCompare)).toBe(true);
    expect(doc.choices.some((c: { failed: number }) => c.failed > 0)).toBe(true);
    expect(doc.choices.some((c: { settings: { maxSlots: unknown } }) => c.settings.maxSlots === 'unlimited')).toBe(true);
    // The old names are gone, so the schema would catch them.
    expect(validCompare({ ...doc, choices: [{ ...doc.choices[0], tmsCreatedMedian: 1 }] })).toBe(false);
  });

  it('batch against streaming', () => {
    const r = batchsim(['compare', 'sim-scenarios/random-failures.yaml', '--mode', 'batch,streaming', '--seeds', '1', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validCompare(doc), errors(validCompare)).toBe(true);
  });
});
