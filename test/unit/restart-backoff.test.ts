//! Restart strategies: hand-computed failure sequences and Flink config parsing.

import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/rng.js';
import { childPath } from '../../src/scenario/issues.js';
import {
  ExponentialDelayRestartBackoff,
  FailureRateRestartBackoff,
  FixedDelayRestartBackoff,
  NoRestartBackoff,
  type RestartBackoff,
} from '../../src/failure/restart-backoff.js';
import { RESTART_STRATEGY_KEYS, restartBackoffFromConfig } from '../../src/scenario/restart-strategy-config.js';

const rng = () => new RandomStreams(1).stream('x');

/**
 * Fails once right after each restart has happened (1 ms after the pending restart time) and
 * returns the backoffs, i.e. a job that fails again as soon as it is back.
 */
function backoffsOfRepeatedFailures(b: RestartBackoff, count: number, startMs = 0): number[] {
  const out: number[] = [];
  let now = startMs;
  for (let i = 0; i < count; i++) {
    expect(b.notifyFailure(now)).toBe(true);
    const backoff = b.backoffMs();
    out.push(backoff);
    now += backoff + 1;
  }
  return out;
}

describe('fixed-delay', () => {
  it('allows exactly `attempts` restarts, each after the delay, then is exhausted', () => {
    const b = new FixedDelayRestartBackoff(3, 10_000);
    for (let i = 0; i < 3; i++) {
      b.notifyFailure(i * 60_000);
      expect(b.canRestart()).toBe(true);
      expect(b.backoffMs()).toBe(10_000);
    }
    b.notifyFailure(180_000);
    expect(b.canRestart()).toBe(false);
    expect(b.describeExhausted()).toContain('fixed-delay: 3 attempts used');
  });

  it("defaults to Flink's one attempt after one second", () => {
    const b = new FixedDelayRestartBackoff();
    b.notifyFailure(0);
    expect([b.canRestart(), b.backoffMs()]).toEqual([true, 1_000]);
    b.notifyFailure(5_000);
    expect(b.canRestart()).toBe(false);
    expect(b.describeExhausted()).toContain('1 attempt used');
  });

  it('with zero attempts refuses the first failure', () => {
    const b = new FixedDelayRestartBackoff(0, 0);
    b.notifyFailure(0);
    expect(b.canRestart()).toBe(false);
  });
});

describe('exponential-delay', () => {
  it('grows 1 s, 1.5 s, 2.25 s, ... (truncated to ms) and caps at the maximum', () => {
    const b = new ExponentialDelayRestartBackoff(rng(), { jitterFactor: 0 });
    expect(backoffsOfRepeatedFailures(b, 13)).toEqual([
      1_000, 1_500, 2_250, 3_375, 5_062, 7_593, 11_390, 17_085, 25_628, 38_443, 57_665, 60_000, 60_000,
    ]);
    expect(b.canRestart()).toBe(true);
  });

  it('keeps jitter within +-factor of the un-jittered backoff and never below the initial one', () => {
    const plain = backoffsOfRepeatedFailures(new ExponentialDelayRestartBackoff(rng(), { jitterFactor: 0 }), 15);
    const jittered = backoffsOfRepeatedFailures(new ExponentialDelayRestartBackoff(rng(), { jitterFactor: 0.1 }), 15);
    jittered.forEach((ms, i) => {
      const spread = Math.trunc(plain[i] * 0.1);
      expect(ms).toBeGreaterThanOrEqual(Math.max(1_000, plain[i] - spread));
      expect(ms).toBeLessThanOrEqual(Math.min(60_000, plain[i] + spread));
    });
    expect(jittered.slice(0, 10)).not.toEqual(plain.slice(0, 10));
  });

  it('draws the same jitter from the same seeded stream', () => {
    const a = backoffsOfRepeatedFailures(new ExponentialDelayRestartBackoff(rng()), 10);
    const b = backoffsOfRepeatedFailures(new ExponentialDelayRestartBackoff(rng()), 10);
    const other = backoffsOfRepeatedFailures(
      new ExponentialDelayRestartBackoff(new RandomStreams(2).stream('x')),
      10,
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(other);
  });

  it('resets to the initial backoff after running the threshold without a failure', () => {
    const b = new ExponentialDelayRestartBackoff(rng(), { jitterFactor: 0, resetBackoffThresholdMs: 3_600_000 });
    b.notifyFailure(0); // restart at 1 000
    b.notifyFailure(2_000); // restart at 3 500
    expect(b.backoffMs()).toBe(1_500);
    b.notifyFailure(3_500 + 3_599_999); // one ms short of the threshold: keeps growing
    expect(b.backoffMs()).toBe(2_250);
    const restartAt = 3_500 + 3_599_999 + 2_250;
    b.notifyFailure(restartAt + 3_600_000); // a full threshold after the last restart
    expect(b.backoffMs()).toBe(1_000);
  });

  it('merges failures that arrive while a restart is pending into that restart', () => {
    const b = new ExponentialDelayRestartBackoff(rng(), { jitterFactor: 0 });
    expect(b.notifyFailure(0)).toBe(true);
    expect(b.backoffMs()).toBe(1_000);
    expect(b.notifyFailure(400)).toBe(false);
    expect(b.backoffMs()).toBe(600); // waits only for what is left
    expect(b.notifyFailure(1_000)).toBe(false); // at the restart time itself: still merged
    expect(b.backoffMs()).toBe(0);
    expect(b.notifyFailure(1_001)).toBe(true);
    expect(b.backoffMs()).toBe(1_500);
  });

  it('fails the job after attempts-before-reset-backoff attempts without a reset', () => {
    const b = new ExponentialDelayRestartBackoff(rng(), { jitterFactor: 0, attemptsBeforeResetBackoff: 2 });
    backoffsOfRepeatedFailures(b, 2);
    expect(b.canRestart()).toBe(true);
    b.notifyFailure(100_000);
    expect(b.canRestart()).toBe(false);
    expect(b.describeExhausted()).toContain('exponential-delay: 2 attempts used');
  });

  it('allows fresh attempts once the backoff has reset', () => {
    const b = new ExponentialDelayRestartBackoff(rng(), {
      jitterFactor: 0,
      attemptsBeforeResetBackoff: 2,
      resetBackoffThresholdMs: 60_000,
    });
    backoffsOfRepeatedFailures(b, 2); // restarts at 1 000 and 3 501
    b.notifyFailure(3_501 + 60_000);
    expect(b.canRestart()).toBe(true);
    expect(b.backoffMs()).toBe(1_000);
  });

  it('rejects time going backwards and a backoff asked before any failure', () => {
    const b = new ExponentialDelayRestartBackoff(rng());
    expect(() => b.backoffMs()).toThrow(/before any failure/);
    b.notifyFailure(5_000);
    expect(() => b.notifyFailure(4_000)).toThrow(/before the previous one/);
  });
});

describe('failure-rate', () => {
  it('refuses a restart when more than max failures fall within the interval', () => {
    const b = new FailureRateRestartBackoff(2, 60_000, 5_000);
    b.notifyFailure(0);
    expect(b.canRestart()).toBe(true);
    b.notifyFailure(10_000);
    expect(b.canRestart()).toBe(true);
    expect(b.backoffMs()).toBe(5_000);
    b.notifyFailure(20_000);
    expect(b.canRestart()).toBe(false);
    expect(b.describeExhausted()).toBe(
      'failure-rate: 3 failures within 1 min (restart-strategy.failure-rate.max-failures-per-interval = 2)',
    );
  });

  it('slides the window: old failures stop counting', () => {
    const b = new FailureRateRestartBackoff(2, 60_000, 5_000);
    b.notifyFailure(0);
    b.notifyFailure(10_000);
    b.notifyFailure(70_001); // the failure at 0 is now more than a minute old
    expect(b.canRestart()).toBe(true);
    b.notifyFailure(75_000); // window 10 000, 70 001, 75 000: 65 s apart
    expect(b.canRestart()).toBe(true);
    b.notifyFailure(80_000); // window 70 001, 75 000, 80 000: within a minute
    expect(b.canRestart()).toBe(false);
  });

  it("by Flink's defaults tolerates one failure per minute, the boundary counting as within", () => {
    const b = new FailureRateRestartBackoff();
    b.notifyFailure(0);
    expect(b.canRestart()).toBe(true);
    b.notifyFailure(60_000);
    expect(b.canRestart()).toBe(false);
    const c = new FailureRateRestartBackoff();
    c.notifyFailure(0);
    c.notifyFailure(60_001);
    expect(c.canRestart()).toBe(true);
    expect(c.backoffMs()).toBe(1_000);
  });
});

describe('none', () => {
  it('never restarts', () => {
    const b = new NoRestartBackoff();
    b.notifyFailure(0);
    expect(b.canRestart()).toBe(false);
    expect(b.describeExhausted()).toContain('disabled');
  });
});

describe('restartBackoffFromConfig', () => {
  const load = (config: Record<string, unknown>) => restartBackoffFromConfig(config, rng());

  it("defaults to exponential-delay with Flink's defaults", () => {
    const { backoff, issues } = load({});
    expect(issues).toEqual([]);
    expect(backoff).toBeInstanceOf(ExponentialDelayRestartBackoff);
    expect(backoff).toMatchObject({
      initialBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      backoffMultiplier: 1.5,
      jitterFactor: 0.1,
      resetBackoffThresholdMs: 3_600_000,
      attemptsBeforeResetBackoff: 2_147_483_647,
    });
  });

  it.each([
    ['fixed-delay', 'fixed-delay'],
    ['fixeddelay', 'fixed-delay'],
    ['FIXED-DELAY', 'fixed-delay'],
    ['exponential-delay', 'exponential-delay'],
    ['exponentialdelay', 'exponential-delay'],
    ['failure-rate', 'failure-rate'],
    ['failurerate', 'failure-rate'],
    ['none', 'none'],
    ['off', 'none'],
    ['disable', 'none'],
  ])('reads restart-strategy.type `%s` as %s', (value, name) => {
    expect(load({ 'restart-strategy.type': value }).backoff?.name).toBe(name);
  });

  it('reads the deprecated `restart-strategy` key when `restart-strategy.type` is absent', () => {
    expect(load({ 'restart-strategy': 'fixed-delay' }).backoff?.name).toBe('fixed-delay');
    expect(load({ 'restart-strategy': 'fixed-delay', 'restart-strategy.type': 'none' }).backoff?.name).toBe('none');
  });

  it("reads numbers and strings as Flink does, a bare duration being milliseconds", () => {
    const fixed = load({
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '3',
      'restart-strategy.fixed-delay.delay': '10 s',
    }).backoff;
    expect(fixed).toMatchObject({ attempts: 3, delayMs: 10_000 });
    expect(
      load({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.delay': '1000' }).backoff,
    ).toMatchObject({ delayMs: 1_000 });
    expect(
      load({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.delay': 250 }).backoff,
    ).toMatchObject({ delayMs: 250 });
    const exp = load({
      'restart-strategy.exponential-delay.initial-backoff': '2 s',
      'restart-strategy.exponential-delay.max-backoff': '5 min',
      'restart-strategy.exponential-delay.backoff-multiplier': '2.0',
      'restart-strategy.exponential-delay.jitter-factor': 0,
      'restart-strategy.exponential-delay.reset-backoff-threshold': '10 min',
      'restart-strategy.exponential-delay.attempts-before-reset-backoff': 4,
    }).backoff!;
    expect(exp).toMatchObject({
      initialBackoffMs: 2_000,
      maxBackoffMs: 300_000,
      backoffMultiplier: 2,
      jitterFactor: 0,
      resetBackoffThresholdMs: 600_000,
      attemptsBeforeResetBackoff: 4,
    });
    expect(backoffsOfRepeatedFailures(exp, 4)).toEqual([2_000, 4_000, 8_000, 16_000]);
    const rate = load({
      'restart-strategy.type': 'failure-rate',
      'restart-strategy.failure-rate.max-failures-per-interval': '3',
      'restart-strategy.failure-rate.failure-rate-interval': '5 min',
      'restart-strategy.failure-rate.delay': '10 s',
    }).backoff;
    expect(rate).toMatchObject({ maxFailuresPerInterval: 3, failureRateIntervalMs: 300_000, delayMs: 10_000 });
  });

  it('reports bad values with their config path and the value it got', () => {
    const { backoff, issues } = load({
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 'three',
      'restart-strategy.fixed-delay.delay': '10 parsecs',
    });
    expect(backoff).toBeUndefined();
    expect(issues).toEqual([
      {
        path: 'config["restart-strategy.fixed-delay.attempts"]',
        message: 'Expected `restart-strategy.fixed-delay.attempts` to be an integer >= 0, got `three` (string)',
      },
      {
        path: 'config["restart-strategy.fixed-delay.delay"]',
        message: expect.stringMatching(/^Expected `restart-strategy\.fixed-delay\.delay` to be a duration .* got `10 parsecs` \(string\)$/),
      },
    ]);
  });

  it.each([
    [{ 'restart-strategy.type': 'sometimes' }, 'restart-strategy.type', 'got `sometimes` (string)'],
    [{ 'restart-strategy.type': 3 }, 'restart-strategy.type', 'got `3` (number)'],
    [{ 'restart-strategy': 'never' }, 'restart-strategy', 'got `never` (string)'],
    [{ 'restart-strategy.fixed-delay.attempts': -1, 'restart-strategy.type': 'fixed-delay' }, 'restart-strategy.fixed-delay.attempts', 'got `-1` (number)'],
    [{ 'restart-strategy.fixed-delay.attempts': 1.5, 'restart-strategy.type': 'fixed-delay' }, 'restart-strategy.fixed-delay.attempts', 'got `1.5` (number)'],
    [{ 'restart-strategy.exponential-delay.backoff-multiplier': 1 }, 'restart-strategy.exponential-delay.backoff-multiplier', 'greater than 1, got `1` (number)'],
    [{ 'restart-strategy.exponential-delay.jitter-factor': '1.5' }, 'restart-strategy.exponential-delay.jitter-factor', 'got `1.5` (string)'],
    [{ 'restart-strategy.exponential-delay.initial-backoff': '0 ms' }, 'restart-strategy.exponential-delay.initial-backoff', 'got `0 ms` (string)'],
    [{ 'restart-strategy.exponential-delay.initial-backoff': '2 min' }, 'restart-strategy.exponential-delay.initial-backoff', 'cannot be higher than the maximum backoff'],
    [{ 'restart-strategy.exponential-delay.attempts-before-reset-backoff': 0 }, 'restart-strategy.exponential-delay.attempts-before-reset-backoff', 'got `0` (number)'],
    [{ 'restart-strategy.exponential-delay.reset-backoff-threshold': null }, 'restart-strategy.exponential-delay.reset-backoff-threshold', 'got `null`'],
    [{ 'restart-strategy.type': 'failure-rate', 'restart-strategy.failure-rate.max-failures-per-interval': 0 }, 'restart-strategy.failure-rate.max-failures-per-interval', 'got `0` (number)'],
    [{ 'restart-strategy.type': 'failure-rate', 'restart-strategy.failure-rate.failure-rate-interval': '0 s' }, 'restart-strategy.failure-rate.failure-rate-interval', 'got `0 s` (string)'],
    [{ 'restart-strategy.type': 'failure-rate', 'restart-strategy.failure-rate.delay': true }, 'restart-strategy.failure-rate.delay', 'got `true` (boolean)'],
  ])('reports %j at the path of `%s`', (config, key, fragment) => {
    const { backoff, issues } = load(config);
    expect(backoff).toBeUndefined();
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe(childPath('config', key));
    expect(issues[0].message).toContain(fragment);
  });

  it("does not read the keys of strategies that were not chosen, as Flink doesn't", () => {
    const { backoff, issues } = load({
      'restart-strategy.type': 'none',
      'restart-strategy.fixed-delay.attempts': 'three',
    });
    expect(issues).toEqual([]);
    expect(backoff?.name).toBe('none');
  });

  it('lists every key it understands', () => {
    expect([...RESTART_STRATEGY_KEYS].sort()).toEqual(
      [
        'restart-strategy',
        'restart-strategy.type',
        'restart-strategy.fixed-delay.attempts',
        'restart-strategy.fixed-delay.delay',
        'restart-strategy.exponential-delay.initial-backoff',
        'restart-strategy.exponential-delay.max-backoff',
        'restart-strategy.exponential-delay.backoff-multiplier',
        'restart-strategy.exponential-delay.jitter-factor',
        'restart-strategy.exponential-delay.reset-backoff-threshold',
        'restart-strategy.exponential-delay.attempts-before-reset-backoff',
        'restart-strategy.failure-rate.max-failures-per-interval',
        'restart-strategy.failure-rate.failure-rate-interval',
        'restart-strategy.failure-rate.delay',
      ].sort(),
    );
  });
});
