//! Region failover against Flink's own test cases and hand-computed DAGs.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  computePipelinedRegions,
  isKnownResultType,
  PipelinedRegionFailover,
  verticesToRestart,
  type FailoverTopology,
} from '../support/region-failover.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const casesFile = path.resolve(repoRoot, '../shared/flink/failover_cases.json');

/** The shape of `failover_cases.json`: Flink's RestartPipelinedRegionFailoverStrategyTest as data. */
interface CaseFile {
  cases: {
    id: string;
    testMethod: string;
    topology: FailoverTopology & { regions: string[][] };
    checks: {
      failed: string;
      partitionError?: string | null;
      unavailablePartitions?: string[];
      expectedRestart: string[];
    }[];
  }[];
}

const caseFile: CaseFile | undefined = existsSync(casesFile)
  ? (JSON.parse(readFileSync(casesFile, 'utf8')) as CaseFile)
  : undefined;
if (caseFile === undefined) console.warn(`region-failover: ${casesFile} not found; Flink's failover cases are skipped`);

/** Regions compared as sets of sets: neither the order of regions nor of their vertices matters. */
function canonicalRegions(regions: string[][]): string[][] {
  return regions.map((r) => [...r].sort()).sort((a, b) => a.join().localeCompare(b.join()));
}

function describeCheck(c: CaseFile['cases'][number]['checks'][number]): string {
  const parts = [`${c.failed} fails`];
  if (c.partitionError) parts.push(`reading ${c.partitionError}`);
  if (c.unavailablePartitions && c.unavailablePartitions.length > 0) {
    parts.push(`with ${c.unavailablePartitions.join(', ')} unavailable`);
  }
  return `${parts.join(' ')} -> restarts ${c.expectedRestart.join(', ')}`;
}

describe.skipIf(caseFile === undefined)("Flink's RestartPipelinedRegionFailoverStrategyTest cases", () => {
  // Gives the skipped suite a visible entry in the report when the file is missing.
  if (caseFile === undefined) it(`reads ${casesFile}`, () => {});
  for (const testCase of caseFile?.cases ?? []) {
    // A case is only out of scope when it uses a partition type the failover does not model.
    const unknownTypes = [...new Set(testCase.topology.edges.map((e) => e.resultType))].filter(
      (t) => !isKnownResultType(t),
    );
    describe(`${testCase.id} (${testCase.testMethod})`, () => {
      if (unknownTypes.length > 0) {
        it.skip(`${testCase.id}: result type ${unknownTypes.join(', ')} is not modelled`, () => {});
        return;
      }
      it(`${testCase.id}: pipelined regions are ${JSON.stringify(testCase.topology.regions)}`, () => {
        expect(canonicalRegions(computePipelinedRegions(testCase.topology))).toEqual(
          canonicalRegions(testCase.topology.regions),
        );
      });
      testCase.checks.forEach((check, i) => {
        it(`${testCase.id}#${i + 1}: ${describeCheck(check)}`, () => {
          const restart = verticesToRestart(testCase.topology, check.failed, {
            unavailablePartitions: check.unavailablePartitions ?? [],
            partitionError: check.partitionError ?? null,
          });
          expect([...restart].sort()).toEqual([...check.expectedRestart].sort());
        });
      });
    });
  }
});

/** A tiny topology builder: `connect(a, b)` adds a blocking edge whose partition is `a->b`. */
function topology(vertices: string[]) {
  const t: FailoverTopology = { vertices, edges: [] };
  const api = {
    connect(from: string, to: string, resultType = 'BLOCKING', partition = `${from}->${to}`) {
      t.edges.push({ from, to, resultType, partition });
      return api;
    },
    build: () => t,
  };
  return api;
}

/** Asserts like Flink's tests: `expectFailoverOf(t, 'v3').restarts('v1', 'v3')`. */
function expectFailoverOf(t: FailoverTopology, failed: string, opts: Parameters<typeof verticesToRestart>[2] = {}) {
  return {
    restarts(...expected: string[]) {
      expect([...verticesToRestart(t, failed, opts)].sort()).toEqual(expected.sort());
    },
  };
}

describe('region failover on hand-computed DAGs', () => {
  /**
   * A chain of blocking edges; every subtask is its own region.
   *
   *   v1 --B--> v2 --B--> v3
   */
  const chain = topology(['v1', 'v2', 'v3']).connect('v1', 'v2').connect('v2', 'v3').build();

  it('restarts the failed subtask of a chain and everything downstream of it', () => {
    expectFailoverOf(chain, 'v1').restarts('v1', 'v2', 'v3');
    expectFailoverOf(chain, 'v2').restarts('v2', 'v3');
    expectFailoverOf(chain, 'v3').restarts('v3');
  });

  it('restarts the producer too when the failed subtask could not read its input', () => {
    expectFailoverOf(chain, 'v3', { partitionError: 'v2->v3' }).restarts('v2', 'v3');
  });

  it('keeps every blocking subtask in a region of its own', () => {
    expect(computePipelinedRegions(chain)).toEqual([['v1'], ['v2'], ['v3']]);
  });

  /**
   * A diamond of blocking edges.
   *
   *        +--B--> b --B--+
   *        |              v
   *        a              d
   *        |              ^
   *        +--B--> c --B--+
   */
  const diamond = topology(['a', 'b', 'c', 'd'])
    .connect('a', 'b')
    .connect('a', 'c')
    .connect('b', 'd')
    .connect('c', 'd')
    .build();

  it('restarts one arm of a diamond and the join, not the other arm', () => {
    expectFailoverOf(diamond, 'b').restarts('b', 'd');
    expectFailoverOf(diamond, 'c').restarts('c', 'd');
  });

  it('restarts the whole diamond when its source fails', () => {
    expectFailoverOf(diamond, 'a').restarts('a', 'b', 'c', 'd');
  });

  it('restarts the join alone when it fails with all inputs available', () => {
    expectFailoverOf(diamond, 'd').restarts('d');
  });

  /**
   * One partition `src.out` read by two consumers; x has finished and fed z, y is running.
   *
   *          +--B--> x (finished) --B--> z
   *   src ---|
   *          +--B--> y (running)
   *
   * The TaskManager holding src's output is lost and y fails reading it.
   */
  const fanOut = topology(['src', 'x', 'y', 'z'])
    .connect('src', 'x', 'BLOCKING', 'src.out')
    .connect('src', 'y', 'BLOCKING', 'src.out')
    .connect('x', 'z')
    .build();

  it("reruns a lost partition's producer and all its consumers, finished ones included", () => {
    expectFailoverOf(fanOut, 'y', { partitionError: 'src.out' }).restarts('src', 'x', 'y', 'z');
    expectFailoverOf(fanOut, 'y', { unavailablePartitions: ['src.out'] }).restarts('src', 'x', 'y', 'z');
  });

  it('leaves a finished sibling alone when the shared partition is still available', () => {
    expectFailoverOf(fanOut, 'y').restarts('y');
  });

  it('ignores lost partitions that no restarted subtask reads', () => {
    expectFailoverOf(fanOut, 'z', { unavailablePartitions: ['src.out'] }).restarts('z');
  });

  /**
   * A pipelined pair feeding a blocking edge.
   *
   *   a --P--> b --B--> c
   */
  const pipelinedThenBlocking = topology(['a', 'b', 'c']).connect('a', 'b', 'PIPELINED').connect('b', 'c').build();

  it('joins subtasks over a pipelined edge into one region', () => {
    expect(computePipelinedRegions(pipelinedThenBlocking)).toEqual([['a', 'b'], ['c']]);
  });

  it('restarts the whole producer region when a blocking input is lost', () => {
    expectFailoverOf(pipelinedThenBlocking, 'c', { unavailablePartitions: ['b->c'] }).restarts('a', 'b', 'c');
    expectFailoverOf(pipelinedThenBlocking, 'a').restarts('a', 'b', 'c');
  });

  /**
   * Two pipelined regions that feed each other over blocking edges: {a, b} and {c, d} form a
   * cycle, which Flink merges into one region (FLINK-17330).
   *
   *   a --P--> b
   *    \       ^
   *     B      B
   *      v     |
   *   c --P--> d      (a -> d and c -> b are blocking)
   */
  const cycle = topology(['a', 'b', 'c', 'd'])
    .connect('a', 'b', 'PIPELINED')
    .connect('c', 'd', 'PIPELINED')
    .connect('a', 'd')
    .connect('c', 'b')
    .build();

  it('merges pipelined regions that form a cycle over blocking edges', () => {
    expect(computePipelinedRegions(cycle)).toEqual([['a', 'b', 'c', 'd']]);
    expectFailoverOf(cycle, 'b').restarts('a', 'b', 'c', 'd');
  });

  /**
   * Hybrid edges: neither kind joins regions; only a selective one cannot be read twice.
   *
   *   f --HYBRID_FULL--> x <--HYBRID_SELECTIVE-- s
   */
  const hybrid = topology(['f', 's', 'x'])
    .connect('f', 'x', 'HYBRID_FULL')
    .connect('s', 'x', 'hybrid-selective')
    .build();

  it('restarts the producer of a hybrid-selective input but not of a hybrid-full one', () => {
    expect(computePipelinedRegions(hybrid)).toEqual([['f'], ['s'], ['x']]);
    expectFailoverOf(hybrid, 'x').restarts('s', 'x');
  });

  it('reuses one prepared topology across failures', () => {
    const failover = new PipelinedRegionFailover(diamond);
    expect(failover.regionOf('b')).toEqual(['b']);
    expect([...failover.verticesToRestart('b')].sort()).toEqual(['b', 'd']);
    expect([...failover.verticesToRestart('b', { unavailablePartitions: ['a->b'] })].sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('rejects unknown vertices, unknown result types and contradictory partitions', () => {
    expect(() => verticesToRestart(chain, 'nope', {})).toThrow(/nope is not in the failover topology/);
    expect(() => verticesToRestart(chain, 'v3', { partitionError: 'nope' })).toThrow(/partition nope/);
    expect(() => computePipelinedRegions(topology(['a', 'b']).connect('a', 'b', 'TELEPATHIC').build())).toThrow(
      /unknown result partition type TELEPATHIC/,
    );
    expect(() =>
      computePipelinedRegions(
        topology(['a', 'b', 'c']).connect('a', 'c', 'BLOCKING', 'p').connect('b', 'c', 'BLOCKING', 'p').build(),
      ),
    ).toThrow(/partition p has two producers/);
  });
});
