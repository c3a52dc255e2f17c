//! Valid random scenarios: each loads, runs within a bounded wall time and memory, meets the
//! run invariants, and gives the same result twice.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';
import { checkRunInvariants, FamilyStats, fuzzParameters, fuzzRuns, MAX_RSS_BYTES, MAX_RUN_WALL_MS, validScenarioArb } from './support.js';

const stats = new FamilyStats('valid scenarios');
afterAll(() => stats.write());

describe('fuzz: valid random scenarios', () => {
  it('load, end within bounded time and memory, keep the invariants, and are deterministic', () => {
    fc.assert(
      fc.property(validScenarioArb, (doc) => {
        const text = stringify(doc);
        stats.begin(text);
        let spec;
        try {
          spec = loadJobScenario(text, 'fuzz.yaml').spec;
        } catch (err) {
          // The generator does not bound the bytes a chain of selectivities and broadcasts can
          // reach; validation rejects those (2^53 - 1 at most), and only those.
          const bytesBound = err instanceof ScenarioError && err.issues.every((i) => i.message.includes('could write up to'));
          fc.pre(!bytesBound);
          throw err;
        }
        const t0 = performance.now();
        const first = simulate(spec).result;
        const ms = performance.now() - t0;
        stats.note(ms, () => text);
        expect(ms, `one run took ${Math.round(ms)} ms`).toBeLessThan(MAX_RUN_WALL_MS);
        expect(process.memoryUsage().rss).toBeLessThan(MAX_RSS_BYTES);
        checkRunInvariants(spec, first);
        const again = simulate(loadJobScenario(text, 'fuzz.yaml').spec).result;
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));
      }),
      fuzzParameters(fuzzRuns(100)),
    );
  });
});
