//! Which slice of a sweep this process runs: `--shard I/N`, or `--shards N` with I from the batch engine's environment.

import { InvalidArgumentError } from 'commander';

/** One of `count` slices of a sweep, numbered from 0 like Kubernetes completion indexes and `sbatch --array=0-(N-1)`. */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a sweep may be cut into: Kubernetes' own limit on an Indexed Job's completions. */
export const MAX_SHARDS = 100_000;

/**
 * Environment variables that carry a shard index, in the order they are read: a Kubernetes
 * Indexed Job's pod index, then a Slurm array task's index.
 */
export const SHARD_INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID'] as const;

const count = (s: string): number | string => {
  if (!/^\d+$/.test(s) || Number(s) < 1) return `expected a number of shards >= 1, got \`${s}\``;
  return BigInt(s) <= BigInt(MAX_SHARDS) ? Number(s) : `\`${s}\` is too large: at most ${MAX_SHARDS} shards`;
};

/** A commander parser for `--shards N`. */
export function parseShardCount(value: string): number {
  const n = count(value.trim());
  if (typeof n === 'string') throw new InvalidArgumentError(n);
  return n;
}

/** A commander parser for `--shard I/N`: I from 0 to N-1. */
export function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (m === null) throw new InvalidArgumentError(`expected I/N (shard I of N, I from 0 to N-1), got \`${value}\``);
  const n = count(m[2]);
  if (typeof n === 'string') throw new InvalidArgumentError(n);
  if (BigInt(m[1]) >= BigInt(n)) throw new InvalidArgumentError(`shard ${m[1]} of ${n} does not exist: shards are numbered 0 to ${n - 1}`);
  return { index: Number(m[1]), count: n };
}

/**
 * The shard asked for, or undefined when the sweep is not sharded. With `--shards N` alone
 * the index comes from {@link SHARD_INDEX_VARIABLES}; when both are set they must agree.
 * @returns the shard, undefined, or an error message for the command line
 */
export function resolveShard(flags: { shard?: Shard; shards?: number }, env: Record<string, string | undefined>): Shard | undefined | { error: string } {
  if (flags.shard !== undefined && flags.shards !== undefined) {
    return { error: 'give either --shard I/N or --shards N (the index then comes from the environment), not both' };
  }
  if (flags.shard !== undefined) return flags.shard;
  if (flags.shards === undefined) return undefined;
  const n = flags.shards;
  const found = SHARD_INDEX_VARIABLES.map((name) => ({ name, value: env[name] })).filter((v) => v.value !== undefined && v.value !== '');
  if (found.length === 0) {
    return {
      error:
        `--shards ${n} needs this process's shard index: run it as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) ` +
        `or a Slurm array task (SLURM_ARRAY_TASK_ID), or give --shard I/${n}`,
    };
  }
  for (const { name, value } of found) {
    const v = (value as string).trim();
    if (!/^\d+$/.test(v) || BigInt(v) >= BigInt(n)) {
      const slurm = name === 'SLURM_ARRAY_TASK_ID' ? ` (submit the array as --array=0-${n - 1})` : '';
      return { error: `${name}=${value} is not a shard of --shards ${n}: expected an integer from 0 to ${n - 1}${slurm}` };
    }
  }
  const indexes = new Set(found.map((f) => Number(f.value)));
  if (indexes.size > 1) return { error: `${found.map((f) => `${f.name}=${f.value}`).join(' and ')} disagree: which shard is this?` };
  return { index: Number(found[0].value), count: n };
}

/** `2/4`: how a shard is written on the command line. */
export const formatShard = (s: Shard): string => `${s.index}/${s.count}`;
