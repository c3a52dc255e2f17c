//! Checks that parts make exactly one whole sweep (same sweep, same version, every shard once) and puts their results back in order.

import { dirname, join } from 'node:path';
import { ScenarioError, type ScenarioIssue } from '../scenario/issues.js';
import { itemsOfShard } from './partition.js';
import type { Part } from './part.js';
import { formatShard, type Shard } from './shard.js';

/** A part with the file it was read from. */
export interface PartFile<S = unknown, V = unknown> {
  file: string;
  part: Part<S, V>;
}

/** The label of merge's own errors (those about the set of parts rather than one file). */
export const MERGE_LABEL = 'merge';

/** A word or path as a POSIX shell reads it: quoted only when it has to be. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that runs shard `shard` again, writing beside the parts merged: the
 * sweep's own arguments, then `--shard I/N --out DIR/part-I.json`.
 */
export function rerunCommand(parts: readonly PartFile[], shard: Shard): string {
  const dir = dirname(parts[0].file);
  const out = dir === '.' ? `part-${shard.index}.json` : join(dir, `part-${shard.index}.json`);
  return ['batchsim', ...parts[0].part.rerun, '--shard', formatShard(shard), '--out', out].map(shellQuote).join(' ');
}

const names = (ps: readonly PartFile[]): string => ps.map((p) => p.file).join(', ');

/**
 * Checks that the parts belong to one sweep and cover it exactly, and returns every
 * result by its position.
 * @param plan the shard of each item, computed from the (checked) sweep of the parts:
 *   each part must hold exactly the items its shard was given
 * @throws ScenarioError that names every missing or repeated shard with the command that re-runs it,
 *   or the part that does not belong
 */
export function mergeParts<V>(parts: readonly PartFile<unknown, V>[], plan: (first: Part) => Uint32Array): V[] {
  if (parts.length === 0) throw new ScenarioError(MERGE_LABEL, [{ path: '', message: 'no parts given' }]);
  const first = parts[0];
  const refuse = (p: PartFile, message: string): never => {
    throw new ScenarioError(p.file, [{ path: '', message }]);
  };
  for (const p of parts.slice(1)) {
    if (p.part.kind !== first.part.kind) refuse(p, `is a part of a \`${p.part.kind}\` sweep, ${first.file} of a \`${first.part.kind}\` sweep`);
    if (p.part.version !== first.part.version) {
      refuse(p, `was written by batchsim ${p.part.version}, ${first.file} by batchsim ${first.part.version}: run every shard with one version`);
    }
    if (p.part.fingerprint !== first.part.fingerprint) {
      refuse(p, `belongs to another sweep than ${first.file} (the scenario, the choices or the seeds differ): merge only the parts of one sweep`);
    }
    if (p.part.shard.count !== first.part.shard.count) {
      refuse(p, `is shard ${formatShard(p.part.shard)}, ${first.file} is shard ${formatShard(first.part.shard)}: the sweep was cut into ${p.part.shard.count} and into ${first.part.shard.count} shards; merge the parts of one cut`);
    }
  }
  const count = first.part.shard.count;
  const byShard = new Map<number, PartFile<unknown, V>[]>();
  for (const p of parts) byShard.set(p.part.shard.index, [...(byShard.get(p.part.shard.index) ?? []), p]);
  const issues: ScenarioIssue[] = [];
  for (const [index, ps] of [...byShard].sort(([a], [b]) => a - b)) {
    if (ps.length > 1) issues.push({ path: '', message: `shard ${index}/${count} is given ${ps.length} times (${names(ps)}): give each shard once` });
  }
  for (let index = 0; index < count; index++) {
    if (!byShard.has(index)) issues.push({ path: '', message: `shard ${index}/${count} is missing; run it again with: ${rerunCommand(parts, { index, count })}` });
  }
  if (issues.length > 0) throw new ScenarioError(MERGE_LABEL, issues);

  const shardOf = plan(first.part);
  const values = new Array<V>(shardOf.length);
  for (const p of parts) {
    if (p.part.total !== shardOf.length) refuse(p, `says the sweep has ${p.part.total} runs, but its scenario, choices and seeds make ${shardOf.length}: the file was edited; run its shard again`);
    const want = itemsOfShard(shardOf, p.part.shard.index);
    const got = p.part.results.map((r) => r.position);
    if (got.length !== want.length || got.some((pos, i) => pos !== want[i])) {
      refuse(p, `does not hold the runs of shard ${formatShard(p.part.shard)} (${want.length} expected, ${got.length} found): run it again with: ${rerunCommand(parts, p.part.shard)}`);
    }
    for (const r of p.part.results) values[r.position] = r.value;
  }
  return values;
}
