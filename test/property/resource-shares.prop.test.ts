//! Properties of the max-min fair shares of one TaskManager (progressive filling).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillShares } from '../../src/model/cluster/resource-shares.js';

const runs = { numRuns: Number(process.env.PROP_RUNS ?? 300) };

const flow = fc.record({
  cap: fc.oneof(fc.double({ min: 0.01, max: 1000, noNaN: true }), fc.constant(Infinity)),
  disk: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true })),
  net: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true })),
});
const tm = fc.record({
  cores: fc.double({ min: 0.25, max: 16, noNaN: true }),
  disk: fc.oneof(fc.double({ min: 1, max: 1000, noNaN: true }), fc.constant(Infinity)),
  net: fc.oneof(fc.double({ min: 1, max: 1000, noNaN: true }), fc.constant(Infinity)),
});

function solve(flows: { cap: number; disk: number; net: number }[], t: { cores: number; disk: number; net: number }) {
  const n = flows.length;
  const speed = new Float64Array(n);
  fillShares(n, flows.map((f) => f.cap), flows.map((f) => f.disk), flows.map((f) => f.net), t.cores, t.disk, t.net, speed, new Uint8Array(n), new Uint8Array(n));
  return [...speed];
}

describe('progressive filling', () => {
  it('never uses more than a resource holds, never runs a flow past its own core, and uses up something for every flow it holds back', () => {
    fc.assert(
      fc.property(fc.array(flow, { minLength: 1, maxLength: 12 }), tm, (flows, t) => {
        const speed = solve(flows, t);
        let cpu = 0;
        let disk = 0;
        let net = 0;
        flows.forEach((f, i) => {
          const s = speed[i];
          expect(s).toBeGreaterThan(0);
          expect(s).toBeLessThanOrEqual(f.cap * (1 + 1e-9));
          if (s === Infinity) return;
          cpu += f.cap === Infinity ? 0 : s / f.cap;
          disk += s * f.disk;
          net += s * f.net;
        });
        expect(cpu).toBeLessThanOrEqual(t.cores * (1 + 1e-9));
        expect(disk).toBeLessThanOrEqual(t.disk * (1 + 1e-9));
        expect(net).toBeLessThanOrEqual(t.net * (1 + 1e-9));
        // Max-min fairness: a flow below its cap uses a resource that is full.
        flows.forEach((f, i) => {
          if (speed[i] >= f.cap * (1 - 1e-9)) return;
          const full =
            (f.cap !== Infinity && cpu >= t.cores * (1 - 1e-9)) || (f.disk > 0 && disk >= t.disk * (1 - 1e-9)) || (f.net > 0 && net >= t.net * (1 - 1e-9));
          expect(full).toBe(true);
        });
      }),
      runs,
    );
  });

  it('adding a flow never speeds up the slowest of the others (it may speed up some: max-min fairness is not monotone)', () => {
    fc.assert(
      fc.property(fc.array(flow, { minLength: 1, maxLength: 10 }), flow, tm, (flows, extra, t) => {
        const before = solve(flows, t);
        const after = solve([...flows, extra], t).slice(0, flows.length);
        expect(Math.min(...after)).toBeLessThanOrEqual(Math.min(...before) * (1 + 1e-9));
      }),
      runs,
    );
  });
});
