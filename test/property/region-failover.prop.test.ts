//! Properties of region failover over random DAGs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computePipelinedRegions,
  verticesToRestart,
  type FailoverTopology,
} from '../support/region-failover.js';

/**
 * A random DAG: edges only go from a lower to a higher vertex number, so there is no cycle.
 * Each edge gets its own partition, or shares its producer's `out` partition (one output read
 * by several consumers), both shapes Flink has.
 */
function dag(types: fc.Arbitrary<string>) {
  return fc.integer({ min: 1, max: 12 }).chain((n) => {
    const pairs: [number, number][] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b]);
    return fc
      .record({
        pairs: fc.subarray(pairs, { maxLength: Math.min(30, pairs.length) }),
        kinds: fc.array(fc.tuple(types, fc.boolean()), { minLength: 30, maxLength: 30 }),
        failed: fc.nat(n - 1),
      })
      .map(({ pairs, kinds, failed }) => {
        const vertices = Array.from({ length: n }, (_, i) => `v${i}`);
        const topology: FailoverTopology = {
          vertices,
          edges: pairs.map(([a, b], i) => {
            const [resultType, shared] = kinds[i];
            // A shared partition must have one type, so only blocking edges share their producer's output.
            const partition = shared && resultType === 'BLOCKING' ? `v${a}.out` : `v${a}->v${b}`;
            return { from: `v${a}`, to: `v${b}`, resultType, partition };
          }),
        };
        return { topology, failed: `v${failed}` };
      });
  });
}

const blockingDag = dag(fc.constant('BLOCKING'));

function consumersOf(t: FailoverTopology, v: string): string[] {
  return t.edges.filter((e) => e.from === v).map((e) => e.to);
}

function downstreamOf(t: FailoverTopology, start: string): Set<string> {
  const seen = new Set([start]);
  const todo = [start];
  while (todo.length > 0) {
    for (const c of consumersOf(t, todo.pop()!)) {
      if (!seen.has(c)) {
        seen.add(c);
        todo.push(c);
      }
    }
  }
  return seen;
}

describe('region failover over random blocking DAGs', () => {
  it('restarts the failed vertex', () => {
    fc.assert(
      fc.property(blockingDag, ({ topology, failed }) => {
        expect(verticesToRestart(topology, failed, {}).has(failed)).toBe(true);
      }),
    );
  });

  it('restarts every consumer of every restarted vertex, even with lost partitions', () => {
    fc.assert(
      fc.property(
        blockingDag.chain((d) =>
          fc.record({ d: fc.constant(d), lost: fc.subarray([...new Set(d.topology.edges.map((e) => e.partition))]) }),
        ),
        ({ d: { topology, failed }, lost }) => {
          const restart = verticesToRestart(topology, failed, { unavailablePartitions: lost });
          for (const v of restart) for (const c of consumersOf(topology, v)) expect(restart).toContain(c);
          // ...and the producer of every lost partition a restarted vertex reads.
          for (const e of topology.edges) {
            if (restart.has(e.to) && lost.includes(e.partition)) expect(restart).toContain(e.from);
          }
        },
      ),
    );
  });

  it('without lost partitions restarts exactly the failed vertex and what is downstream of it', () => {
    fc.assert(
      fc.property(blockingDag, ({ topology, failed }) => {
        const restart = verticesToRestart(topology, failed, { unavailablePartitions: [] });
        expect([...restart].sort()).toEqual([...downstreamOf(topology, failed)].sort());
      }),
    );
  });

  it('gives the same answer on every call and whatever the order of the edges', () => {
    fc.assert(
      fc.property(
        blockingDag.chain((d) => fc.record({ d: fc.constant(d), shuffled: fc.shuffledSubarray(d.topology.edges, { minLength: d.topology.edges.length }) })),
        ({ d: { topology, failed }, shuffled }) => {
          const first = [...verticesToRestart(topology, failed, {})];
          expect([...verticesToRestart(topology, failed, {})]).toEqual(first);
          const reordered = verticesToRestart({ ...topology, edges: shuffled }, failed, {});
          expect([...reordered].sort()).toEqual([...first].sort());
        },
      ),
    );
  });
});

describe('region failover over random DAGs with mixed edge types', () => {
  const mixedDag = dag(fc.constantFrom('BLOCKING', 'PIPELINED', 'HYBRID_FULL', 'HYBRID_SELECTIVE'));

  it('partitions the vertices into regions that keep pipelined edges inside', () => {
    fc.assert(
      fc.property(mixedDag, ({ topology }) => {
        const regions = computePipelinedRegions(topology);
        const regionOf = new Map<string, number>();
        regions.forEach((r, i) => r.forEach((v) => regionOf.set(v, i)));
        expect([...regionOf.keys()].sort()).toEqual([...topology.vertices].sort());
        expect(regions.flat()).toHaveLength(topology.vertices.length);
        for (const e of topology.edges) {
          if (e.resultType === 'PIPELINED') expect(regionOf.get(e.from)).toBe(regionOf.get(e.to));
        }
      }),
    );
  });

  it('restarts whole regions only, closed under consumers', () => {
    fc.assert(
      fc.property(mixedDag, ({ topology, failed }) => {
        const restart = verticesToRestart(topology, failed, {});
        for (const region of computePipelinedRegions(topology)) {
          const inside = region.filter((v) => restart.has(v)).length;
          expect(inside === 0 || inside === region.length).toBe(true);
        }
        for (const v of restart) for (const c of consumersOf(topology, v)) expect(restart).toContain(c);
      }),
    );
  });
});
