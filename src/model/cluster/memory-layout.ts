//! A TaskManager's memory split as Flink splits it (`taskmanager.memory.*`), to the byte.

import type { TaskManagerMemorySpec } from '../spec.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** Flink's `taskmanager.memory.*` keys that the layout reads. */
export const MEMORY_KEY = {
  processSize: 'taskmanager.memory.process.size',
  flinkSize: 'taskmanager.memory.flink.size',
  frameworkHeap: 'taskmanager.memory.framework.heap.size',
  frameworkOffHeap: 'taskmanager.memory.framework.off-heap.size',
  taskHeap: 'taskmanager.memory.task.heap.size',
  taskOffHeap: 'taskmanager.memory.task.off-heap.size',
  managedSize: 'taskmanager.memory.managed.size',
  managedFraction: 'taskmanager.memory.managed.fraction',
  networkMin: 'taskmanager.memory.network.min',
  networkMax: 'taskmanager.memory.network.max',
  networkFraction: 'taskmanager.memory.network.fraction',
  jvmMetaspace: 'taskmanager.memory.jvm-metaspace.size',
  jvmOverheadMin: 'taskmanager.memory.jvm-overhead.min',
  jvmOverheadMax: 'taskmanager.memory.jvm-overhead.max',
  jvmOverheadFraction: 'taskmanager.memory.jvm-overhead.fraction',
} as const;

/** The name of one memory option, e.g. `taskHeap`. */
export type MemoryOption = keyof typeof MEMORY_KEY;

/** Sizes in whole bytes, fractions as given; an absent option takes Flink's default. */
export type MemoryOptions = Partial<Record<MemoryOption, number>>;

/** Flink's defaults (TaskManagerOptions), as the brief's contract lists them. */
export const MEMORY_DEFAULTS = {
  frameworkHeap: 128 * MIB,
  frameworkOffHeap: 128 * MIB,
  taskOffHeap: 0,
  managedFraction: 0.4,
  networkMin: 64 * MIB,
  networkMax: GIB,
  networkFraction: 0.1,
  jvmMetaspace: 256 * MIB,
  jvmOverheadMin: 192 * MIB,
  jvmOverheadMax: GIB,
  jvmOverheadFraction: 0.1,
} as const;

/** A layout Flink would refuse to start: the option to blame and Flink's reason. */
export interface MemoryLayoutError {
  option: MemoryOption;
  reason: string;
}

/** The layout, or why Flink would reject it. */
export type MemoryLayoutResult = { memory: TaskManagerMemorySpec } | { error: MemoryLayoutError };

/** A fraction of a base size, kept within [min, max] (Flink's RangeFraction). */
interface RangeFraction {
  min: number;
  max: number;
  fraction: number;
}

/** Thrown inside this module only, and turned into a {@link MemoryLayoutError}. */
class Rejected extends Error {
  constructor(readonly option: MemoryOption, reason: string) {
    super(reason);
  }
}

/**
 * Splits a TaskManager's memory as Flink does (ProcessMemoryUtils with
 * TaskExecutorFlinkMemoryUtils). The process size is always known here (the container's
 * memory), so Flink's three derivations become:
 * - task heap and managed size both set: Total Flink memory is built from the components
 *   (network from its fraction of the rest), and the JVM overhead is what the process has
 *   left, which must lie in its range;
 * - `flink.size` set: the components come from it, the overhead is what is left;
 * - otherwise: overhead = a fraction of the process within [min, max], Flink memory = process
 *   - metaspace - overhead; managed and network are fractions of it (network within its
 *   range), unless sizes are given; task heap takes the rest (or, when given, network does).
 *
 * Fractions are read as Flink reads them: as a Java float, widened to a double and
 * multiplied as the decimal that prints for it (`0.4` is 0.4000000059604645), the product
 * truncated to whole bytes. That is why a 1728 MiB process has 536870920 bytes of managed
 * memory, not 512 MiB. Per-slot shares are divided by the slot count and rounded down.
 * @param processSize the TaskManager's process memory, bytes
 * @param slots slots per TaskManager (>= 1)
 * @param options the `taskmanager.memory.*` options that were set
 */
export function memoryLayout(processSize: number, slots: number, options: MemoryOptions = {}): MemoryLayoutResult {
  try {
    return { memory: derive(Math.floor(processSize), slots, options) };
  } catch (err) {
    if (err instanceof Rejected) return { error: { option: err.option, reason: err.message } };
    throw err;
  }
}

function derive(process: number, slots: number, o: MemoryOptions): TaskManagerMemorySpec {
  const size = (k: keyof typeof MEMORY_DEFAULTS & MemoryOption): number => o[k] ?? MEMORY_DEFAULTS[k];
  const metaspace = size('jvmMetaspace');
  const overheadRange = rangeFraction(o, 'jvmOverheadMin', 'jvmOverheadMax', 'jvmOverheadFraction');
  const networkRange = rangeFraction(o, 'networkMin', 'networkMax', 'networkFraction');
  const fixed = { frameworkHeap: size('frameworkHeap'), frameworkOffHeap: size('frameworkOffHeap'), taskOffHeap: size('taskOffHeap') };

  let flink: FlinkMemory;
  let overhead: number;
  if (o.taskHeap !== undefined && o.managedSize !== undefined) {
    const withoutNetwork = fixed.frameworkHeap + fixed.frameworkOffHeap + o.taskHeap + fixed.taskOffHeap + o.managedSize;
    let network: number;
    if (o.flinkSize !== undefined) {
      if (withoutNetwork > o.flinkSize) throw sumExceedsWithTaskHeap(fixed, o.taskHeap, o.managedSize, o.flinkSize);
      network = o.flinkSize - withoutNetwork;
      checkNetworkRange(network, networkRange);
    } else {
      // Network is its fraction of Total Flink memory, which is the rest plus network.
      network = capToRange(multiplyLikeFlink(withoutNetwork, networkRange.fraction / (1 - networkRange.fraction)), networkRange);
    }
    flink = { ...fixed, taskHeap: o.taskHeap, managed: o.managedSize, network, total: withoutNetwork + network };
    overhead = overheadLeft(o, process, flink.total, metaspace, overheadRange);
  } else if (o.flinkSize !== undefined) {
    flink = fromTotalFlinkMemory(o.flinkSize, fixed, o, networkRange);
    overhead = overheadLeft(o, process, flink.total, metaspace, overheadRange);
  } else {
    overhead = capToRange(multiplyLikeFlink(process, overheadRange.fraction), overheadRange);
    if (metaspace + overhead > process) {
      throw new Rejected(
        o.jvmMetaspace !== undefined ? 'jvmMetaspace' : o.jvmOverheadMin !== undefined ? 'jvmOverheadMin' : 'processSize',
        `Sum of configured JVM Metaspace (${human(metaspace)}) and JVM Overhead (${human(overhead)}) exceed configured Total Process Memory (${human(process)}).`,
      );
    }
    flink = fromTotalFlinkMemory(process - metaspace - overhead, fixed, o, networkRange);
  }
  return {
    process,
    flink: flink.total,
    frameworkHeap: flink.frameworkHeap,
    taskHeap: flink.taskHeap,
    frameworkOffHeap: flink.frameworkOffHeap,
    taskOffHeap: flink.taskOffHeap,
    network: flink.network,
    managed: flink.managed,
    jvmMetaspace: metaspace,
    jvmOverhead: overhead,
    managedPerSlot: Math.floor(flink.managed / slots),
    taskHeapPerSlot: Math.floor(flink.taskHeap / slots),
  };
}

interface FixedComponents {
  frameworkHeap: number;
  frameworkOffHeap: number;
  taskOffHeap: number;
}

interface FlinkMemory extends FixedComponents {
  taskHeap: number;
  managed: number;
  network: number;
  total: number;
}

/** TaskExecutorFlinkMemoryUtils.deriveFromTotalFlinkMemory. */
function fromTotalFlinkMemory(
  total: number,
  fixed: FixedComponents,
  o: MemoryOptions,
  networkRange: RangeFraction,
): FlinkMemory {
  // As in Flink, the managed fraction is read (and checked) only when no managed size is set.
  const managed = o.managedSize ?? multiplyLikeFlink(total, rangeFraction(o, undefined, undefined, 'managedFraction').fraction);
  if (o.taskHeap !== undefined) {
    // A given task heap leaves the rest to network, which must then fit its range.
    const withoutNetwork = fixed.frameworkHeap + fixed.frameworkOffHeap + o.taskHeap + fixed.taskOffHeap + managed;
    if (withoutNetwork > total) throw sumExceedsWithTaskHeap(fixed, o.taskHeap, managed, total);
    const network = total - withoutNetwork;
    checkNetworkRange(network, networkRange);
    return { ...fixed, taskHeap: o.taskHeap, managed, network, total };
  }
  const network = capToRange(multiplyLikeFlink(total, networkRange.fraction), networkRange);
  const withoutTaskHeap = fixed.frameworkHeap + fixed.frameworkOffHeap + fixed.taskOffHeap + managed + network;
  if (withoutTaskHeap > total) {
    throw new Rejected(
      firstSet(o, ['managedSize', 'frameworkHeap', 'frameworkOffHeap', 'taskOffHeap', 'networkMin', 'managedFraction', 'networkFraction', 'flinkSize']),
      `Sum of configured Framework Heap Memory (${human(fixed.frameworkHeap)}), Framework Off-Heap Memory (${human(fixed.frameworkOffHeap)}), ` +
        `Task Off-Heap Memory (${human(fixed.taskOffHeap)}), Managed Memory (${human(managed)}) and Network Memory (${human(network)}) ` +
        `exceed configured Total Flink Memory (${human(total)}).`,
    );
  }
  return { ...fixed, taskHeap: total - withoutTaskHeap, managed, network, total };
}

function sumExceedsWithTaskHeap(fixed: FixedComponents, taskHeap: number, managed: number, total: number): Rejected {
  return new Rejected(
    'taskHeap',
    `Sum of configured Framework Heap Memory (${human(fixed.frameworkHeap)}), Framework Off-Heap Memory (${human(fixed.frameworkOffHeap)}), ` +
      `Task Heap Memory (${human(taskHeap)}), Task Off-Heap Memory (${human(fixed.taskOffHeap)}) and Managed Memory (${human(managed)}) ` +
      `exceed configured Total Flink Memory (${human(total)}).`,
  );
}

/** Network memory that is the rest of Total Flink memory (a task heap was given) must still fit its range. */
function checkNetworkRange(network: number, range: RangeFraction): void {
  if (network >= range.min && network <= range.max) return;
  throw new Rejected(
    'taskHeap',
    'If Total Flink, Task Heap and (or) Managed Memory sizes are explicitly configured then the Network Memory size is the rest ' +
      'of the Total Flink memory after subtracting all other configured types of memory, but the derived Network Memory is inconsistent ' +
      `with its configuration: Derived Network Memory size (${human(network)}) is not in configured Network Memory range [${human(range.min)}, ${human(range.max)}].`,
  );
}

/** The JVM overhead when Total Flink memory is known and so is the process: what is left, checked against its range. */
function overheadLeft(o: MemoryOptions, process: number, flink: number, metaspace: number, range: RangeFraction): number {
  const overhead = process - flink - metaspace;
  if (overhead < range.min || overhead > range.max) {
    throw new Rejected(
      firstSet(o, ['flinkSize', 'taskHeap', 'managedSize', 'jvmMetaspace', 'jvmOverheadMin', 'jvmOverheadMax']),
      `Derived JVM Overhead size (${human(overhead)}) is not in configured JVM Overhead range [${human(range.min)}, ${human(range.max)}] ` +
        `(Total Process Memory ${human(process)} - Total Flink Memory ${human(flink)} - JVM Metaspace ${human(metaspace)}).`,
    );
  }
  return overhead;
}

/** Flink's RangeFraction: min <= max and a fraction in [0, 1), the fraction read as a Java float. */
function rangeFraction(
  o: MemoryOptions,
  minKey: 'networkMin' | 'jvmOverheadMin' | undefined,
  maxKey: 'networkMax' | 'jvmOverheadMax' | undefined,
  fractionKey: 'networkFraction' | 'jvmOverheadFraction' | 'managedFraction',
): RangeFraction {
  const min = minKey === undefined ? 0 : (o[minKey] ?? MEMORY_DEFAULTS[minKey]);
  const max = maxKey === undefined ? Number.MAX_SAFE_INTEGER : (o[maxKey] ?? MEMORY_DEFAULTS[maxKey]);
  const fraction = Math.fround(o[fractionKey] ?? MEMORY_DEFAULTS[fractionKey]);
  if (minKey !== undefined && maxKey !== undefined && min > max) {
    throw new Rejected(o[minKey] !== undefined ? minKey : maxKey, `Inconsistently configured ${MEMORY_KEY[minKey]} (${human(min)}) and ${MEMORY_KEY[maxKey]} (${human(max)}): min value must be less or equal to max value.`);
  }
  if (!(fraction >= 0 && fraction < 1)) {
    throw new Rejected(fractionKey, `Inconsistently configured ${MEMORY_KEY[fractionKey]} (${o[fractionKey]}): fraction must be in range [0, 1).`);
  }
  return { min, max, fraction };
}

function capToRange(bytes: number, range: RangeFraction): number {
  return Math.min(range.max, Math.max(range.min, bytes));
}

function firstSet(o: MemoryOptions, candidates: MemoryOption[]): MemoryOption {
  return candidates.find((k) => o[k] !== undefined) ?? 'processSize';
}

/**
 * `bytes x fraction` truncated to whole bytes, as Flink's MemorySize.multiply computes it:
 * with BigDecimal.valueOf(double), i.e. the shortest decimal that reads back as the double
 * (JavaScript's String() prints the same digits), multiplied exactly.
 * @param bytes a whole number of bytes
 * @param fraction a finite number >= 0
 */
export function multiplyLikeFlink(bytes: number, fraction: number): number {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(fraction));
  if (m === null || !Number.isSafeInteger(bytes)) return Math.floor(bytes * fraction);
  const decimals = (m[2] ?? '').length - Number(m[3] ?? 0);
  const digits = BigInt(m[1] + (m[2] ?? ''));
  const product = BigInt(bytes) * digits;
  return Number(decimals >= 0 ? product / 10n ** BigInt(decimals) : product * 10n ** BigInt(-decimals));
}

/** Flink's MemorySize.toHumanReadableString: `192.000mb (201326592 bytes)`. */
export function human(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 40, 'tb'],
    [GIB, 'gb'],
    [MIB, 'mb'],
    [1024, 'kb'],
  ];
  const unit = units.find(([m]) => Math.abs(bytes) >= m);
  return unit === undefined ? `${bytes} bytes` : `${(bytes / unit[0]).toFixed(3)}${unit[1]} (${bytes} bytes)`;
}

/** What a slot must have: at least this much task heap and (or) managed memory, bytes. */
export interface SlotMemoryNeed {
  taskHeapPerSlot?: number;
  managedPerSlot?: number;
}

/**
 * The smallest memory per slot, in whole steps, whose layout gives a slot what it needs:
 * what to tell a user whose job spills or collects garbage too much. Sizes are tried
 * upwards from one step, so explicit options that cap a component (a set task heap size)
 * are respected: when no size up to `limit` is enough, the answer is undefined.
 * @param need the per-slot task heap and managed memory wanted, bytes
 * @param slots slots per TaskManager
 * @param options the `taskmanager.memory.*` options that were set (a process size among them is ignored)
 * @param step granularity of the answer, bytes (default 1 GiB)
 * @param limit largest memory per slot to try, bytes (default 1 TiB)
 */
export function smallestMemoryPerSlot(
  need: SlotMemoryNeed,
  slots: number,
  options: MemoryOptions = {},
  step = GIB,
  limit = 1024 * GIB,
): number | undefined {
  const { processSize: _ignored, ...rest } = options;
  for (let perSlot = step; perSlot <= limit; perSlot += step) {
    const r = memoryLayout(perSlot * slots, slots, rest);
    if (!('memory' in r)) continue;
    if ((need.taskHeapPerSlot ?? 0) <= r.memory.taskHeapPerSlot && (need.managedPerSlot ?? 0) <= r.memory.managedPerSlot) return perSlot;
  }
  return undefined;
}
