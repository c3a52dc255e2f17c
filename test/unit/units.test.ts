import { describe, expect, it } from 'vitest';
import { parseDuration, parseRate, parseSize } from '../../src/scenario/units.js';

describe('sizes in Flink MemorySize syntax', () => {
  it.each([
    [1024, 1024],
    ['16mb', 16 * 2 ** 20],
    ['16m', 16 * 2 ** 20],
    ['16MiB', 16 * 2 ** 20],
    ['1 gb', 2 ** 30],
    ['1GiB', 2 ** 30],
    ['512kb', 512 * 1024],
    ['2t', 2 * 2 ** 40],
    ['100', 100],
    ['100 bytes', 100],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('rejects unknown units, negative numbers and sizes too large to be finite, with a message', () => {
    expect(parseSize('16 parsecs')).toMatch(/Expected a number of bytes or a string/);
    expect(parseSize(-1)).toMatch(/>= 0/);
    expect(parseSize(true)).toMatch(/got `true` \(boolean\)/);
    expect(parseSize('1e400b')).toMatch(/finite/);
  });
});

describe('durations in Flink syntax', () => {
  it.each([
    [10, 10_000],
    ['500 ms', 500],
    ['10s', 10_000],
    ['2 min', 120_000],
    ['1h', 3_600_000],
    ['1.5 s', 1500],
    ['3 d', 3 * 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('needs a unit in a string, except where Flink reads bare numbers as milliseconds', () => {
    expect(parseDuration('30')).toMatch(/has no unit/);
    expect(parseDuration('30', true)).toBe(30);
  });
});

describe('rates', () => {
  it('reads a size per second', () => {
    expect(parseRate('100MiB/s')).toBe(100 * 2 ** 20);
    expect(parseRate('1 gb / s')).toBe(2 ** 30);
    expect(parseRate(5)).toBe(5);
    expect(parseRate('100MiB')).toMatch(/per second/);
    expect(parseRate(0)).toMatch(/> 0/);
  });
});
