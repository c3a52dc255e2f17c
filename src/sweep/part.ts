//! A part: what one shard of a sweep writes (its raw results) and `batchsim merge` reads back, with what identifies the sweep.

import { z } from 'zod';
import { childPath, ScenarioError, type ScenarioIssue } from '../scenario/issues.js';
import { fingerprint } from './fingerprint.js';
import { MAX_SHARDS, type Shard } from './shard.js';

/** The value of a part's `format` field: tells a part from any other JSON file. */
export const PART_FORMAT = 'batchsim-sweep-part';
/** Raised when the layout of a part changes, so that an old part is refused with a clear message. */
export const PART_FORMAT_VERSION = 1;

/** One result of a shard, at its position in the whole sweep's item list. */
export interface PartResult<V = unknown> {
  position: number;
  value: V;
}

/** A part as written: the envelope is the same for every kind of sweep; `sweep` and the values are the kind's own. */
export interface Part<S = unknown, V = unknown> {
  format: typeof PART_FORMAT;
  formatVersion: typeof PART_FORMAT_VERSION;
  /** Which command's sweep: `compare`, ... */
  kind: string;
  /** batchsim's version: results of different simulators are never merged. */
  version: string;
  /** {@link sweepFingerprint} of kind, version and sweep. */
  fingerprint: string;
  shard: Shard;
  /** Items in the whole sweep. */
  total: number;
  /** Everything needed to plan the sweep again and render its result (the scenario text among it). */
  sweep: S;
  /** The command's arguments that run the whole sweep, for the message that says how to re-run a shard. */
  rerun: string[];
  /** This shard's results, in position order. */
  results: PartResult<V>[];
}

/** The fingerprint that ties the parts of one sweep together. */
export function sweepFingerprint(kind: string, version: string, sweep: unknown): string {
  return fingerprint({ kind, version, sweep });
}

/** Makes a part; its fingerprint is computed here, so it always matches its sweep. */
export function makePart<S, V>(args: { kind: string; version: string; shard: Shard; total: number; sweep: S; rerun: string[]; results: PartResult<V>[] }): Part<S, V> {
  return {
    format: PART_FORMAT,
    formatVersion: PART_FORMAT_VERSION,
    kind: args.kind,
    version: args.version,
    fingerprint: sweepFingerprint(args.kind, args.version, args.sweep),
    shard: args.shard,
    total: args.total,
    sweep: args.sweep,
    rerun: args.rerun,
    results: args.results,
  };
}

/**
 * A part as text: one line of JSON, so that a part printed among other lines of a log
 * (`--out -` in a pod) can still be found by {@link parsePart}.
 */
export function partText(part: Part): string {
  return `${JSON.stringify(part)}\n`;
}

const index = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const envelope = z.strictObject({
  format: z.literal(PART_FORMAT),
  formatVersion: z.number(),
  kind: z.string().min(1),
  version: z.string().min(1),
  fingerprint: z.string().min(1),
  shard: z.strictObject({ index, count: z.number().int().min(1).max(MAX_SHARDS) }),
  total: index,
  sweep: z.unknown(),
  rerun: z.array(z.string()),
  results: z.array(z.strictObject({ position: index, value: z.unknown() })),
});

/** Turns zod's issues into issues with this project's field paths. */
export function zodIssues(error: z.ZodError, prefix = ''): ScenarioIssue[] {
  return error.issues.map((i) => ({ path: i.path.reduce<string>((p, k) => childPath(p, typeof k === 'symbol' ? String(k) : k), prefix), message: i.message }));
}

/** The line of a log that holds a part. */
const PART_LINE = `{"format":"${PART_FORMAT}"`;

/**
 * Reads a part from a file's text: the whole text, or else the one line of it that is a
 * part (a pod's log, with warnings around it). Checks the envelope and that the fingerprint
 * matches the sweep, so a damaged or edited part is refused; the kind checks `sweep` and
 * the values. @throws ScenarioError naming the file and the field
 */
export function parsePart(file: string, text: string): Part {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const lines = text.split('\n').filter((l) => l.startsWith(PART_LINE));
    if (lines.length > 1) throw new ScenarioError(file, [{ path: '', message: `holds ${lines.length} parts; give each part in a file of its own` }]);
    if (lines.length === 0) throw new ScenarioError(file, [{ path: '', message: `not a batchsim part: ${(err as Error).message}` }]);
    try {
      raw = JSON.parse(lines[0]);
    } catch (err2) {
      throw new ScenarioError(file, [{ path: '', message: `the part in it is cut short or damaged: ${(err2 as Error).message}` }]);
    }
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== PART_FORMAT) {
    throw new ScenarioError(file, [{ path: '', message: `not a batchsim part (a file written by \`batchsim compare --shard I/N --out FILE\`)` }]);
  }
  const got = (raw as { formatVersion?: unknown }).formatVersion;
  if (got !== PART_FORMAT_VERSION) {
    throw new ScenarioError(file, [{ path: 'formatVersion', message: `part format ${String(got)} is not the one this batchsim reads (${PART_FORMAT_VERSION}); run the shard again with this batchsim` }]);
  }
  const parsed = envelope.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(file, zodIssues(parsed.error));
  const part = parsed.data as Part;
  if (part.shard.index >= part.shard.count) {
    throw new ScenarioError(file, [{ path: 'shard.index', message: `shard ${part.shard.index} of ${part.shard.count} does not exist` }]);
  }
  if (sweepFingerprint(part.kind, part.version, part.sweep) !== part.fingerprint) {
    throw new ScenarioError(file, [{ path: 'fingerprint', message: 'does not match the sweep the part describes: the file was edited or damaged; run its shard again' }]);
  }
  return part;
}
