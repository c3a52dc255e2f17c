//! Reads Flink's restart-strategy options from a scenario's `config:` map, as Flink reads them.

import type { RandomStream } from '../engine/rng.js';
import {
  ExponentialDelayRestartBackoff,
  exponentialDelayProblem,
  FailureRateRestartBackoff,
  FixedDelayRestartBackoff,
  FLINK_INT_MAX,
  NoRestartBackoff,
  RESTART_DEFAULTS,
  RESTART_STRATEGY_OPTIONS,
  type ExponentialDelayOptions,
  type RestartBackoff,
} from '../failure/restart-backoff.js';
import { childPath, type ScenarioIssue } from './issues.js';
import { describe as describeValue, parseDuration } from './units.js';

const OPTION = RESTART_STRATEGY_OPTIONS;

/** Every restart-strategy key {@link restartBackoffFromConfig} reads, so a loader can flag the rest. */
export const RESTART_STRATEGY_KEYS: readonly string[] = Object.values(RESTART_STRATEGY_OPTIONS);

/** Accepted `restart-strategy.type` values (compared after lower-casing, as Flink does). */
const TYPE_ALIASES: ReadonlyMap<string, 'fixed-delay' | 'exponential-delay' | 'failure-rate' | 'none'> = new Map([
  ['fixed-delay', 'fixed-delay'],
  ['fixeddelay', 'fixed-delay'],
  ['exponential-delay', 'exponential-delay'],
  ['exponentialdelay', 'exponential-delay'],
  ['failure-rate', 'failure-rate'],
  ['failurerate', 'failure-rate'],
  ['none', 'none'],
  ['off', 'none'],
  ['disable', 'none'],
]);

/** Reads typed values from a Flink config map, collecting one issue per bad value. */
class ConfigReader {
  readonly issues: ScenarioIssue[] = [];

  constructor(private readonly config: Record<string, unknown>) {}

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.config, key);
  }

  issue(key: string, message: string): void {
    this.issues.push({ path: childPath('config', key), message });
  }

  /** An int as Flink's `intType()` reads it: a whole number or its decimal string. */
  int(key: string, fallback: number, min: number): number {
    if (!this.has(key)) return fallback;
    const raw = this.config[key];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > FLINK_INT_MAX) {
      this.issue(key, `Expected \`${key}\` to be an integer >= ${min}, got ${describeValue(raw)}`);
      return fallback;
    }
    return n;
  }

  /** A double as Flink's `doubleType()` reads it: a number or its decimal string. */
  double(key: string, fallback: number, accept: (x: number) => boolean, expected: string): number {
    if (!this.has(key)) return fallback;
    const raw = this.config[key];
    const n =
      typeof raw === 'number'
        ? raw
        : typeof raw === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw)
          ? Number(raw)
          : NaN;
    if (!Number.isFinite(n) || !accept(n)) {
      this.issue(key, `Expected \`${key}\` to be ${expected}, got ${describeValue(raw)}`);
      return fallback;
    }
    return n;
  }

  /**
   * A duration as Flink's `durationType()` reads it: a number with a unit, or a bare number of
   * milliseconds. A YAML number is a bare number too, so `1000` is one second here, unlike the
   * scenario's own durations.
   */
  durationMs(key: string, fallback: number, min: number): number {
    if (!this.has(key)) return fallback;
    const raw = this.config[key];
    const parsed = typeof raw === 'number' || typeof raw === 'string' ? parseDuration(String(raw), true) : NaN;
    if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < min) {
      this.issue(
        key,
        `Expected \`${key}\` to be a duration of at least ${min} ms, such as \`10 s\`, \`500 ms\` or \`1000\` ` +
          `(milliseconds), got ${describeValue(raw)}`,
      );
      return fallback;
    }
    return parsed;
  }
}

/**
 * Builds the restart strategy a Flink config map asks for, reading Flink's keys exactly:
 * `restart-strategy.type` (or the deprecated `restart-strategy`; default `exponential-delay`)
 * and the keys of the chosen strategy. As in Flink, the keys of strategies not chosen are not
 * read, so bad values there are not reported. Durations without a unit are milliseconds.
 * @param config the scenario's `config:` map
 * @param rng the stream exponential-delay draws its jitter from
 * @returns the strategy, or no strategy and the issues that prevent building it
 */
export function restartBackoffFromConfig(
  config: Record<string, unknown>,
  rng: RandomStream,
): { backoff?: RestartBackoff; issues: ScenarioIssue[] } {
  const r = new ConfigReader(config);
  // The new key wins over the deprecated one when both are set, as Flink's fallback keys do.
  const typeKey = r.has(OPTION.type) || !r.has(OPTION.deprecatedType) ? OPTION.type : OPTION.deprecatedType;
  const rawType = r.has(typeKey) ? config[typeKey] : 'exponential-delay';
  const type = typeof rawType === 'string' ? TYPE_ALIASES.get(rawType.toLowerCase()) : undefined;
  if (type === undefined) {
    r.issue(
      typeKey,
      `Expected \`${typeKey}\` to be one of \`fixed-delay\`, \`exponential-delay\`, \`failure-rate\`, \`none\` ` +
        `(or Flink's aliases \`fixeddelay\`, \`exponentialdelay\`, \`failurerate\`, \`off\`, \`disable\`), ` +
        `got ${describeValue(rawType)}`,
    );
    return { issues: r.issues };
  }

  const backoff = buildBackoff(type, r, rng);
  return r.issues.length === 0 ? { backoff, issues: [] } : { issues: r.issues };
}

/** Reads the chosen strategy's keys; the result is only used when `r` collected no issues. */
function buildBackoff(
  type: 'fixed-delay' | 'exponential-delay' | 'failure-rate' | 'none',
  r: ConfigReader,
  rng: RandomStream,
): RestartBackoff | undefined {
  switch (type) {
    case 'none':
      return new NoRestartBackoff();
    case 'fixed-delay': {
      const d = RESTART_DEFAULTS.fixedDelay;
      return new FixedDelayRestartBackoff(r.int(OPTION.fixedAttempts, d.attempts, 0), r.durationMs(OPTION.fixedDelay, d.delayMs, 0));
    }
    case 'failure-rate': {
      const d = RESTART_DEFAULTS.failureRate;
      return new FailureRateRestartBackoff(
        r.int(OPTION.rateMaxFailures, d.maxFailuresPerInterval, 1),
        r.durationMs(OPTION.rateInterval, d.failureRateIntervalMs, 1),
        r.durationMs(OPTION.rateDelay, d.delayMs, 0),
      );
    }
    case 'exponential-delay': {
      const d = RESTART_DEFAULTS.exponentialDelay;
      const options: Required<ExponentialDelayOptions> = {
        initialBackoffMs: r.durationMs(OPTION.expInitial, d.initialBackoffMs, 1),
        maxBackoffMs: r.durationMs(OPTION.expMax, d.maxBackoffMs, 1),
        backoffMultiplier: r.double(OPTION.expMultiplier, d.backoffMultiplier, (x) => x > 1, 'a number greater than 1'),
        jitterFactor: r.double(OPTION.expJitter, d.jitterFactor, (x) => x >= 0 && x <= 1, 'a number from 0 to 1'),
        resetBackoffThresholdMs: r.durationMs(OPTION.expResetThreshold, d.resetBackoffThresholdMs, 1),
        attemptsBeforeResetBackoff: r.int(OPTION.expAttempts, d.attemptsBeforeResetBackoff, 1),
      };
      if (r.issues.length > 0) return undefined;
      // Each value passed its own check; this catches the one check that spans two keys.
      const problem = exponentialDelayProblem(options);
      if (problem !== undefined) {
        r.issue(problem.key, `Invalid exponential-delay settings: ${problem.message}`);
        return undefined;
      }
      return new ExponentialDelayRestartBackoff(rng, options);
    }
  }
}
