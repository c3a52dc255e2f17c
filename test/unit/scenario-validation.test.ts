import { describe, expect, it } from 'vitest';
import { loadJobScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/issues.js';

/** The message of the ScenarioError that loading `text` throws. */
function problems(text: string): string {
  try {
    loadJobScenario(text, 's.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).message;
  }
  throw new Error('the scenario was accepted');
}

const V = 'job:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n';

describe('numbers past Flink\'s or the documented bounds, non-finite numbers, reserved keys: the field and what is allowed', () => {
  const cases: [string, string, RegExp][] = [
    ['huge parallelism.default', `config:\n  parallelism.default: 9007199254740992\n${V}`, /config\["parallelism\.default"\]: Expected an integer from 1 to 32768/],
    ['huge max-parallelism', `config:\n  execution.batch.adaptive.auto-parallelism.max-parallelism: 1000000000\n${V}`, /config\["execution\.batch\.adaptive\.auto-parallelism\.max-parallelism"\]: Expected an integer from 1 to 32768/],
    ['huge slots', `cluster:\n  taskmanager: { slots: 1e300 }\n${V}`, /cluster\.taskmanager\.slots: Expected an integer from 1 to 32768, got `1e\+300`/],
    ['huge skew keys', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, skew: { zipf: 1, keys: 1e12 } }\n`, /job\.vertices\[0\]\.skew: Expected `\{ zipf: S \}` \(S >= 0, optional `keys: K` from 1 to 1000000\)/],
    ['duration overflowing', `cluster:\n  taskmanager: { startup: 1e308 d }\n${V}`, /cluster\.taskmanager\.startup: Expected a duration of at most 2\^53 - 1 ms .*got `1e308 d`/],
    ['duration in seconds overflowing', `cluster:\n  taskmanager: { idleTimeout: 1e308 }\n${V}`, /cluster\.taskmanager\.idleTimeout: Expected a duration of at most/],
    ['size overflowing', `job:\n  vertices:\n    - { id: A, source: { bytes: 1e308 tb } }\n`, /job\.vertices\[0\]\.source\.bytes: Expected a finite size of at most 8 PiB \(2\^53 - 1 bytes\), got `1e308 tb`/],
    ['rate overflowing', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, rate: 1e308 tb/s }\n`, /job\.vertices\[0\]\.rate: Expected a finite rate, got `1e308 tb\/s`/],
    ['memory overflowing', `cluster:\n  jobmanager: { memory: 1e308 }\n${V}`, /cluster\.jobmanager\.memory: Expected a finite size of at most 8 PiB/],
    ['cpu overflowing', `cluster:\n  taskmanager: { cpuPerSlot: 1e308 }\n${V}`, /cluster\.taskmanager\.cpuPerSlot: Expected a number > 0 and at most 1000000, got `1e\+308`/],
    ['skew weights summing to Infinity', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, skew: { weights: [1e308, 1e308] } }\n`, /job\.vertices\[0\]\.skew: .*with a positive finite sum/],
    ['selectivity overflowing the byte count', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 gb } }\n    - { id: B, inputs: [{ from: A }], selectivity: 1e300 }\n`, /job\.vertices\[1\]\.selectivity: vertex `B` could write up to 1\.07e\+309 bytes|job\.vertices\[1\]\.selectivity: vertex `B` could write up to Infinity bytes/],
    ['selectivity summed over a chain', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 tb } }\n    - { id: B, inputs: [{ from: A }], selectivity: 1000 }\n    - { id: C, inputs: [{ from: B }], selectivity: 1000 }\n`, /job\.vertices\[2\]\.selectivity: vertex `C` could write up to 1\.10e\+18 bytes/],
    ['jitter sigma past its bound', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, jitter: { sigma: 1e200 } }\n`, /job\.vertices\[0\]\.jitter\.sigma: Expected a number from 0 to 10/],
    ['1.15 decider with no power of two in range', `config:\n  batchsim.parallelism-decider: '1.15'\n  execution.batch.adaptive.auto-parallelism.min-parallelism: 5\n  execution.batch.adaptive.auto-parallelism.max-parallelism: 7\n${V}`, /config\["batchsim\.parallelism-decider"\]: Flink 1\.15's decider needs a power of two from the min parallelism 5 to the max parallelism 7.*config\["execution\.batch\.adaptive\.auto-parallelism\.min-parallelism"\], config\["execution\.batch\.adaptive\.auto-parallelism\.max-parallelism"\]/],
    ['__proto__ under cluster', `cluster:\n  __proto__: { maxSlots: 1 }\n${V}`, /cluster: unknown key `__proto__`/],
    ['__proto__ in config', `config:\n  __proto__: { parallelism.default: 3 }\n${V}`, /config: unknown key `__proto__`/],
    ['constructor as a dotted key', `cluster:\n  taskmanager.constructor: 3\n${V}`, /cluster: unknown key `taskmanager\.constructor`/],
    ['prototype in JSON', `{"job": {"vertices": [{"id": "A", "source": {"bytes": 1}, "prototype": 1}]}}`, /job\.vertices\[0\]: unknown key `prototype`/],
    ['missing required field', `job:\n  vertices:\n    - { source: { bytes: 1 } }\n`, /job\.vertices\[0\]\.id: is required$/m],
    ['missing fault type', `${V}faults:\n  - { vertex: A }\n`, /faults\[0\]\.type: is required \(one of `subtask`/],
    ['wrong fault type, path not doubled', `${V}faults:\n  - { type: 5 }\n`, /faults\[0\]\.type: Expected one of `subtask`, `taskmanager`, `random-subtask`, got `5` \(number\)/],
    ['hosting index past a fixed parallelism', `job:\n  vertices:\n    - { id: agg, parallelism: 8, source: { bytes: 1 } }\nfaults:\n  - { type: taskmanager, at: 1, hosting: "agg[99]" }\n`, /faults\[0\]\.hosting: vertex `agg` has parallelism 8, so subtask 99 does not exist \(subtasks are 0 to 7\)/],
    ['subtask index past a source\'s default parallelism', `${V}faults:\n  - { type: subtask, vertex: A, subtask: 3 }\n`, /faults\[0\]\.subtask: vertex `A` runs with the default parallelism 1, so subtask 3 does not exist/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    expect(problems(text)).toMatch(message);
  });
});

describe('values at the bounds are accepted', () => {
  it('parallelism 32768, 8 PiB - 1 source bytes, 10 jitter sigma, 1e6 skew keys', () => {
    const s = loadJobScenario(
      'job:\n  vertices:\n    - { id: A, parallelism: 32768, source: { bytes: 9007199254740991 }, jitter: { sigma: 10 }, skew: { zipf: 1, keys: 1000000 }, selectivity: 0 }\n',
      's.yaml',
    ).spec;
    expect(s.vertices[0].parallelism).toBe(32768);
    expect(s.vertices[0].sourceBytes).toBe(2 ** 53 - 1);
  });

  it('sizes are rounded to whole bytes', () => {
    const s = loadJobScenario('job:\n  vertices:\n    - { id: A, source: { bytes: 1.6 kb } }\n', 's.yaml').spec;
    expect(s.vertices[0].sourceBytes).toBe(1638); // 1.6 * 1024 = 1638.4
  });

  it('a 1.15 range holding a power of two passes', () => {
    const s = loadJobScenario(`config:\n  batchsim.parallelism-decider: '1.15'\n  execution.batch.adaptive.auto-parallelism.min-parallelism: 5\n  execution.batch.adaptive.auto-parallelism.max-parallelism: 8\n${V}`, 's.yaml').spec;
    expect(s.parallelism.deciderVersion).toBe('1.15');
  });
});

describe('__proto__ never becomes a prototype', () => {
  it('leaves Object.prototype and the parsed spec untouched', () => {
    expect(() => loadJobScenario('job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, __proto__: { parallelism: 3 } }\n', 's.yaml')).toThrow(ScenarioError);
    expect(({} as Record<string, unknown>).parallelism).toBeUndefined();
  });
});

describe('two subtask faults on one attempt', () => {
  it('warns that the one at the larger fraction applies to nothing', () => {
    const s = loadJobScenario(
      `job:\n  vertices:\n    - { id: A, parallelism: 2, source: { bytes: 1 } }\nfaults:\n  - { type: subtask, vertex: A, subtask: 1, at: 0.7 }\n  - { type: subtask, vertex: A, subtask: 1, at: 0.3 }\n  - { type: subtask, vertex: A, subtask: 1, attempt: 1, at: 0.9 }\n`,
      's.yaml',
    ).spec;
    expect(s.warnings).toEqual(['faults[0]: applies to nothing: attempt 0 of A[1] already fails at 0.3 of its time (faults[1])']);
  });
});
