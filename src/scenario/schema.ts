//! The scenario file's schema: structure, types and units, with messages that say what is allowed.

import { z } from 'zod';
import { isExactSeed, SEED_RANGE_TEXT } from './limits.js';
import { describe, parseBandwidth, parseDuration, parseRate, parseSize } from './units.js';
import { MAX_CPU, MAX_INT, MAX_JITTER_SIGMA, MAX_PARALLELISM, MAX_PRICE, MAX_SKEW_KEYS, MAX_SLOTS_PER_TASK_MANAGER } from './limits.js';

type Ctx = z.core.$RefinementCtx;

/** What a field parser returns for a bad value: the message to show. */
export class Bad {
  constructor(readonly message: string) {}
}

/**
 * A field read through a parse function that returns the value or a {@link Bad}. A missing
 * value of a required field is reported as such, not as a wrong value.
 */
export function parsed<T>(parse: (v: unknown) => T | Bad) {
  return z.unknown().transform((v, ctx: Ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const r = parse(v);
    if (r instanceof Bad) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r;
  });
}

/** Adapts the unit parsers, which return a number or an error message. */
const unit = (parse: (v: unknown) => number | string) => (v: unknown) => {
  const r = parse(v);
  return typeof r === 'string' ? new Bad(r) : r;
};

/** A number checked with a readable message (`Expected ... got ...`). */
export function num(what: string, ok: (n: number) => boolean) {
  return parsed<number>((v) => (typeof v === 'number' && ok(v) ? v : new Bad(`Expected ${what}, got ${describe(v)}`)));
}

export const size = parsed(unit(parseSize));
export const duration = parsed(unit((v) => parseDuration(v, false)));
export const rate = parsed(unit(parseRate));
/** An integer in [min, max]; the message names both bounds. */
export const intIn = (min: number, max: number) =>
  num(`an integer from ${min} to ${max}`, (n) => Number.isInteger(n) && n >= min && n <= max);
const positive = (max: number) => num(`a number > 0 and at most ${max}`, (n) => n > 0 && n <= max);
const nonNegative = (max: number) => num(`a number from 0 to ${max}`, (n) => n >= 0 && n <= max);
const fraction = num('a number from 0 to 1', (n) => n >= 0 && n <= 1);
export const seed = num(SEED_RANGE_TEXT, isExactSeed);
/** A vertex's parallelism, or a subtask index below it. */
const parallelismInt = intIn(1, MAX_PARALLELISM);

function oneOf<T extends string>(values: readonly T[]) {
  return parsed<T>((v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? (v as T)
      : new Bad(`Expected one of ${values.map((x) => `\`${x}\``).join(', ')}, got ${describe(v)}`),
  );
}

export const text = parsed<string>((v) => (typeof v === 'string' && v.length > 0 ? v : new Bad(`Expected a non-empty string, got ${describe(v)}`)));

/** A TaskManager's disk or network bandwidth: a rate, `auto` (the default rule) or `unlimited`. */
const bandwidth = parsed<number | 'auto'>((v) => {
  if (v === 'auto') return 'auto';
  if (v === 'unlimited') return Infinity;
  const r = parseBandwidth(v);
  return typeof r === 'string' ? new Bad(`${r}, \`auto\` or \`unlimited\``) : r;
});

const taskManager = z.strictObject({
  slots: intIn(1, MAX_SLOTS_PER_TASK_MANAGER).optional(),
  cpuPerSlot: positive(MAX_CPU).optional(),
  memoryPerSlot: size.optional(),
  disk: parsed<number | 'auto'>((v) => (v === 'auto' ? 'auto' : unit(parseSize)(v))).optional(),
  startup: duration.optional(),
  idleTimeout: duration.optional(),
  shutdown: duration.optional(),
  diskBandwidth: bandwidth.optional(),
  networkBandwidth: bandwidth.optional(),
});

const jobManager = z.strictObject({ cpu: positive(MAX_CPU).optional(), memory: size.optional() });

export const clusterSchema = z.strictObject({
  taskmanager: taskManager.optional(),
  jobmanager: jobManager.optional(),
  maxSlots: parsed<number>((v) =>
    v === 'unlimited'
      ? Infinity
      : typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_INT
        ? v
        : new Bad(`Expected an integer from 1 to ${MAX_INT} or \`unlimited\`, got ${describe(v)}`),
  ).optional(),
  shuffle: oneOf(['local', 'remote'] as const).optional(),
  shuffleService: z
    .strictObject({
      cost: z.strictObject({ perGiBStored: nonNegative(MAX_PRICE).optional(), perGiBTransferred: nonNegative(MAX_PRICE).optional() }).optional(),
    })
    .optional(),
});

const skew = parsed<{ zipf: number; keys?: number } | { weights: number[] }>((v) => {
  const hint =
    `Expected \`{ zipf: S }\` (S >= 0, optional \`keys: K\` from 1 to ${MAX_SKEW_KEYS}) or ` +
    '`{ weights: [w1, w2, ...] }` (finite, >= 0, with a positive finite sum)';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return new Bad(`${hint}, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if ((keys === 'zipf' || keys === 'keys,zipf') && typeof o.zipf === 'number' && Number.isFinite(o.zipf) && o.zipf >= 0) {
    if (o.keys === undefined) return { zipf: o.zipf };
    if (typeof o.keys === 'number' && Number.isInteger(o.keys) && o.keys >= 1 && o.keys <= MAX_SKEW_KEYS) {
      return { zipf: o.zipf, keys: o.keys };
    }
  }
  if (keys === 'weights' && Array.isArray(o.weights) && o.weights.length > 0) {
    const w = o.weights;
    const sum = w.reduce((a: number, x) => a + (typeof x === 'number' ? x : NaN), 0);
    if (w.every((x) => typeof x === 'number' && x >= 0) && sum > 0 && Number.isFinite(sum)) return { weights: w as number[] };
  }
  return new Bad(`${hint}, got \`${JSON.stringify(v)}\``);
});

const input = z.strictObject({
  from: text,
  pattern: oneOf(['all-to-all', 'pointwise', 'broadcast'] as const).optional(),
});

export const vertexSchema = z.strictObject({
  id: text,
  name: z.string().optional(),
  parallelism: parallelismInt.optional(),
  source: z.strictObject({ bytes: size }).optional(),
  inputs: z.array(input).optional(),
  rate: rate.optional(),
  fixed: duration.optional(),
  selectivity: nonNegative(Number.MAX_VALUE).optional(),
  jitter: z.strictObject({ sigma: nonNegative(MAX_JITTER_SIGMA) }).optional(),
  skew: skew.optional(),
  managedMemory: parsed<boolean>((v) => (typeof v === 'boolean' ? v : new Bad(`Expected \`true\` or \`false\`, got ${describe(v)}`))).optional(),
  heap: size.optional(),
});

const subtaskRef = parsed<{ vertex: string; subtask: number }>((v) => {
  const m = typeof v === 'string' ? /^(.+)\[(\d+)\]$/.exec(v) : null;
  if (m === null) return new Bad(`Expected a subtask as \`VERTEX[N]\`, got ${describe(v)}`);
  const subtask = Number(m[2]);
  if (subtask >= MAX_PARALLELISM) return new Bad(`Expected a subtask index below ${MAX_PARALLELISM} (the largest parallelism), got \`${v as string}\``);
  return { vertex: m[1], subtask };
});

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subtask'),
    vertex: text,
    subtask: intIn(0, MAX_PARALLELISM - 1),
    attempt: intIn(0, MAX_INT).optional(),
    at: fraction.optional(),
  }),
  z.strictObject({ type: z.literal('taskmanager'), at: duration, hosting: subtaskRef.optional(), tm: intIn(0, MAX_INT).optional() }),
  z.strictObject({ type: z.literal('random-subtask'), probability: fraction }),
]);

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  seed: seed.optional(),
  cluster: clusterSchema.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  job: z.strictObject({ vertices: z.array(vertexSchema).min(1) }),
  faults: z.array(faultSchema).optional(),
});

/** The scenario as parsed from the file: units converted, defaults not yet applied. */
export type ScenarioDocument = z.infer<typeof scenarioSchema>;
