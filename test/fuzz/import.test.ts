//! Mutated Flink plans through `import`: a ScenarioError or a scenario that loads, never another error.

import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPlan } from '../../src/import/index.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadScenario } from '../../src/scenario/load.js';
import { applyMutations, applyTextEdits, FamilyStats, fuzzParameters, fuzzRuns, mutationArb, textEditArb } from './support.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/import');
const plans = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json') && !f.startsWith('bad-'))
  .map((f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as unknown);

const stats = new FamilyStats('mutated Flink JSON (import)');
afterAll(() => stats.write());

describe('fuzz: mutated Flink JSON through import', () => {
  it('gives a ScenarioError or a scenario that validates', () => {
    const arb = fc.record({
      plan: fc.constantFrom(...plans),
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
      edits: fc.option(fc.array(textEditArb, { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 5 }),
    });
    fc.assert(
      fc.property(arb, ({ plan, mutations, edits }) => {
        const json = JSON.stringify(applyMutations(plan, mutations)) ?? 'null';
        const text = edits === undefined ? json : applyTextEdits(json, edits);
        stats.time(
          () => text,
          () => {
            let yaml: string;
            try {
              yaml = importPlan(text, 'plan.json').yaml;
            } catch (err) {
              if (!(err instanceof ScenarioError)) throw err;
              return;
            }
            // What import writes must be a scenario the simulator accepts.
            expect(() => loadScenario(yaml, 'imported.yaml')).not.toThrow();
          },
        );
      }),
      fuzzParameters(fuzzRuns(200)),
    );
  });
});
