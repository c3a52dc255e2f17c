//! Flink's size, duration and rate syntax.

const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ['', 1], ['b', 1], ['bytes', 1],
  ['k', 2 ** 10], ['kb', 2 ** 10], ['kib', 2 ** 10], ['kibibytes', 2 ** 10],
  ['m', 2 ** 20], ['mb', 2 ** 20], ['mib', 2 ** 20], ['mebibytes', 2 ** 20],
  ['g', 2 ** 30], ['gb', 2 ** 30], ['gib', 2 ** 30], ['gibibytes', 2 ** 30],
  ['t', 2 ** 40], ['tb', 2 ** 40], ['tib', 2 ** 40], ['tebibytes', 2 ** 40],
]);

const DURATION_UNITS_MS: ReadonlyMap<string, number> = new Map([
  ['ns', 1e-6], ['nano', 1e-6], ['nanos', 1e-6], ['nanosecond', 1e-6], ['nanoseconds', 1e-6],
  ['us', 1e-3], ['µs', 1e-3], ['micro', 1e-3], ['micros', 1e-3], ['microsecond', 1e-3], ['microseconds', 1e-3],
  ['ms', 1], ['milli', 1], ['millis', 1], ['millisecond', 1], ['milliseconds', 1],
  ['s', 1000], ['sec', 1000], ['secs', 1000], ['second', 1000], ['seconds', 1000],
  ['m', 60_000], ['min', 60_000], ['mins', 60_000], ['minute', 60_000], ['minutes', 60_000],
  ['h', 3_600_000], ['hour', 3_600_000], ['hours', 3_600_000],
  ['d', 86_400_000], ['day', 86_400_000], ['days', 86_400_000],
]);

/**
 * Largest byte count: Flink counts bytes in a Java long, the simulator in a double, which
 * holds every integer up to 2^53 - 1 (8 PiB) exactly. Byte counts stay integers below it.
 */
export const MAX_BYTES = Number.MAX_SAFE_INTEGER;
/** Largest duration in milliseconds (2^53 - 1 ms, about 285,000 years): times stay exact integers below it. */
export const MAX_DURATION_MS = Number.MAX_SAFE_INTEGER;

const NUMBER_AND_UNIT = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Zµ]*)\s*$/;

/** Units accepted in sizes, for error messages. */
export const SIZE_UNIT_HINT = 'a number of bytes or a string such as `512kb`, `16m`, `16MiB`, `1 gb`, `1GiB`';
/** Units accepted in durations, for error messages. */
export const DURATION_UNIT_HINT = 'a number of seconds or a string such as `500 ms`, `10s`, `2 min`, `1h`';

/**
 * Parses a size: a number of bytes, or a string in Flink's MemorySize syntax (all units binary).
 * A fraction of a byte is rounded to the nearest whole byte, since bytes are counted as integers.
 * @returns the size in whole bytes (at most {@link MAX_BYTES}), or an error message
 */
export function parseSize(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? boundedBytes(value, `\`${value}\``) : `Expected a size >= 0, got \`${value}\``;
  }
  if (typeof value !== 'string') return `Expected ${SIZE_UNIT_HINT}, got ${describe(value)}`;
  const m = NUMBER_AND_UNIT.exec(value);
  const unit = m === null ? undefined : SIZE_UNITS.get(m[2].toLowerCase());
  if (m === null || unit === undefined) return `Expected ${SIZE_UNIT_HINT}, got \`${value}\``;
  return boundedBytes(Number(m[1]) * unit, `\`${value}\``);
}

function boundedBytes(bytes: number, shown: string): number | string {
  const whole = Math.round(bytes);
  return whole <= MAX_BYTES ? whole : `Expected a finite size of at most 8 PiB (2^53 - 1 bytes), got ${shown}`;
}

function boundedMs(ms: number, shown: string): number | string {
  return ms <= MAX_DURATION_MS ? ms : `Expected a duration of at most 2^53 - 1 ms (about 285,000 years), got ${shown}`;
}

/**
 * Parses a duration. Numbers are seconds; strings need a unit unless `bareUnitMs` says
 * how to read a bare number (Flink's own config reads it as milliseconds).
 * @returns the duration in milliseconds, or an error message
 */
export function parseDuration(value: unknown, bareStringIsMs = false): number | string {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? boundedMs(value * 1000, `\`${value}\``) : `Expected a duration >= 0, got \`${value}\``;
  }
  if (typeof value !== 'string') return `Expected ${DURATION_UNIT_HINT}, got ${describe(value)}`;
  const m = NUMBER_AND_UNIT.exec(value);
  if (m === null) return `Expected ${DURATION_UNIT_HINT}, got \`${value}\``;
  if (m[2] === '') {
    return bareStringIsMs ? boundedMs(Number(m[1]), `\`${value}\``) : `the duration \`${value}\` has no unit; expected ${DURATION_UNIT_HINT}`;
  }
  const unit = DURATION_UNITS_MS.get(m[2].toLowerCase());
  if (unit === undefined) return `unknown duration unit \`${m[2]}\` in \`${value}\`; expected ${DURATION_UNIT_HINT}`;
  return boundedMs(Number(m[1]) * unit, `\`${value}\``);
}

/**
 * Parses a rate: bytes per second as a number, or a size followed by `/s` (`100MiB/s`).
 * @returns bytes per second, or an error message
 */
export function parseRate(value: unknown): number | string {
  const hint = 'a number of bytes per second or a string such as `100MiB/s`';
  if (typeof value === 'number') {
    return Number.isFinite(value) && value > 0 ? value : `Expected a finite rate > 0, got \`${value}\``;
  }
  if (typeof value !== 'string') return `Expected ${hint}, got ${describe(value)}`;
  const m = /^(.*?)\s*\/\s*(s|sec|second)\s*$/i.exec(value);
  if (m === null) return `Expected ${hint}, got \`${value}\``;
  // A rate need not be a whole number of bytes, so the size's unit is applied without rounding.
  const n = NUMBER_AND_UNIT.exec(m[1]);
  const unit = n === null ? undefined : SIZE_UNITS.get(n[2].toLowerCase());
  if (n === null || unit === undefined) return `Expected ${hint}, got \`${value}\``;
  const rate = Number(n[1]) * unit;
  if (!Number.isFinite(rate)) return `Expected a finite rate, got \`${value}\``;
  return rate > 0 ? rate : `Expected a rate > 0, got \`${value}\``;
}

/**
 * Parses a bandwidth: a rate as {@link parseRate} reads it, or bits per second in the
 * decimal units network and disk vendors quote (`10Gbit/s`, `500 Mbit/s`).
 * @returns bytes per second, or an error message
 */
export function parseBandwidth(value: unknown): number | string {
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([kmgt]?)bit\s*\/\s*s\s*$/i.exec(value);
    if (m !== null) {
      const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
      const bytes = (Number(m[1]) * scale) / 8;
      return Number.isFinite(bytes) && bytes > 0 ? bytes : `Expected a rate > 0, got \`${value}\``;
    }
  }
  const r = parseRate(value);
  return typeof r === 'string' ? r.replace(' or a string such as `100MiB/s`', ', a string such as `100MiB/s` or `10Gbit/s`') : r;
}

/** Describes a value and its type the way error messages quote it. */
export function describe(value: unknown): string {
  if (value === null) return '`null`';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `\`${String(value)}\` (${typeof value})`;
}
