//! Every rendering of bytes and durations for people and for Flink's syntax, in one place.
//!
//! The variants differ on purpose and each keeps the output it has always had: the text
//! summary and tables keep trailing zeros so columns line up (`8.00 GiB`), the HTML pages
//! drop them (`8 GiB`), import notes keep four significant digits, and a scenario written by
//! `import` uses Flink's syntax so it reads back to the same number.

/** Binary units, 1024 apart. */
export const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Index of TiB: the largest unit the text summary and Flink's syntax use. */
const TIB = 4;

/**
 * A magnitude (>= 0) in the largest binary unit, at most `BINARY_UNITS[maxUnit]`, in which it
 * is below 1024. Dividing by 1024 is exact in floating point, so the value is the same as one
 * division by the unit's size.
 */
function inBinaryUnit(magnitude: number, maxUnit: number): { value: number; unit: number } {
  let value = magnitude;
  let unit = 0;
  while (value >= 1024 && unit < maxUnit) {
    value /= 1024;
    unit++;
  }
  return { value, unit };
}

/** Drops a decimal fraction's trailing zeros, and the point when nothing is left after it: `1.50` -> `1.5`, `2.0` -> `2`. */
export function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

// ------------------------------------------------------------------------------------------------
// Bytes

/** Bytes in binary units up to TiB with 0, 1 or 2 decimals, zeros kept so table columns line up: `512 B`, `8.00 GiB`, `140 MiB`. */
export function formatBytes(bytes: number): string {
  const { value: magnitude, unit } = inBinaryUnit(Math.abs(bytes), TIB);
  const v = bytes < 0 ? -magnitude : magnitude;
  return `${unit === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${BINARY_UNITS[unit]}`;
}

/** Bytes in binary units up to PiB with about three significant digits and no trailing zeros, `—` for none: `512 B`, `1.5 GiB`, `8 GiB`. */
export function formatBytesTrimmed(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const { value, unit } = inBinaryUnit(Math.abs(bytes), BINARY_UNITS.length - 1);
  const digits = unit === 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${bytes < 0 ? '-' : ''}${trimZeros(value.toFixed(digits))} ${BINARY_UNITS[unit]}`;
}

/** Bytes (>= 0) in binary units up to TiB with four significant digits, for notes about measured sizes: `72 B`, `117.7 MiB`. */
export function formatBytesPrecise(bytes: number): string {
  if (bytes < 1024) return `${+bytes.toPrecision(6)} B`;
  const { value, unit } = inBinaryUnit(bytes, TIB);
  return unit === 0 ? `${bytes} B` : `${+value.toPrecision(4)} ${BINARY_UNITS[unit]}`;
}

/** A rate in decimal megabytes per second, as disk and network vendors quote it: `140 MB/s`. */
export function formatMegabytesPerSecond(bytesPerSecond: number): string {
  return `${+(bytesPerSecond / 1e6).toPrecision(4)} MB/s`;
}

// ------------------------------------------------------------------------------------------------
// Durations

/** Seconds with at most three decimals: `0.25 s`, `12.345 s`, `90 s`. */
export function formatSecondsDecimal(seconds: number): string {
  return `${+seconds.toFixed(3)} s`;
}

/** A duration of a minute or more (>= 0) in minutes and tenths of a second: `1 min 4.3 s`, `2 h 0 min 0 s`. */
function formatMinutes(seconds: number): string {
  // Round once, in tenths, then split: 119.97 s is 2 min 0 s, not 1 min 60 s.
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  return h > 0 ? `${h} h ${m} min ${s} s` : `${m} min ${s} s`;
}

/** A duration for the text summary: seconds with up to three decimals below a minute, then minutes: `12.345 s`, `1 min 4.3 s`. */
export function formatSeconds(seconds: number): string {
  return seconds < 60 ? formatSecondsDecimal(seconds) : formatMinutes(seconds);
}

/**
 * A duration for the HTML pages, `—` for none: `850 ms`, `12.3 s`, `4 min 5.2 s`, `2 h 7 min 0.5 s`.
 * From a minute up it keeps tenths of a second, as the text summary and the compare table
 * do, so `73.2 s` in a table reads `1 min 13.2 s` here, never `1 min 13 s`.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s === 0) return '0 s';
  if (s < 1) return `${sign}${trimZeros((s * 1000).toFixed(s < 0.01 ? 2 : 0))} ms`;
  if (s < 60) return `${sign}${trimZeros(s.toFixed(s < 10 ? 2 : 1))} s`;
  return `${sign}${formatMinutes(s)}`;
}

/** Milliseconds in the largest unit that divides them exactly, for messages about Flink settings: `1 h`, `30 min`, `10 s`, `500 ms`. */
export function formatMillis(value: number): string {
  if (value % 3_600_000 === 0 && value > 0) return `${value / 3_600_000} h`;
  if (value % 60_000 === 0 && value > 0) return `${value / 60_000} min`;
  if (value % 1_000 === 0 && value > 0) return `${value / 1_000} s`;
  return `${value} ms`;
}

// ------------------------------------------------------------------------------------------------
// Flink's syntax: what a scenario file says, reading back to (almost exactly) the same number

/** A size: `10GiB`, `72` (bytes below 1 KiB stay a number), `117.738MiB`. */
export function formatFlinkSize(bytes: number): string | number {
  if (Number.isInteger(bytes) && bytes < 1024) return bytes;
  if (bytes >= 1024) {
    const { value, unit } = inBinaryUnit(bytes, TIB);
    return `${+value.toPrecision(6)}${BINARY_UNITS[unit]}`;
  }
  return `${+bytes.toPrecision(6)}B`;
}

/** A rate: `100MiB/s`, `264.706B/s`. */
export function formatFlinkRate(bytesPerSecond: number): string {
  const size = formatFlinkSize(bytesPerSecond);
  return typeof size === 'number' ? `${size}B/s` : `${size}/s`;
}

/** A duration: `272ms`, `9.421s`. */
export function formatFlinkDuration(seconds: number): string {
  return seconds < 1 ? `${+(seconds * 1000).toPrecision(6)}ms` : `${+seconds.toPrecision(6)}s`;
}
