//! The adaptive batch scheduler's parallelism decider (Flink 1.17-1.19, and the 1.15-1.16 power-of-two rule).

import { InvariantError } from '../engine/simulation.js';

/**
 * Most subpartitions of one result a single consumer subtask may read
 * (Flink's `MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME`); more would mean too many
 * input channels in one task.
 */
export const MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME = 32768;

/** Share of the volume per task that broadcast bytes may take in Flink 1.15-1.16 (`CAP_RATIO_OF_BROADCAST`). */
export const CAP_RATIO_OF_BROADCAST_1_15 = 0.5;

/** Settings of the decider: Flink's `execution.batch.adaptive.auto-parallelism.*` keys after defaults are applied. */
export interface DeciderConfig {
  /** `...auto-parallelism.min-parallelism`: lower bound of a decided parallelism. */
  minParallelism: number;
  /** Effective `...auto-parallelism.max-parallelism` (see flink-semantics.md): upper bound of a decided parallelism. */
  maxParallelism: number;
  /** `...auto-parallelism.avg-data-volume-per-task` in bytes. */
  avgDataVolumePerTask: number;
  /** Which Flink decider to model; default `'1.17'` (1.17-1.19). `'1.15'` is the 1.15-1.16 power-of-two decider. */
  version?: '1.17' | '1.15';
  /**
   * `...auto-parallelism.default-source-parallelism` (Flink default 1): the
   * parallelism of a source vertex that has none configured.
   */
  defaultSourceParallelism?: number;
  /**
   * The vertex's own max parallelism, if it has one. In 1.17 a smaller vertex
   * max lowers both bounds when the parallelism is not fixed, and caps the
   * default source parallelism. Ignored by the 1.15 decider.
   */
  vertexMaxParallelism?: number;
}

/** What one consumer knows about one blocking result it reads (Flink's `BlockingResultInfo`). */
export interface BlockingInput {
  /** The result is broadcast: every consumer subtask reads all of it (one subpartition per partition). */
  broadcast: boolean;
  /** The edge is pointwise; otherwise all-to-all. Broadcast edges are all-to-all. */
  pointwise: boolean;
  /** Number of partitions, i.e. the producer's parallelism. */
  numPartitions: number;
  /** Subpartitions in each partition (see {@link subpartitionCount}). */
  numSubpartitions: number;
  /** Bytes the producer wrote, counting broadcast data once. */
  totalBytes: number;
  /**
   * Bytes of each subpartition index summed over all partitions (all-to-all
   * only), length `numSubpartitions`, summing to `totalBytes`. Absent = spread evenly.
   */
  subpartitionBytes?: ArrayLike<number>;
  /** Bytes of each partition (pointwise and broadcast), length `numPartitions`, summing to `totalBytes`. Absent = even. */
  partitionBytes?: ArrayLike<number>;
}

/** The part of one input that one consumer subtask reads (Flink's `ExecutionVertexInputInfo`); ends are inclusive. */
export interface SubtaskInputRange {
  /** First partition read. */
  partitionStart: number;
  /** Last partition read (inclusive, as Flink's `IndexRange`). */
  partitionEnd: number;
  /** First subpartition read in each of those partitions. */
  subpartitionStart: number;
  /** Last subpartition read (inclusive). */
  subpartitionEnd: number;
}

/** How the parallelism was chosen. */
export type DeciderRule = 'count' | 'balanced' | 'fixed' | 'source';

/** What bound the final parallelism. */
export type DeciderBound = 'data' | 'min' | 'max' | 'subpartition-limit' | 'all-broadcast' | 'balanced' | 'fixed';

/** The decided parallelism of a vertex and which part of each input every subtask reads. */
export interface DeciderResult {
  /** The vertex's parallelism. */
  parallelism: number;
  /**
   * `count`: from total bytes / volume per task, subpartitions split evenly by count;
   * `balanced`: from packing subpartitions by bytes (all inputs all-to-all);
   * `fixed`: the parallelism was given; `source`: a source vertex's default.
   */
  rule: DeciderRule;
  /**
   * `data`: bytes / volume per task; `subpartition-limit`: raised so no task reads
   * more than {@link MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME} subpartitions of one input;
   * `min`/`max`: clamped, or for `balanced` the byte limit was searched to meet the bound;
   * `all-broadcast`: only broadcast inputs, so the minimum; `balanced`: packing at the
   * configured volume per task was already legal; `fixed`: given, or a source default.
   */
  boundBy: DeciderBound;
  /** Bytes of all non-broadcast inputs. */
  bytesConsumed: number;
  /** `inputRanges[inputIndex][subtaskIndex]`: what each subtask reads of each input. */
  inputRanges: SubtaskInputRange[][];
}

/** A parallelism from the count-based rule and what bound it. */
export interface CountDecision {
  /** The decided parallelism. */
  parallelism: number;
  /** What bound it: `data`, `subpartition-limit`, `min`, `max` or `all-broadcast`. */
  boundBy: Exclude<DeciderBound, 'balanced' | 'fixed'>;
}

/** How a vertex's output is spread over keys: Zipf over `keys` keys (default 1000), or explicit weights per key. */
export type OutputSkew = { zipf: number; keys?: number } | { weights: number[] };

/**
 * Decides a vertex's parallelism and the input ranges of its subtasks, as
 * Flink's `DefaultVertexParallelismAndInputInfosDecider` does (or, with
 * `version: '1.15'`, the 1.15-1.16 power-of-two decider).
 *
 * With no inputs the vertex is a source. With `fixedParallelism` only the
 * ranges are computed, split evenly by subpartition count as Flink does. When
 * every input is all-to-all and at least one is not broadcast (1.17), the
 * subpartitions are packed by bytes; otherwise the count-based rule applies.
 * @param inputs the blocking results the vertex consumes, in edge order
 * @param fixedParallelism the vertex's configured parallelism, if any
 * @param config the decider settings
 * @returns the parallelism, the rule and bound that chose it, and `inputRanges[input][subtask]`
 * @throws InvariantError on inconsistent inputs or settings (a caller bug)
 */
export function decideParallelismAndInputs(
  inputs: readonly BlockingInput[],
  fixedParallelism: number | undefined,
  config: DeciderConfig,
): DeciderResult {
  checkConfig(config);
  inputs.forEach(checkInput);
  if (fixedParallelism !== undefined) checkPositiveInt(fixedParallelism, 'fixedParallelism');
  const version = config.version ?? '1.17';
  const bytesConsumed = nonBroadcastBytes(inputs);

  if (inputs.length === 0) {
    if (fixedParallelism !== undefined) {
      return { parallelism: fixedParallelism, rule: 'fixed', boundBy: 'fixed', bytesConsumed, inputRanges: [] };
    }
    const defaultSource = config.defaultSourceParallelism ?? 1;
    const cap = version === '1.17' ? config.vertexMaxParallelism ?? config.maxParallelism : Infinity;
    return defaultSource > cap
      ? { parallelism: cap, rule: 'source', boundBy: 'max', bytesConsumed, inputRanges: [] }
      : { parallelism: defaultSource, rule: 'source', boundBy: 'fixed', bytesConsumed, inputRanges: [] };
  }

  if (fixedParallelism !== undefined) {
    return {
      parallelism: fixedParallelism,
      rule: 'fixed',
      boundBy: 'fixed',
      bytesConsumed,
      inputRanges: evenInputRanges(inputs, fixedParallelism),
    };
  }

  if (version === '1.17' && inputs.every((i) => !i.pointwise) && !inputs.every((i) => i.broadcast)) {
    const balanced = balanceByData(inputs, effectiveBounds(config), config.avgDataVolumePerTask);
    if (balanced !== undefined) return { ...balanced, bytesConsumed };
    // No byte limit yields a legal number of ranges: Flink falls back to the count-based rule.
  }

  const decision = decideParallelism(inputs, config);
  return {
    parallelism: decision.parallelism,
    rule: 'count',
    boundBy: decision.boundBy,
    bytesConsumed,
    inputRanges: evenInputRanges(inputs, decision.parallelism),
  };
}

/**
 * Decides a parallelism from input sizes alone (Flink's count-based
 * `decideParallelism`, or with `version: '1.15'` the power-of-two
 * `decideParallelismForVertex`).
 *
 * 1.17: `ceil(non-broadcast bytes / volume per task)`, raised to
 * `ceil(most subpartitions of one input / 32768)`, clamped to the bounds;
 * only broadcast inputs give the minimum. 1.15: non-broadcast bytes over
 * (volume per task minus broadcast bytes capped at half of it), rounded to the
 * nearest power of two, clamped to the bounds rounded inwards to powers of two.
 * @param inputs the consumed results (at least one)
 * @param config the decider settings
 * @returns the parallelism and what bound it
 * @throws InvariantError on no inputs or bad settings
 */
export function decideParallelism(inputs: readonly BlockingInput[], config: DeciderConfig): CountDecision {
  checkConfig(config);
  if (inputs.length === 0) throw new InvariantError('decideParallelism needs at least one input');
  inputs.forEach(checkInput);
  const nonBroadcast = inputs.filter((i) => !i.broadcast);

  if ((config.version ?? '1.17') === '1.15') {
    const { min, max } = powerOfTwoBounds(config.minParallelism, config.maxParallelism);
    if (nonBroadcast.length === 0) return { parallelism: min, boundBy: 'all-broadcast' };
    const cap = Math.ceil(config.avgDataVolumePerTask * CAP_RATIO_OF_BROADCAST_1_15);
    const broadcastBytes = Math.min(sumBy(inputs.filter((i) => i.broadcast), (i) => i.totalBytes), cap);
    const ratio = nonBroadcastBytes(inputs) / (config.avgDataVolumePerTask - broadcastBytes);
    // Java's (int) cast: 0/0 gives 0 and x/0 saturates, when the broadcast cap eats the whole volume.
    const initial = Number.isNaN(ratio) ? 0 : Math.min(Math.ceil(ratio), 2 ** 31 - 1);
    const normalized = nearestPowerOfTwo(initial);
    if (normalized < min) return { parallelism: min, boundBy: 'min' };
    if (normalized > max) return { parallelism: max, boundBy: 'max' };
    return { parallelism: normalized, boundBy: 'data' };
  }

  const { min, max } = effectiveBounds(config);
  // Broadcast results are usually small, so Flink sizes on the rest only.
  if (nonBroadcast.length === 0) return { parallelism: min, boundBy: 'all-broadcast' };
  const byData = Math.ceil(nonBroadcastBytes(inputs) / config.avgDataVolumePerTask);
  let mostSubpartitions = 0;
  for (const input of nonBroadcast) {
    mostSubpartitions = Math.max(mostSubpartitions, input.numPartitions * input.numSubpartitions);
  }
  const bySubpartitions = Math.ceil(mostSubpartitions / MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME);
  const p = Math.max(byData, bySubpartitions);
  if (p < min) return { parallelism: min, boundBy: 'min' };
  if (p > max) return { parallelism: max, boundBy: 'max' };
  return { parallelism: p, boundBy: bySubpartitions > byData ? 'subpartition-limit' : 'data' };
}

/**
 * How many subpartitions each producer partition has for one consumer, as
 * Flink sizes them when the producer is deployed in a dynamic graph
 * (`IntermediateResultPartition#computeNumberOfSubpartitions`).
 *
 * Broadcast writes one subpartition that every consumer reads. Otherwise the
 * consumer's parallelism if already decided, else its max parallelism, is the
 * count over an all-to-all edge and is divided (rounded up) among the
 * producers over a pointwise edge.
 * @param pattern the edge's distribution pattern
 * @param consumerParallelism the consumer's parallelism if decided before the producer runs
 * @param consumerMaxParallelism the consumer's max parallelism
 * @param producerParallelism the producer's parallelism (number of partitions)
 * @returns subpartitions per partition
 * @throws InvariantError on non-positive counts
 */
export function subpartitionCount(
  pattern: 'all-to-all' | 'pointwise' | 'broadcast',
  consumerParallelism: number | undefined,
  consumerMaxParallelism: number,
  producerParallelism: number,
): number {
  if (pattern === 'broadcast') return 1;
  const consumers = consumerParallelism ?? consumerMaxParallelism;
  checkPositiveInt(consumers, consumerParallelism === undefined ? 'consumerMaxParallelism' : 'consumerParallelism');
  if (pattern === 'all-to-all') return consumers;
  checkPositiveInt(producerParallelism, 'producerParallelism');
  return Math.ceil(consumers / producerParallelism);
}

/**
 * Shares of a vertex's output per subpartition, summing to 1.
 *
 * Keys are hashed round-robin: key k (1-based) lands in subpartition
 * `(k - 1) mod numSubpartitions`, so a heavy key makes its subpartition heavy
 * whatever the parallelism. Undefined skew spreads evenly; `zipf: s` weighs key
 * k by `1 / k^s` over `keys` keys (default 1000); `weights` gives one weight per key.
 * @param numSubpartitions subpartitions per partition
 * @param skew the key distribution, or undefined for even
 * @returns one share per subpartition
 * @throws InvariantError on bad counts or weights that are negative or sum to 0
 */
export function subpartitionWeights(numSubpartitions: number, skew: OutputSkew | undefined): Float64Array {
  checkPositiveInt(numSubpartitions, 'numSubpartitions');
  const shares = new Float64Array(numSubpartitions);
  if (skew === undefined) return shares.fill(1 / numSubpartitions);
  let total = 0;
  if ('zipf' in skew) {
    checkNonNegative(skew.zipf, 'zipf');
    const keys = skew.keys ?? 1000;
    checkPositiveInt(keys, 'keys');
    for (let k = 1; k <= keys; k++) {
      const w = 1 / k ** skew.zipf;
      shares[(k - 1) % numSubpartitions] += w;
      total += w;
    }
  } else {
    skew.weights.forEach((w, k) => {
      checkNonNegative(w, `weights[${k}]`);
      shares[k % numSubpartitions] += w;
      total += w;
    });
  }
  if (!(total > 0)) throw new InvariantError('subpartition weights must have a positive sum');
  for (let i = 0; i < numSubpartitions; i++) shares[i] /= total;
  return shares;
}

/**
 * Bytes a consumer subtask reads of one input for the given range.
 *
 * All-to-all: the bytes of the subpartitions in range, times the share of
 * partitions in range (partitions are assumed alike, as only per-subpartition
 * totals are known). Pointwise: the bytes of the partitions in range, times the
 * share of their subpartitions in range. Broadcast: a broadcast subpartition
 * carries its partition's whole data, so the whole bytes of the partitions in range.
 * @param input the consumed result
 * @param range what the subtask reads of it
 * @returns bytes read
 */
export function rangeBytes(input: BlockingInput, range: SubtaskInputRange): number {
  const partitions = range.partitionEnd - range.partitionStart + 1;
  const subpartitions = range.subpartitionEnd - range.subpartitionStart + 1;
  if (partitions <= 0 || subpartitions <= 0) return 0;
  if (input.broadcast || input.pointwise) {
    let bytes = 0;
    if (input.partitionBytes === undefined) bytes = (input.totalBytes * partitions) / input.numPartitions;
    else for (let p = range.partitionStart; p <= range.partitionEnd; p++) bytes += input.partitionBytes[p];
    return input.broadcast ? bytes : (bytes * subpartitions) / input.numSubpartitions;
  }
  let bytes = 0;
  if (input.subpartitionBytes === undefined) bytes = (input.totalBytes * subpartitions) / input.numSubpartitions;
  else for (let s = range.subpartitionStart; s <= range.subpartitionEnd; s++) bytes += input.subpartitionBytes[s];
  return (bytes * partitions) / input.numPartitions;
}

/**
 * The 1.15-1.16 bounds: the minimum rounded up and the maximum rounded down to powers of two.
 * @param minParallelism configured minimum
 * @param maxParallelism configured maximum
 * @returns the normalized bounds
 * @throws InvariantError when no power of two lies in the range (Flink rejects the configuration)
 */
export function powerOfTwoBounds(minParallelism: number, maxParallelism: number): { min: number; max: number } {
  const min = roundUpToPowerOfTwo(minParallelism);
  const max = roundDownToPowerOfTwo(maxParallelism);
  if (max < min) {
    throw new InvariantError(`no power of two in [${minParallelism}, ${maxParallelism}]; Flink 1.15 rejects this configuration`);
  }
  return { min, max };
}

// ---------------------------------------------------------------------------
// Data-balanced path (all inputs all-to-all).

interface Bounds {
  min: number;
  max: number;
}

/** 1.17's bounds for a parallelism that is not fixed: a smaller vertex max parallelism lowers both. */
function effectiveBounds(config: DeciderConfig): Bounds {
  let { minParallelism: min, maxParallelism: max } = config;
  const vertexMax = config.vertexMaxParallelism;
  if (vertexMax !== undefined && (config.version ?? '1.17') === '1.17') {
    min = Math.min(min, vertexMax);
    max = Math.min(max, vertexMax);
  }
  return { min, max };
}

/**
 * Packs subpartitions by bytes into a legal number of ranges, searching the
 * byte limit when the configured one gives too few or too many.
 * @returns undefined when no limit gives a legal count (the caller falls back)
 */
function balanceByData(
  inputs: readonly BlockingInput[],
  bounds: Bounds,
  volumePerTask: number,
): Omit<DeciderResult, 'bytesConsumed'> | undefined {
  const nonBroadcast = inputs.filter((i) => !i.broadcast);
  const n = nonBroadcast[0].numSubpartitions;
  let maxPartitions = 0;
  for (const input of nonBroadcast) {
    if (input.numSubpartitions !== n) {
      throw new InvariantError(
        `all-to-all inputs of one vertex must have equal subpartition counts, got ${n} and ${input.numSubpartitions}`,
      );
    }
    maxPartitions = Math.max(maxPartitions, input.numPartitions);
  }
  const bytes = new Float64Array(n);
  for (const input of nonBroadcast) {
    for (let s = 0; s < n; s++) {
      bytes[s] += input.subpartitionBytes === undefined ? input.totalBytes / n : input.subpartitionBytes[s];
    }
  }
  // Flink counts whole bytes (long); rounding keeps the limit search on integers.
  let least = Infinity;
  let sum = 0;
  for (let s = 0; s < n; s++) {
    bytes[s] = Math.round(bytes[s]);
    least = Math.min(least, bytes[s]);
    sum += bytes[s];
  }
  // Caps the partitions x subpartitions one task reads; 0 when partitions alone exceed the cap.
  const maxRangeSize = Math.trunc(MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME / maxPartitions);
  const countAt = (limit: number): number => packRanges(bytes, limit, maxRangeSize, undefined);

  let limit = volumePerTask;
  let boundBy: DeciderBound = 'balanced';
  const initial = countAt(limit);
  if (initial < bounds.min) {
    // Fewest legal ranges: the largest limit still giving at least `min`, then the
    // smallest limit giving that same count, because a smaller limit spreads bytes more evenly.
    limit = findMaxLegal((v) => countAt(v) >= bounds.min, least, limit);
    const target = countAt(limit);
    limit = findMinLegal((v) => countAt(v) === target, least, limit);
    boundBy = 'min';
  } else if (initial > bounds.max) {
    // Most legal ranges: the smallest limit giving at most `max`.
    limit = findMinLegal((v) => countAt(v) <= bounds.max, limit, sum);
    boundBy = 'max';
  }
  const count = countAt(limit);
  if (count < bounds.min || count > bounds.max) return undefined;

  const ranges: Array<[number, number]> = [];
  packRanges(bytes, limit, maxRangeSize, (start, end) => ranges.push([start, end]));
  // Every subtask reads all partitions; a broadcast input's single subpartition goes to all.
  const inputRanges = inputs.map((input) => {
    if (input.broadcast) checkBroadcastSubpartitions(input);
    return ranges.map(([start, end]) => ({
      partitionStart: 0,
      partitionEnd: input.numPartitions - 1,
      subpartitionStart: input.broadcast ? 0 : start,
      subpartitionEnd: input.broadcast ? 0 : end,
    }));
  });
  return { parallelism: count, rule: 'balanced', boundBy, inputRanges };
}

/**
 * Greedy packing of consecutive subpartitions: a range takes the next one while
 * its bytes stay within `limit` and its length within `maxRangeSize`; a range
 * always takes at least one.
 * @returns the number of ranges; each is also passed to `emit` if given
 */
function packRanges(
  bytes: Float64Array,
  limit: number,
  maxRangeSize: number,
  emit: ((start: number, end: number) => void) | undefined,
): number {
  let count = 1;
  let start = 0;
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (i === start || (acc + bytes[i] <= limit && i - start + 1 <= maxRangeSize)) {
      acc += bytes[i];
    } else {
      emit?.(start, i - 1);
      start = i;
      acc = bytes[i];
      count++;
    }
  }
  emit?.(start, bytes.length - 1);
  return count;
}

/** Smallest v in [low, high] with `legal(v)`, for `legal` monotone rising; -1 if `legal(high)` fails (as Flink). */
function findMinLegal(legal: (v: number) => boolean, low: number, high: number): number {
  if (!legal(high)) return -1;
  while (low <= high) {
    const mid = Math.trunc((low + high) / 2);
    if (legal(mid)) high = mid - 1;
    else low = mid + 1;
  }
  return high + 1;
}

/** Largest v in [low, high] with `legal(v)`, for `legal` monotone falling; -1 if `legal(low)` fails (as Flink). */
function findMaxLegal(legal: (v: number) => boolean, low: number, high: number): number {
  if (!legal(low)) return -1;
  while (low <= high) {
    const mid = Math.trunc((low + high) / 2);
    if (legal(mid)) low = mid + 1;
    else high = mid - 1;
  }
  return low - 1;
}

// ---------------------------------------------------------------------------
// Count-based ranges (Flink's VertexInputInfoComputationUtils).

/** Every input's ranges when subpartitions are split evenly by count among `parallelism` subtasks. */
function evenInputRanges(inputs: readonly BlockingInput[], parallelism: number): SubtaskInputRange[][] {
  return inputs.map((input) => (input.pointwise ? pointwiseRanges(input, parallelism) : allToAllRanges(input, parallelism)));
}

function allToAllRanges(input: BlockingInput, parallelism: number): SubtaskInputRange[] {
  if (input.broadcast) checkBroadcastSubpartitions(input);
  const ranges: SubtaskInputRange[] = new Array(parallelism);
  for (let i = 0; i < parallelism; i++) {
    const [start, end] = input.broadcast ? [0, 0] : evenSubpartitionRange(i, parallelism, input.numSubpartitions);
    ranges[i] = { partitionStart: 0, partitionEnd: input.numPartitions - 1, subpartitionStart: start, subpartitionEnd: end };
  }
  return ranges;
}

function pointwiseRanges(input: BlockingInput, parallelism: number): SubtaskInputRange[] {
  const producers = input.numPartitions;
  const ranges: SubtaskInputRange[] = new Array(parallelism);
  if (producers >= parallelism) {
    // Each subtask reads whole partitions, a contiguous block of them.
    for (let i = 0; i < parallelism; i++) {
      const start = Math.floor((i * producers) / parallelism);
      const end = Math.floor(((i + 1) * producers) / parallelism) - 1;
      ranges[i] = { partitionStart: start, partitionEnd: end, subpartitionStart: 0, subpartitionEnd: input.numSubpartitions - 1 };
    }
    return ranges;
  }
  // Each partition is shared by a contiguous block of subtasks that split its subpartitions.
  for (let p = 0; p < producers; p++) {
    const first = Math.floor((p * parallelism + producers - 1) / producers);
    const next = Math.floor(((p + 1) * parallelism + producers - 1) / producers);
    const consumers = next - first;
    for (let i = first; i < next; i++) {
      // Flink indexes the share by the global subtask index modulo the block size,
      // so a block that starts off a multiple of its size reads its shares rotated.
      const [start, end] = evenSubpartitionRange(i % consumers, consumers, input.numSubpartitions);
      ranges[i] = { partitionStart: p, partitionEnd: p, subpartitionStart: start, subpartitionEnd: end };
    }
  }
  return ranges;
}

/** Consumer `index` of `consumers` reads `[index*n/consumers, (index+1)*n/consumers - 1]`. */
function evenSubpartitionRange(index: number, consumers: number, numSubpartitions: number): [number, number] {
  if (consumers > numSubpartitions) {
    throw new InvariantError(
      `${consumers} consumer subtasks cannot split ${numSubpartitions} subpartitions; ` +
        'a producer must write at least as many subpartitions as the consumer parallelism (see subpartitionCount)',
    );
  }
  const start = Math.floor((index * numSubpartitions) / consumers);
  const next = Math.floor(((index + 1) * numSubpartitions) / consumers);
  return [start, next - 1];
}

// ---------------------------------------------------------------------------
// Helpers and checks.

function nonBroadcastBytes(inputs: readonly BlockingInput[]): number {
  return sumBy(inputs.filter((i) => !i.broadcast), (i) => i.totalBytes);
}

function sumBy<T>(items: readonly T[], f: (t: T) => number): number {
  let s = 0;
  for (const t of items) s += f(t);
  return s;
}

/** Smallest power of two >= x; 0 for x <= 0, as Flink's `MathUtils`. */
function roundUpToPowerOfTwo(x: number): number {
  if (x <= 0) return 0;
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** Largest power of two <= x; 0 for x < 1. */
function roundDownToPowerOfTwo(x: number): number {
  if (x < 1) return 0;
  let p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

/** The nearer power of two, ties going up (Flink's `normalizeParallelism`: below the midpoint goes down). */
function nearestPowerOfTwo(p: number): number {
  const down = roundDownToPowerOfTwo(p);
  const up = roundUpToPowerOfTwo(p);
  return p < Math.trunc((up + down) / 2) ? down : up;
}

function checkBroadcastSubpartitions(input: BlockingInput): void {
  if (input.numSubpartitions !== 1) {
    throw new InvariantError(`a broadcast result has one subpartition per partition, got ${input.numSubpartitions}`);
  }
}

function checkConfig(config: DeciderConfig): void {
  checkPositiveInt(config.minParallelism, 'minParallelism');
  checkPositiveInt(config.maxParallelism, 'maxParallelism');
  if (config.maxParallelism < config.minParallelism) {
    throw new InvariantError(`maxParallelism ${config.maxParallelism} < minParallelism ${config.minParallelism}`);
  }
  if (!(config.avgDataVolumePerTask > 0) || !Number.isFinite(config.avgDataVolumePerTask)) {
    throw new InvariantError(`avgDataVolumePerTask must be a positive number, got ${config.avgDataVolumePerTask}`);
  }
  if (config.defaultSourceParallelism !== undefined) checkPositiveInt(config.defaultSourceParallelism, 'defaultSourceParallelism');
  if (config.vertexMaxParallelism !== undefined) checkPositiveInt(config.vertexMaxParallelism, 'vertexMaxParallelism');
}

function checkInput(input: BlockingInput, index: number): void {
  checkPositiveInt(input.numPartitions, `inputs[${index}].numPartitions`);
  checkPositiveInt(input.numSubpartitions, `inputs[${index}].numSubpartitions`);
  checkNonNegative(input.totalBytes, `inputs[${index}].totalBytes`);
  if (input.broadcast && input.pointwise) throw new InvariantError(`inputs[${index}]: Flink broadcasts only over all-to-all edges`);
  checkShares(input.subpartitionBytes, input.numSubpartitions, input.totalBytes, `inputs[${index}].subpartitionBytes`);
  checkShares(input.partitionBytes, input.numPartitions, input.totalBytes, `inputs[${index}].partitionBytes`);
}

function checkShares(values: ArrayLike<number> | undefined, length: number, total: number, what: string): void {
  if (values === undefined) return;
  if (values.length !== length) throw new InvariantError(`${what} has ${values.length} entries, expected ${length}`);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    checkNonNegative(values[i], `${what}[${i}]`);
    sum += values[i];
  }
  // Tolerates float rounding when callers derive bytes from weights.
  if (Math.abs(sum - total) > Math.max(1, total * 1e-9)) {
    throw new InvariantError(`${what} sums to ${sum}, but totalBytes is ${total}`);
  }
}

function checkPositiveInt(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvariantError(`${what} must be an integer >= 1, got ${value}`);
}

function checkNonNegative(value: number, what: string): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new InvariantError(`${what} must be a finite number >= 0, got ${value}`);
}
