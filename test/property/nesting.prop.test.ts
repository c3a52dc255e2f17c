//! The nesting scan before parsing never counts fewer levels than the parser builds, on random
//! documents written by the YAML library in its styles (block, flow, quoted, block scalars) and as JSON.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { findExcessNesting } from '../../src/scenario/nesting.js';

/** Maps and lists nested in a parsed value (a scalar is 0). */
function depth(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depth));
}

/** The smallest limit the scan lets the text through at. */
function scannedDepth(text: string): number {
  let limit = 0;
  while (findExcessNesting(text, limit) >= 0) limit++;
  return limit;
}

// Strings full of YAML's indicators, so that quoting, block scalars and comments are exercised.
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', "'", '#', ':', ' ', '\n', '-', '|', '>', 'a', ',', '&', '!', '?', '*', '\\', '\t') }),
  fc.string(),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
}));
const style = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  json: fc.boolean(),
});

describe('nesting scan', () => {
  it('never counts fewer levels than the parsed document has', () => {
    fc.assert(
      fc.property(value, style, (v, s) => {
        const doc = s.json ? JSON.stringify(v, null, s.indent) : stringify(v, { ...s, logLevel: 'silent' });
        if (doc === undefined) return;
        const parsed = depth(parse(doc, { logLevel: 'silent' }));
        expect(scannedDepth(doc)).toBeGreaterThanOrEqual(parsed);
      }),
      { numRuns: 3000 },
    );
  });
});
