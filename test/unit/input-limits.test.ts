import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/cli/io.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { MAX_INPUT_BYTES, MAX_NESTING_DEPTH } from '../../src/scenario/limits.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { findExcessNesting } from '../../src/scenario/nesting.js';

const job = 'job:\n  vertices:\n    - { id: A, parallelism: 2, source: { bytes: 1GiB } }\n';

/** The messages of the ScenarioError `load` throws. */
function issues(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (err instanceof ScenarioError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('nesting depth, before parsing', () => {
  it('counts brackets: 3 nested lists are 3 levels', () => {
    expect(findExcessNesting('[[[1]]]', 3)).toBe(-1);
    expect(findExcessNesting('[[[1]]]', 2)).toBe(2); // the third `[`
    expect(findExcessNesting('{"a": [{"b": 1}]}', 3)).toBe(-1);
    expect(findExcessNesting('{"a": [{"b": 1}]}', 2)).toBe(7); // the inner `{`
  });

  it('counts block levels by indentation and `- ` entries', () => {
    // map > map > sequence (in the key's column) > map: 4 levels.
    const text = 'job:\n  vertices:\n  - id: A\n    parallelism: 2\n';
    expect(findExcessNesting(text, 4)).toBe(-1);
    expect(findExcessNesting(text, 3)).toBeGreaterThanOrEqual(0);
    // `- - - x`: three sequences and the scalar's own column.
    expect(findExcessNesting('- - - x\n', 4)).toBe(-1);
    expect(findExcessNesting('- - - x\n', 3)).toBe(4);
  });

  it('does not count brackets in plain text, quoted strings, comments or block scalars', () => {
    const deep = '['.repeat(200);
    expect(findExcessNesting(`a: A${deep}\n`, 2)).toBe(-1);
    expect(findExcessNesting(`a: "${deep}"\nb: '${deep}'\n`, 2)).toBe(-1);
    expect(findExcessNesting(`a: 1 # ${deep}\n`, 2)).toBe(-1);
    expect(findExcessNesting(`a: |\n  ${deep}\n  more\nb: 2\n`, 2)).toBe(-1);
    expect(findExcessNesting(`- a: >\n    ${deep}\n`, 3)).toBe(-1);
  });

  it('counts brackets the parser reads after an alias, a tag or a document marker', () => {
    for (const text of [`a: *x ${'['.repeat(100)}`, `a: !t${'['.repeat(100)}`, `--- ${'['.repeat(100)}`]) {
      expect(findExcessNesting(text, MAX_NESTING_DEPTH)).toBeGreaterThan(0);
    }
  });

  it('rejects 128 KB of brackets at once, naming the limit (the parser took seconds and ran out of stack)', () => {
    for (const [file, text] of [
      ['deep.yaml', '['.repeat(128 * 1024)],
      ['deep.json', `{"job": ${'['.repeat(64 * 1024)}${']'.repeat(64 * 1024)}}`],
      ['deep-block.yaml', `${'- '.repeat(64 * 1024)}x\n`],
    ]) {
      const t0 = performance.now();
      const msgs = issues(() => loadJobScenario(text, file));
      expect(performance.now() - t0).toBeLessThan(500);
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).toMatch(new RegExp(`^${file.replace('.', '\\.')}: maps and lists nested more than 64 deep \\(line 1, column \\d+\\); batchsim reads at most 64 levels$`));
    }
  });

  it('rejects a scenario text larger than the input limit', () => {
    const text = `${job}description: "${'x'.repeat(MAX_INPUT_BYTES)}"\n`;
    expect(issues(() => loadJobScenario(text, 'big.yaml'))).toEqual([
      'big.yaml: more than 64 MiB: batchsim reads scenarios of at most 64 MiB (67108864 bytes)',
    ]);
  });
});

describe('a dotted key and its nested twin', () => {
  it('setting one thing twice is an error naming both spellings, whichever comes first', () => {
    const text = [
      'cluster:',
      '  taskmanager.slots: 2',
      '  taskmanager: { slots: 7, startup: 1s }',
      'job:',
      '  vertices:',
      '    - { id: A, source: 7, source.bytes: 1GiB, parallelism: 2 }',
      '    - { id: B, inputs: [{ from: A }], jitter.sigma: 0.1, jitter: { sigma: 0.2 } }',
    ].join('\n');
    expect(issues(() => loadJobScenario(text, 't.yaml'))).toEqual([
      't.yaml: cluster.taskmanager.slots: set twice, as `taskmanager: { slots }` and as `taskmanager.slots`; keep one of the two spellings',
      't.yaml: job.vertices[0].source: set twice, as `source` and as `source.bytes`; keep one of the two spellings',
      't.yaml: job.vertices[1].jitter.sigma: set twice, as `jitter: { sigma }` and as `jitter.sigma`; keep one of the two spellings',
    ]);
  });

  it('different keys of one map may still be split between the two spellings', () => {
    const text = `cluster:\n  taskmanager: { startup: 1s }\n  taskmanager.slots: 3\n${job}`;
    const cluster = loadJobScenario(text, 'ok.yaml').spec.cluster;
    expect(cluster.slotsPerTaskManager).toBe(3);
    expect(cluster.startupMs).toBe(1000);
  });
});

describe('seeds are integers a double holds exactly', () => {
  it('reads the largest ones and rejects the next', () => {
    expect(parseSeed('9007199254740991')).toBe(9007199254740991);
    expect(parseSeed('-9007199254740991')).toBe(-9007199254740991);
    for (const s of ['9007199254740992', '9007199254740993', '99999999999999999999999', '-9007199254740992']) {
      expect(() => parseSeed(s)).toThrow(/out of range: expected an integer from -9007199254740991 to 9007199254740991/);
    }
  });

  it('in the scenario too', () => {
    expect(loadJobScenario(`seed: 9007199254740991\n${job}`, 's.yaml').spec.seed).toBe(9007199254740991);
    // 2^53 + 1 is read as 2^53, which is the seed of 2^53 as well: not exact.
    expect(issues(() => loadJobScenario(`seed: 9007199254740993\n${job}`, 's.yaml'))).toEqual([
      's.yaml: seed: Expected an integer from -9007199254740991 to 9007199254740991 (-(2^53-1) to 2^53-1, exact in a double), got `9007199254740992` (number)',
    ]);
    expect(issues(() => loadJobScenario(`seed: 1e300\n${job}`, 's.yaml'))[0]).toMatch(/seed: Expected an integer from/);
  });
});
