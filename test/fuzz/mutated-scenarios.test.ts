//! Mutated scenarios: through the library, any input either loads or throws a ScenarioError,
//! and what loads runs to an end; through the CLI, exit 0 or 2 and never a stack trace.

import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario, type JobScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';
import {
  applyMutations,
  applyTextEdits,
  checkRunInvariants,
  crashed,
  FamilyStats,
  fuzzParameters,
  fuzzRuns,
  MAX_RUN_WALL_MS,
  mutationArb,
  textEditArb,
  validScenarioArb,
} from './support.js';

/** A valid scenario, damaged as a tree and sometimes as text, written as YAML or JSON. */
const mutatedArb = fc
  .record({
    doc: validScenarioArb,
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    edits: fc.option(fc.array(textEditArb, { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 4 }),
    json: fc.boolean(),
  })
  .map(({ doc, mutations, edits, json }) => {
    const tree = applyMutations(doc, mutations);
    let text: string;
    try {
      text = json ? JSON.stringify(tree) ?? 'null' : stringify(tree);
    } catch {
      text = String(tree);
    }
    return { text: edits === undefined ? text : applyTextEdits(text, edits), file: json ? 'fuzz.json' : 'fuzz.yaml' };
  });

const libraryStats = new FamilyStats('mutated scenarios (library)');
const cliStats = new FamilyStats('mutated scenarios (CLI)');
afterAll(() => {
  libraryStats.write();
  cliStats.write();
});

describe('fuzz: mutated scenarios', () => {
  it('through the library: a ScenarioError or a run that ends, never another error', () => {
    fc.assert(
      fc.property(mutatedArb, ({ text, file }) => {
        libraryStats.begin(text);
        let scenario: JobScenario;
        const t0 = performance.now();
        try {
          scenario = loadJobScenario(text, file);
        } catch (err) {
          libraryStats.note(performance.now() - t0, () => text);
          if (!(err instanceof ScenarioError)) throw err;
          expect(err.issues.length).toBeGreaterThan(0);
          return;
        }
        const { result } = simulate(scenario.spec);
        const ms = performance.now() - t0;
        libraryStats.note(ms, () => text);
        expect(ms, `one run took ${Math.round(ms)} ms`).toBeLessThan(MAX_RUN_WALL_MS);
        checkRunInvariants(scenario.spec, result);
      }),
      fuzzParameters(fuzzRuns(150)),
    );
  });

  it('through the CLI: exit 0 or 2, no stack trace', () => {
    const cli = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const dir = mkdtempSync(join(tmpdir(), 'batchsim-fuzz-'));
    fc.assert(
      fc.property(mutatedArb, ({ text, file }) => {
        const path = join(dir, file);
        writeFileSync(path, text);
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [cli, 'run', path, '--json'], { encoding: 'utf8', timeout: 60_000 });
        cliStats.note(performance.now() - t0, () => text);
        expect(crashed(r.stderr), r.stderr).toBe(false);
        expect([0, 2], `exit ${r.status}: ${r.stderr}`).toContain(r.status);
        if (r.status === 2) expect(r.stderr).toContain(path);
      }),
      fuzzParameters(fuzzRuns(4, true)),
    );
  });
});
