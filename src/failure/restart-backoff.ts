//! Flink's restart strategies: whether and after how long a failed job restarts, in simulated time.

import { InvariantError } from '../engine/simulation.js';
import type { RandomStream } from '../engine/rng.js';
import { formatMillis } from '../util/format.js';

/**
 * Decides whether a job may restart after a failure and how long it waits first (Flink's
 * `RestartBackoffTimeStrategy`). Time is simulated milliseconds; nothing reads a wall clock.
 * Call {@link notifyFailure} for every failure, then ask {@link canRestart} and
 * {@link backoffMs} at the same simulated time.
 */
export interface RestartBackoff {
  /** The strategy's Flink name: `fixed-delay`, `exponential-delay`, `failure-rate` or `none`. */
  readonly name: string;
  /**
   * Records a failure at `nowMs`.
   * @returns true when the failure starts a new restart attempt; false when it was merged into a
   *   restart that is already waiting (exponential-delay only, as in Flink 1.19+). Callers that
   *   count restarts count only the true ones, as Flink's `numberOfRestarts` does.
   * @throws InvariantError when time goes backwards
   */
  notifyFailure(nowMs: number): boolean;
  /** Whether the job may restart after the failures recorded so far. */
  canRestart(): boolean;
  /** Milliseconds to wait, from the last recorded failure, before restarting. */
  backoffMs(): number;
  /** Why no restart is allowed, for the job's failure cause. */
  describeExhausted(): string;
}

/**
 * Flink's names of the restart-strategy options (RestartStrategyOptions). The strategies cite
 * them when they give up; reading them from a scenario is scenario/restart-strategy-config.ts.
 */
export const RESTART_STRATEGY_OPTIONS = {
  /** `restart-strategy.type` and its deprecated pre-1.19 spelling, which Flink still reads. */
  type: 'restart-strategy.type',
  deprecatedType: 'restart-strategy',
  fixedAttempts: 'restart-strategy.fixed-delay.attempts',
  fixedDelay: 'restart-strategy.fixed-delay.delay',
  expInitial: 'restart-strategy.exponential-delay.initial-backoff',
  expMax: 'restart-strategy.exponential-delay.max-backoff',
  expMultiplier: 'restart-strategy.exponential-delay.backoff-multiplier',
  expJitter: 'restart-strategy.exponential-delay.jitter-factor',
  expResetThreshold: 'restart-strategy.exponential-delay.reset-backoff-threshold',
  expAttempts: 'restart-strategy.exponential-delay.attempts-before-reset-backoff',
  rateMaxFailures: 'restart-strategy.failure-rate.max-failures-per-interval',
  rateInterval: 'restart-strategy.failure-rate.failure-rate-interval',
  rateDelay: 'restart-strategy.failure-rate.delay',
} as const;

const OPTION = RESTART_STRATEGY_OPTIONS;

/** Flink's `Integer.MAX_VALUE`, the default of `attempts-before-reset-backoff` ("infinite") and the largest int option. */
export const FLINK_INT_MAX = 2_147_483_647;

/** Flink's defaults (RestartStrategyOptions, 1.19+). */
export const RESTART_DEFAULTS = {
  fixedDelay: { attempts: 1, delayMs: 1_000 },
  exponentialDelay: {
    initialBackoffMs: 1_000,
    maxBackoffMs: 60_000,
    backoffMultiplier: 1.5,
    jitterFactor: 0.1,
    resetBackoffThresholdMs: 3_600_000,
    attemptsBeforeResetBackoff: FLINK_INT_MAX,
  },
  failureRate: { maxFailuresPerInterval: 1, failureRateIntervalMs: 60_000, delayMs: 1_000 },
} as const;

function checkTime(name: string, last: number, now: number): void {
  if (!Number.isFinite(now) || now < last) {
    throw new InvariantError(`${name}: failure at ${now}ms is before the previous one at ${last}ms`);
  }
}

/**
 * `fixed-delay`: restarts up to `attempts` times, each after the same delay. The count never
 * resets, so it bounds the restarts of the whole run.
 */
export class FixedDelayRestartBackoff implements RestartBackoff {
  readonly name = 'fixed-delay';
  private failures = 0;

  /**
   * @param attempts restarts allowed (Flink: `restart-strategy.fixed-delay.attempts`, >= 0)
   * @param delayMs wait before each restart (`restart-strategy.fixed-delay.delay`, >= 0)
   */
  constructor(
    readonly attempts: number = RESTART_DEFAULTS.fixedDelay.attempts,
    readonly delayMs: number = RESTART_DEFAULTS.fixedDelay.delayMs,
  ) {}

  notifyFailure(_nowMs: number): boolean {
    this.failures++;
    return true;
  }

  canRestart(): boolean {
    // Flink counts the failure first, so failure number `attempts + 1` is the first refused.
    return this.failures <= this.attempts;
  }

  backoffMs(): number {
    return this.delayMs;
  }

  describeExhausted(): string {
    return `fixed-delay: ${this.attempts} attempt${this.attempts === 1 ? '' : 's'} used (${OPTION.fixedAttempts} = ${this.attempts})`;
  }
}

/** Settings of {@link ExponentialDelayRestartBackoff}, with Flink's defaults where omitted. */
export interface ExponentialDelayOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  backoffMultiplier?: number;
  jitterFactor?: number;
  resetBackoffThresholdMs?: number;
  attemptsBeforeResetBackoff?: number;
}

/**
 * `exponential-delay`, as Flink 1.19+ runs it (FLIP-364): attempt k (0-based since the last reset)
 * waits `initial * multiplier^k`, truncated to whole ms, plus a uniform integer jitter in
 * [-j, j] with j = trunc(that * jitterFactor), then clamped to [initial, max]. A failure at or
 * before the pending restart's time is merged into it: no new attempt, and it waits only for what
 * is left of the pending backoff. When at least `resetBackoffThreshold` has passed since the last
 * restart, the attempt count restarts at 0. More than `attemptsBeforeResetBackoff` attempts
 * without a reset fail the job.
 */
export class ExponentialDelayRestartBackoff implements RestartBackoff {
  readonly name = 'exponential-delay';
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly jitterFactor: number;
  readonly resetBackoffThresholdMs: number;
  readonly attemptsBeforeResetBackoff: number;
  /** Attempts since the last reset, counting the current one. */
  private attempt = 0;
  /** When the pending (or last) restart happens; -Infinity before any failure, so the first one resets. */
  private nextRestartMs = -Infinity;
  private lastFailureMs = -Infinity;

  /**
   * @param rng the stream jitter is drawn from; drawn once per new attempt when jitter is not 0
   * @param options Flink's `restart-strategy.exponential-delay.*` settings
   * @throws InvariantError on settings Flink rejects (scenario/restart-strategy-config.ts checks input)
   */
  constructor(
    private readonly rng: RandomStream,
    options: ExponentialDelayOptions = {},
  ) {
    const d = RESTART_DEFAULTS.exponentialDelay;
    this.initialBackoffMs = options.initialBackoffMs ?? d.initialBackoffMs;
    this.maxBackoffMs = options.maxBackoffMs ?? d.maxBackoffMs;
    this.backoffMultiplier = options.backoffMultiplier ?? d.backoffMultiplier;
    this.jitterFactor = options.jitterFactor ?? d.jitterFactor;
    this.resetBackoffThresholdMs = options.resetBackoffThresholdMs ?? d.resetBackoffThresholdMs;
    this.attemptsBeforeResetBackoff = options.attemptsBeforeResetBackoff ?? d.attemptsBeforeResetBackoff;
    const problem = exponentialDelayProblem(this);
    if (problem !== undefined) throw new InvariantError(`exponential-delay: ${problem.message}`);
  }

  notifyFailure(nowMs: number): boolean {
    checkTime(this.name, this.lastFailureMs, nowMs);
    this.lastFailureMs = nowMs;
    // Several subtasks failing around one restart is one incident; counting each would burn
    // attempts and grow the backoff for no reason, so Flink folds them into the waiting restart.
    if (nowMs <= this.nextRestartMs) return false;
    // The job ran without failing for the threshold since it last restarted: start over.
    if (nowMs - this.nextRestartMs >= this.resetBackoffThresholdMs) this.attempt = 0;
    this.nextRestartMs = nowMs + this.backoffForAttempt(this.attempt);
    this.attempt++;
    return true;
  }

  canRestart(): boolean {
    return this.attempt <= this.attemptsBeforeResetBackoff;
  }

  backoffMs(): number {
    if (this.lastFailureMs === -Infinity) throw new InvariantError('exponential-delay: backoffMs() before any failure');
    return Math.max(0, this.nextRestartMs - this.lastFailureMs);
  }

  describeExhausted(): string {
    return (
      `exponential-delay: ${this.attemptsBeforeResetBackoff} attempts used without a ${formatMillis(this.resetBackoffThresholdMs)} ` +
      `run free of failures (${OPTION.expAttempts} = ${this.attemptsBeforeResetBackoff})`
    );
  }

  private backoffForAttempt(attempt: number): number {
    let base = Math.trunc(this.initialBackoffMs * this.backoffMultiplier ** attempt);
    // Far past the cap the exact value no longer matters; keep it an exact integer. (Flink's
    // long arithmetic overflows here after ~90 attempts and falls back to the initial backoff;
    // that accident is not reproduced.)
    if (!Number.isSafeInteger(base)) base = Number.MAX_SAFE_INTEGER;
    let jitter = 0;
    if (this.jitterFactor !== 0) {
      const spread = Math.trunc(base * this.jitterFactor);
      jitter = Math.floor(this.rng.next() * (2 * spread + 1)) - spread;
    }
    return Math.max(this.initialBackoffMs, Math.min(base + jitter, this.maxBackoffMs));
  }
}

/**
 * `failure-rate`: restarts after a fixed delay unless more than `maxFailuresPerInterval` failures
 * fall within `failureRateInterval`. Flink keeps the last `max + 1` failure times and refuses
 * when the oldest of them is no more than the interval before now.
 */
export class FailureRateRestartBackoff implements RestartBackoff {
  readonly name = 'failure-rate';
  private readonly failureTimes: number[] = [];
  private lastFailureMs = -Infinity;

  /**
   * @param maxFailuresPerInterval restarts tolerated per interval (> 0)
   * @param failureRateIntervalMs the sliding window (> 0)
   * @param delayMs wait before each restart (>= 0)
   */
  constructor(
    readonly maxFailuresPerInterval: number = RESTART_DEFAULTS.failureRate.maxFailuresPerInterval,
    readonly failureRateIntervalMs: number = RESTART_DEFAULTS.failureRate.failureRateIntervalMs,
    readonly delayMs: number = RESTART_DEFAULTS.failureRate.delayMs,
  ) {}

  notifyFailure(nowMs: number): boolean {
    checkTime(this.name, this.lastFailureMs, nowMs);
    this.lastFailureMs = nowMs;
    if (this.isWindowFull()) this.failureTimes.shift();
    this.failureTimes.push(nowMs);
    return true;
  }

  canRestart(): boolean {
    if (!this.isWindowFull()) return true;
    return this.lastFailureMs - this.failureTimes[0] > this.failureRateIntervalMs;
  }

  backoffMs(): number {
    return this.delayMs;
  }

  describeExhausted(): string {
    return (
      `failure-rate: ${this.failureTimes.length} failures within ${formatMillis(this.failureRateIntervalMs)} ` +
      `(${OPTION.rateMaxFailures} = ${this.maxFailuresPerInterval})`
    );
  }

  private isWindowFull(): boolean {
    return this.failureTimes.length > this.maxFailuresPerInterval;
  }
}

/** `none` (Flink: `disable`, `off`): the first failure fails the job. */
export class NoRestartBackoff implements RestartBackoff {
  readonly name = 'none';

  notifyFailure(_nowMs: number): boolean {
    return true;
  }

  canRestart(): boolean {
    return false;
  }

  backoffMs(): number {
    return 0;
  }

  describeExhausted(): string {
    return `restart strategy none: restarts are disabled (${OPTION.type})`;
  }
}

/** Flink's own argument checks on exponential-delay settings: the first failing one and the option it is about. */
export function exponentialDelayProblem(
  o: Required<ExponentialDelayOptions>,
): { key: string; message: string } | undefined {
  if (!(o.initialBackoffMs >= 1)) return { key: OPTION.expInitial, message: 'the initial backoff must be at least 1 ms' };
  if (!(o.maxBackoffMs >= 1)) return { key: OPTION.expMax, message: 'the maximum backoff must be at least 1 ms' };
  if (o.initialBackoffMs > o.maxBackoffMs) {
    return {
      key: OPTION.expInitial,
      message: `the initial backoff (${o.initialBackoffMs} ms) cannot be higher than the maximum backoff (${o.maxBackoffMs} ms)`,
    };
  }
  if (!(o.backoffMultiplier > 1)) return { key: OPTION.expMultiplier, message: 'the backoff multiplier must be greater than 1' };
  if (!(o.resetBackoffThresholdMs >= 1)) {
    return { key: OPTION.expResetThreshold, message: 'the reset threshold must be at least 1 ms' };
  }
  if (!(o.jitterFactor >= 0 && o.jitterFactor <= 1)) {
    return { key: OPTION.expJitter, message: 'the jitter factor must be between 0 and 1' };
  }
  if (!(o.attemptsBeforeResetBackoff >= 1)) {
    return { key: OPTION.expAttempts, message: 'the attempts before reset must be at least 1' };
  }
  return undefined;
}
