//! How a Flink ship strategy (partitioner) maps to a scenario input pattern.
//!
//! The names come from three places in Flink:
//! - the DataStream / Table partitioners' names (`FORWARD`, `HASH`, `REBALANCE`, `RESCALE`,
//!   `SHUFFLE`, `BROADCAST`, `GLOBAL`, `CUSTOM`, and the Table planner's `HASH[field, ...]`),
//!   which appear in execution plans and in the REST job plan;
//! - the DataSet optimizer's prose names (`Forward`, `Broadcast`, `Hash Partition on [0]`,
//!   `Range Partition on [0:ASC]`, `Redistribute`, `Rebalance`, `Custom Partition on [0]`);
//! - `KEY-GROUP`, a keyed partitioning name accepted for older tools.
//! Matching ignores case, a trailing `[...]` key list and a trailing ` on ...` key description.

/** How a consumer reads a producer's output (the scenario's `pattern`). */
export type EdgePattern = 'all-to-all' | 'pointwise' | 'broadcast';

/** Base strategy name (lower case, keys stripped) to pattern. */
const PATTERNS: ReadonlyMap<string, EdgePattern> = new Map<string, EdgePattern>([
  // Every producer subtask may send to every consumer subtask.
  ['hash', 'all-to-all'],
  ['key-group', 'all-to-all'],
  ['keygroup', 'all-to-all'],
  ['rebalance', 'all-to-all'],
  ['load_rebalance', 'all-to-all'],
  ['shuffle', 'all-to-all'],
  ['global', 'all-to-all'],
  ['custom', 'all-to-all'],
  ['hash partition', 'all-to-all'],
  ['range partition', 'all-to-all'],
  ['custom partition', 'all-to-all'],
  ['redistribute', 'all-to-all'],
  // Each consumer subtask reads from a fixed subset of producer subtasks.
  ['forward', 'pointwise'],
  ['rescale', 'pointwise'],
  // Every consumer subtask reads the producer's whole output.
  ['broadcast', 'broadcast'],
]);

/** The strategy names this importer knows, for error messages. */
export const KNOWN_STRATEGIES =
  'FORWARD, RESCALE, HASH, HASH[...], KEY-GROUP, REBALANCE, SHUFFLE, GLOBAL, CUSTOM, BROADCAST, ' +
  '"Forward", "Broadcast", "Hash Partition on ...", "Range Partition on ...", "Redistribute", ' +
  '"Rebalance", "Custom Partition on ..."';

/** Reduces a strategy as written in a plan to the key of {@link PATTERNS}. */
export function baseStrategy(strategy: string): string {
  let s = strategy.trim().toLowerCase();
  s = s.replace(/\s+on\s+.*$/s, ''); // "Hash Partition on [0]" -> "hash partition"
  s = s.replace(/\s*\[.*\]\s*$/s, ''); // "HASH[id]" -> "hash"
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Maps a ship strategy to a pattern.
 * @returns the pattern, or undefined when the strategy is unknown
 */
export function patternOf(strategy: string): EdgePattern | undefined {
  return PATTERNS.get(baseStrategy(strategy));
}

/**
 * Maps a ship strategy to a pattern, or reports it as unknown.
 * @returns the pattern, or undefined after adding an issue at `path` that names the strategy
 */
export function patternOrIssue(strategy: string, path: string, issues: { path: string; message: string }[]): EdgePattern | undefined {
  const p = patternOf(strategy);
  if (p === undefined) issues.push({ path, message: `unknown ship strategy \`${strategy}\`; known: ${KNOWN_STRATEGIES}` });
  return p;
}

/** True for strategies that keep each record in its subtask (the ones Flink can chain across). */
export function isForward(strategy: string): boolean {
  return baseStrategy(strategy) === 'forward';
}
