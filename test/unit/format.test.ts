//! The renderings of bytes and durations: each variant keeps its own digits, units and edge cases.

import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatBytesPrecise,
  formatBytesTrimmed,
  formatDuration,
  formatFlinkDuration,
  formatFlinkRate,
  formatFlinkSize,
  formatMegabytesPerSecond,
  formatMillis,
  formatSeconds,
  formatSecondsDecimal,
} from '../../src/util/format.js';

describe('bytes', () => {
  it('keeps trailing zeros for tables, up to TiB', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(8 * 2 ** 30)).toBe('8.00 GiB');
    expect(formatBytes(12.5 * 2 ** 20)).toBe('12.5 MiB');
    expect(formatBytes(140 * 2 ** 20)).toBe('140 MiB');
    expect(formatBytes(2048 * 2 ** 40)).toBe('2048 TiB');
    expect(formatBytes(-1536)).toBe('-1.50 KiB');
  });

  it('drops trailing zeros for the pages, up to PiB, with a dash for no value', () => {
    expect(formatBytesTrimmed(8 * 2 ** 30)).toBe('8 GiB');
    expect(formatBytesTrimmed(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytesTrimmed(2048 * 2 ** 40)).toBe('2 PiB');
    expect(formatBytesTrimmed(-1536)).toBe('-1.5 KiB');
    expect(formatBytesTrimmed(null)).toBe('—');
    expect(formatBytesTrimmed(Infinity)).toBe('—');
  });

  it('keeps four significant digits for import notes', () => {
    expect(formatBytesPrecise(72)).toBe('72 B');
    expect(formatBytesPrecise(117.7384 * 2 ** 20)).toBe('117.7 MiB');
    expect(formatBytesPrecise(1024)).toBe('1 KiB');
  });

  it('writes Flink syntax that reads back', () => {
    expect(formatFlinkSize(72)).toBe(72);
    expect(formatFlinkSize(10 * 2 ** 30)).toBe('10GiB');
    expect(formatFlinkSize(117.738 * 2 ** 20)).toBe('117.738MiB');
    expect(formatFlinkSize(0.5)).toBe('0.5B');
    expect(formatFlinkRate(100 * 2 ** 20)).toBe('100MiB/s');
    expect(formatFlinkRate(264.70588)).toBe('264.706B/s');
    expect(formatFlinkRate(512)).toBe('512B/s');
  });

  it('quotes rates in decimal megabytes', () => {
    expect(formatMegabytesPerSecond(140e6)).toBe('140 MB/s');
    expect(formatMegabytesPerSecond(125_000_000 / 3)).toBe('41.67 MB/s');
  });
});

describe('durations', () => {
  it('text: three decimals below a minute, then minutes and tenths', () => {
    expect(formatSecondsDecimal(0.25)).toBe('0.25 s');
    expect(formatSecondsDecimal(90.0004)).toBe('90 s');
    expect(formatSeconds(12.345)).toBe('12.345 s');
    expect(formatSeconds(64.31)).toBe('1 min 4.3 s');
    expect(formatSeconds(119.97)).toBe('2 min 0 s');
    expect(formatSeconds(7200.04)).toBe('2 h 0 min 0 s');
  });

  it('pages: milliseconds below a second, trimmed, a dash for no value', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(0.0042)).toBe('4.2 ms');
    expect(formatDuration(12.34)).toBe('12.3 s');
    expect(formatDuration(2.5)).toBe('2.5 s');
    expect(formatDuration(73.2)).toBe('1 min 13.2 s');
    expect(formatDuration(-73.2)).toBe('-1 min 13.2 s');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(undefined)).toBe('—');
  });

  it('messages about Flink settings: the largest unit that divides exactly', () => {
    expect(formatMillis(3_600_000)).toBe('1 h');
    expect(formatMillis(90_000)).toBe('90 s');
    expect(formatMillis(120_000)).toBe('2 min');
    expect(formatMillis(1500)).toBe('1500 ms');
    expect(formatMillis(0)).toBe('0 ms');
  });

  it('Flink syntax', () => {
    expect(formatFlinkDuration(0.272)).toBe('272ms');
    expect(formatFlinkDuration(9.421)).toBe('9.421s');
  });
});
