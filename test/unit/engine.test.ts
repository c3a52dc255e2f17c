import { describe, expect, it } from 'vitest';
import { InvariantError, Simulation } from '../../src/engine/simulation.js';
import { LogNormalDraws, RandomStreams } from '../../src/engine/rng.js';

describe('Simulation', () => {
  it('runs events in time order and moves the clock to each', () => {
    const sim = new Simulation();
    const seen: [number, number][] = [];
    const k = sim.register(null, (_, a) => seen.push([sim.now, a]));
    sim.schedule(30, k, 3);
    sim.schedule(10, k, 1);
    sim.schedule(20, k, 2);
    sim.run();
    expect(seen).toEqual([[10, 1], [20, 2], [30, 3]]);
  });

  it('runs events at the same time first in, first out', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const k = sim.register(null, (_, a) => seen.push(a));
    for (let i = 0; i < 100; i++) sim.schedule(5, k, i);
    sim.run();
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('drops cancelled events without counting them', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const k = sim.register(null, (_, a) => seen.push(a));
    sim.schedule(1, k, 1);
    const h = sim.schedule(2, k, 2);
    sim.schedule(3, k, 3);
    sim.cancel(h);
    sim.run();
    expect(seen).toEqual([1, 3]);
    expect(sim.processed).toBe(2);
  });

  it('lets handlers schedule more events, including at the current time', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const b = sim.register(null, () => seen.push(`b@${sim.now}`));
    const a = sim.register(null, () => {
      seen.push(`a@${sim.now}`);
      sim.schedule(0, b);
    });
    sim.schedule(7, a);
    sim.schedule(7, b);
    sim.run();
    expect(seen).toEqual(['a@7', 'b@7', 'b@7']);
  });

  it('rejects a negative delay', () => {
    const sim = new Simulation();
    const k = sim.register(null, () => {});
    expect(() => sim.schedule(-1, k)).toThrow(InvariantError);
  });

  it('stops when asked and keeps the rest queued', () => {
    const sim = new Simulation();
    const k = sim.register(null, (_, a) => {
      if (a === 2) sim.stop();
    });
    for (let i = 1; i <= 4; i++) sim.schedule(i, k, i);
    sim.run();
    expect(sim.now).toBe(2);
    expect(sim.pending).toBe(2);
  });

  it('grows its event pool past the initial capacity', () => {
    const sim = new Simulation();
    let sum = 0;
    const k = sim.register(null, (_, a) => (sum += a));
    for (let i = 0; i < 5000; i++) sim.schedule(5000 - i, k, 1);
    sim.run();
    expect(sum).toBe(5000);
    expect(sim.now).toBe(5000);
  });
});

describe('Simulation.retire', () => {
  it('runs the queued events of retired kinds as no-ops and keeps the others', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const handler = (target: { name: string }, a: number) => seen.push(`${target.name}:${a}`);
    const keep = sim.register({ name: 'keep' }, handler);
    const from = sim.kindCount;
    const gone1 = sim.register({ name: 'gone1' }, handler);
    const gone2 = sim.register({ name: 'gone2' }, handler);
    const to = sim.kindCount;
    expect([from, to]).toEqual([1, 3]);
    sim.schedule(1, gone1, 1);
    sim.schedule(2, keep, 2);
    sim.schedule(3, gone2, 3);
    sim.retire(from, to);
    sim.run();
    expect(seen).toEqual(['keep:2']);
    // The retired events still count as processed: the clock went through them.
    expect(sim.processed).toBe(3);
    expect(sim.now).toBe(3);
  });
});

describe('RandomStreams', () => {
  it('gives the same numbers for the same seed and name', () => {
    const a = new RandomStreams(42).stream('x');
    const b = new RandomStreams(42).stream('x');
    expect([a.next(), a.next(), a.next()]).toEqual([b.next(), b.next(), b.next()]);
  });

  it('keeps named streams independent of each other', () => {
    const one = new RandomStreams(7);
    const x1 = one.stream('x').next();
    const two = new RandomStreams(7);
    two.stream('y').next();
    two.stream('y').next();
    expect(two.stream('x').next()).toBe(x1);
  });

  it('draws log-normal factors with mean close to 1', () => {
    const s = new LogNormalDraws(new RandomStreams(1).stream('j'));
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += s.meanOne(0.5);
    expect(sum / n).toBeGreaterThan(0.97);
    expect(sum / n).toBeLessThan(1.03);
    expect(s.meanOne(0)).toBe(1);
  });

  it('draws standard normals: mean, spread and tails as the normal distribution has them', () => {
    const s = new RandomStreams(5).stream('normal');
    const n = 400_000;
    let sum = 0;
    let squares = 0;
    let withinOne = 0;
    let beyondTwo = 0;
    let beyondTail = 0;
    for (let i = 0; i < n; i++) {
      const z = s.normal();
      sum += z;
      squares += z * z;
      if (Math.abs(z) < 1) withinOne++;
      if (Math.abs(z) > 2) beyondTwo++;
      // Beyond the ziggurat's base layer: drawn by the tail method.
      if (Math.abs(z) > 3.5) beyondTail++;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(squares / n).toBeGreaterThan(0.99);
    expect(squares / n).toBeLessThan(1.01);
    // P(|Z| < 1) = 0.6827, P(|Z| > 2) = 0.0455, P(|Z| > 3.5) = 0.000465 (186 expected).
    expect(withinOne / n).toBeCloseTo(0.6827, 2);
    expect(beyondTwo / n).toBeCloseTo(0.0455, 2);
    expect(beyondTail).toBeGreaterThan(130);
    expect(beyondTail).toBeLessThan(250);
  });

  it('calls each handler with the target it was registered with', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const handler = (target: { name: string }, a: number, b: number, c: number) => seen.push(`${target.name}:${a},${b},${c}`);
    const first = sim.register({ name: 'first' }, handler);
    const second = sim.register({ name: 'second' }, handler);
    sim.schedule(2, second, 4, 5, 6);
    sim.schedule(1, first, 1, 2, 3);
    sim.run();
    expect(seen).toEqual(['first:1,2,3', 'second:4,5,6']);
  });

  it('draws log-normal factors in blocks that equal one draw at a time', () => {
    const one = new RandomStreams(3).stream('jitter');
    // A block of 4 so that 11 draws cross block edges; sigma 0 must not use up a draw.
    const blocks = new LogNormalDraws(new RandomStreams(3).stream('jitter'), 4);
    const sigmas = [0.2, 0.5, 0, 1, 0.2, 0.2, 0, 0.3, 0.2, 0.7, 0.1, 0.2, 0.4];
    const oneAtATime = (sigma: number): number => (sigma === 0 ? 1 : Math.exp(sigma * one.normal() - (sigma * sigma) / 2));
    for (const sigma of sigmas) expect(blocks.meanOne(sigma)).toBe(oneAtATime(sigma));
  });
});
