import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/rng.js';
import { FaultInjector, INJECTED_FAILURE, RANDOM_FAILURE } from '../../src/failure/fault-injector.js';
import { scenario } from '../support/run.js';

const job = { vertices: [{ id: 'A', parallelism: 2, source: { bytes: 1 } }, { id: 'B', parallelism: 2, inputs: [{ from: 'A' }] }] };

describe('FaultInjector', () => {
  it('fails exactly the attempt an injected fault names, at its fraction', () => {
    const f = new FaultInjector(scenario({ job, faults: [{ type: 'subtask', vertex: 'B', subtask: 1, attempt: 2, at: 0.25 }] }), new RandomStreams(0).stream('r'));
    expect(f.failureOf(1, 1, 2)).toEqual({ at: 0.25, cause: INJECTED_FAILURE });
    expect(f.failureOf(1, 1, 1)).toBeNull();
    expect(f.failureOf(0, 1, 2)).toBeNull();
  });

  it('combines random-subtask faults as independent chances', () => {
    const f = new FaultInjector(
      scenario({ job, faults: [{ type: 'random-subtask', probability: 0.5 }, { type: 'random-subtask', probability: 0.5 }] }),
      new RandomStreams(1).stream('r'),
    );
    expect(f.randomProbability).toBe(0.75);
    let failed = 0;
    for (let i = 0; i < 4000; i++) {
      const failure = f.failureOf(0, 0, i);
      if (failure !== null) {
        failed++;
        expect(failure.cause).toBe(RANDOM_FAILURE);
        expect(failure.at).toBeGreaterThanOrEqual(0);
        expect(failure.at).toBeLessThan(1);
      }
    }
    expect(failed / 4000).toBeGreaterThan(0.72);
    expect(failed / 4000).toBeLessThan(0.78);
  });

  it('lets an injected fault win over a random one for the same attempt', () => {
    const f = new FaultInjector(
      scenario({ job, faults: [{ type: 'random-subtask', probability: 1 }, { type: 'subtask', vertex: 'A', subtask: 0, attempt: 0, at: 0.9 }] }),
      new RandomStreams(2).stream('r'),
    );
    expect(f.failureOf(0, 0, 0)).toEqual({ at: 0.9, cause: INJECTED_FAILURE });
    expect(f.failureOf(0, 1, 0)?.cause).toBe(RANDOM_FAILURE);
  });

  it('fails an attempt named by two faults at the first fraction it reaches, whichever is listed last', () => {
    for (const ats of [[0.7, 0.3], [0.3, 0.7]]) {
      const faults = ats.map((at) => ({ type: 'subtask', vertex: 'B', subtask: 0, at }));
      const f = new FaultInjector(scenario({ job, faults }), new RandomStreams(0).stream('r'));
      expect(f.failureOf(1, 0, 0)?.at).toBe(0.3);
    }
  });
});
