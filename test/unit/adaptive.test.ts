import { describe, expect, it } from 'vitest';
import { runHandComputed as run, vertex } from '../support/run.js';

const MiB = 2 ** 20;

/** A 1 GiB source (parallelism 4) feeding `consumer` over all-to-all, with extra config. */
function job(config: object = {}, consumer: object = {}) {
  return {
    cluster: { taskmanager: { startup: 0, slots: 4 } },
    config,
    job: {
      vertices: [
        { id: 'src', parallelism: 4, source: { bytes: '1GiB' }, rate: '512MiB/s' },
        { id: 'agg', inputs: [{ from: 'src', pattern: 'all-to-all' }], rate: '64MiB/s', ...consumer },
      ],
    },
  };
}

describe('adaptive batch scheduler: scenario level, hand-computed', () => {
  it('a 1 GiB input with default settings gives its consumer 64 subtasks of 16 MiB', () => {
    const out = run(job());
    const agg = vertex(out, 'agg');
    expect(agg.parallelism).toBe(64);
    expect(agg.decision).toMatchObject({ origin: 'inferred', bytesConsumed: 1024 * MiB });
    expect(agg.subtaskInputBytes).toEqual({ min: 16 * MiB, median: 16 * MiB, max: 16 * MiB });
    expect(out.timeline.attempts.filter((a) => a.vertex === 'agg')).toHaveLength(64);
  });

  it('with 4 MiB per task the max parallelism (128) binds', () => {
    const agg = vertex(run(job({ 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task': '4MiB' })), 'agg');
    expect(agg.parallelism).toBe(128);
    expect(agg.decision.boundBy).toBe('max');
  });

  it('parallelism.default bounds every inferred parallelism', () => {
    const agg = vertex(run(job({ 'parallelism.default': 32 })), 'agg');
    expect(agg.parallelism).toBe(32);
    expect(agg.decision.boundBy).toBe('global');
    expect(agg.decision.reason).toMatch(/parallelism\.default 32/);
  });

  it('an explicit max-parallelism below parallelism.default binds', () => {
    const agg = vertex(run(job({ 'parallelism.default': 100, 'execution.batch.adaptive.auto-parallelism.max-parallelism': 10 })), 'agg');
    expect(agg.parallelism).toBe(10);
  });

  it('min-parallelism raises a tiny input', () => {
    const out = run({
      ...job({ 'execution.batch.adaptive.auto-parallelism.min-parallelism': 6 }),
      job: { vertices: [
        { id: 'src', parallelism: 2, source: { bytes: '1MiB' } },
        { id: 'agg', inputs: [{ from: 'src' }] },
      ] },
    });
    expect(vertex(out, 'agg').parallelism).toBe(6);
    expect(vertex(out, 'agg').decision.boundBy).toBe('min');
  });

  it('a broadcast input does not count toward the volume', () => {
    const out = run({
      cluster: { taskmanager: { startup: 0, slots: 4 } },
      job: { vertices: [
        { id: 'facts', parallelism: 4, source: { bytes: '256MiB' } },
        { id: 'dim', parallelism: 1, source: { bytes: '1GiB' } },
        { id: 'join', inputs: [{ from: 'facts' }, { from: 'dim', pattern: 'broadcast' }] },
      ] },
    });
    // 256 MiB / 16 MiB = 16; the 1 GiB broadcast side is read whole by every subtask.
    expect(vertex(out, 'join').parallelism).toBe(16);
    expect(vertex(out, 'join').subtaskInputBytes.min).toBe(16 * MiB + 1024 * MiB);
  });

  it('only broadcast inputs give the min parallelism', () => {
    const out = run({
      cluster: { taskmanager: { startup: 0 } },
      job: { vertices: [
        { id: 'dim', parallelism: 1, source: { bytes: '1GiB' } },
        { id: 'use', inputs: [{ from: 'dim', pattern: 'broadcast' }] },
      ] },
    });
    expect(vertex(out, 'use')).toMatchObject({ parallelism: 1, decision: { boundBy: 'all-broadcast' } });
  });

  it('with inference disabled, vertices without a parallelism take parallelism.default', () => {
    const out = run(job({ 'execution.batch.adaptive.auto-parallelism.enabled': false, 'parallelism.default': 3 }));
    expect(vertex(out, 'agg')).toMatchObject({ parallelism: 3, decision: { origin: 'global-default' } });
  });

  it('a source without a parallelism takes default-source-parallelism', () => {
    const out = run({
      cluster: { taskmanager: { startup: 0 } },
      config: { 'execution.batch.adaptive.auto-parallelism.default-source-parallelism': 5 },
      job: { vertices: [{ id: 'src', source: { bytes: '1GiB' } }] },
    });
    expect(vertex(out, 'src')).toMatchObject({ parallelism: 5, decision: { origin: 'source-default' } });
    const dflt = run({ job: { vertices: [{ id: 'src', source: { bytes: '1GiB' } }] } });
    expect(vertex(dflt, 'src').parallelism).toBe(1);
  });

  it('a pointwise consumer uses the count-based rule', () => {
    const out = run({
      cluster: { taskmanager: { startup: 0, slots: 4 } },
      job: { vertices: [
        { id: 'src', parallelism: 4, source: { bytes: '100MiB' } },
        { id: 'map', inputs: [{ from: 'src', pattern: 'pointwise' }] },
      ] },
    });
    // ceil(100 MiB / 16 MiB) = 7.
    expect(vertex(out, 'map').parallelism).toBe(7);
    expect(vertex(out, 'map').decision.boundBy).toBe('data');
  });

  it('the decision uses the bytes the producers actually wrote (selectivity included)', () => {
    const agg = vertex(run(job()), 'agg');
    const halved = run({
      ...job(),
      job: { vertices: [
        { id: 'src', parallelism: 4, source: { bytes: '1GiB' }, selectivity: 0.5 },
        { id: 'agg', inputs: [{ from: 'src' }] },
      ] },
    });
    expect(agg.parallelism).toBe(64);
    expect(vertex(halved, 'agg').parallelism).toBe(32);
  });

  it('skewed keys give data-balanced ranges of different sizes, hence uneven subtask inputs', () => {
    const out = run({
      ...job(),
      job: { vertices: [
        { id: 'src', parallelism: 4, source: { bytes: '1GiB' }, skew: { zipf: 1.1 } },
        { id: 'agg', inputs: [{ from: 'src' }], rate: '64MiB/s' },
      ] },
    });
    const agg = vertex(out, 'agg');
    expect(agg.subtaskInputBytes.max).toBeGreaterThan(2 * agg.subtaskInputBytes.min);
    expect(agg.inputBytes).toBeCloseTo(1024 * MiB, -3);
    const times = out.timeline.attempts.filter((a) => a.vertex === 'agg').map((a) => a.end - a.start);
    expect(Math.max(...times)).toBeGreaterThan(2 * Math.min(...times));
  });

  it('the 1.15 decider rounds to a power of two', () => {
    const out = run({
      ...job({ 'batchsim.parallelism-decider': '1.15' }),
      job: { vertices: [
        { id: 'src', parallelism: 4, source: { bytes: '100MiB' } },
        { id: 'agg', inputs: [{ from: 'src' }] },
      ] },
    });
    // ceil(100 / 16) = 7, nearest power of two: 8.
    expect(vertex(out, 'agg').parallelism).toBe(8);
  });
});
