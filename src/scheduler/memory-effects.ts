//! What a slot's memory does to a running attempt: managed-memory spilling, GC overhead and OutOfMemoryError.

/**
 * Bytes a sort or hash operator (`managedMemory: true`) spills: its input beyond the slot's
 * managed memory. Each spilled byte is written once to the TaskManager's local disk and read
 * back once, so it costs twice its size in disk traffic and holds disk space until the
 * attempt ends.
 * @param inputBytes the attempt's input, bytes
 * @param managedPerSlot the slot's managed memory, bytes
 * @returns bytes spilled, 0 when the input fits
 */
export function spilledBytes(inputBytes: number, managedPerSlot: number): number {
  return inputBytes > managedPerSlot ? inputBytes - managedPerSlot : 0;
}

/**
 * Heap occupancy `u` of one subtask: its working set over the slot's task heap. A working set
 * of 0 gives 0 whatever the heap; a working set with no task heap at all gives Infinity.
 * @param heapBytes the vertex's `heap` working set, bytes
 * @param taskHeapPerSlot the slot's task heap, bytes
 */
export function heapOccupancy(heapBytes: number, taskHeapPerSlot: number): number {
  if (heapBytes <= 0) return 0;
  return taskHeapPerSlot > 0 ? heapBytes / taskHeapPerSlot : Infinity;
}

/**
 * The constant of {@link gcSlowdown}: GC seconds per second of the operator's own CPU work
 * when live data and free heap are equal (u = 1/2).
 *
 * Fitted to Hertz and Berger's measurements ("Quantifying the Performance of Garbage
 * Collection vs. Explicit Memory Management", OOPSLA 2005): a generational collector
 * matched explicit memory management with a heap 5 times the live data (u = 0.2), ran 17%
 * slower with 3 times (u = 1/3) and nearly 70% slower with 2 times (u = 1/2). The least-squares
 * K of `K u / (1 - u)` over those three points is 0.785 / 1.3125 = 0.598; rounded to 0.6, the
 * model gives 15%, 30% and 60% there, and 5.4 GC seconds per second of work at u = 0.9.
 */
export const GC_COST = 0.6;

/**
 * Garbage-collection overhead at heap occupancy `u`: extra CPU seconds the JVM spends
 * collecting per second of the operator's own CPU work, so CPU work takes `1 + gcSlowdown(u)`
 * times as long and the GC share of CPU time is `s / (1 + s)`.
 *
 * The shape is the classic cost of a tracing collector (Appel 1987; Jones and Lins, "Garbage
 * Collection", 1996): a collection is needed each time the free heap `H - L` has been
 * allocated, and each one traces the live data `L`, so GC work per allocated byte grows as
 * `L / (H - L) = u / (1 - u)`: 0 for an empty heap, without bound as the live data fills it.
 * The constant is {@link GC_COST}.
 * @param u heap occupancy, >= 0
 * @returns the overhead, finite for u < 1; Infinity from u = 1 on (see {@link isOutOfMemory})
 */
export function gcSlowdown(u: number): number {
  if (!(u < 1)) return Infinity;
  return u <= 0 ? 0 : (GC_COST * u) / (1 - u);
}

/**
 * The occupancy at which {@link gcSlowdown} reaches `slowdown`: its inverse, for saying how
 * much task heap would bring the GC overhead down to a target.
 * @param slowdown GC seconds per second of own CPU work, >= 0
 * @returns u in [0, 1)
 */
export function occupancyForSlowdown(slowdown: number): number {
  return slowdown <= 0 ? 0 : slowdown / (slowdown + GC_COST);
}

/** The cause of an attempt whose working set does not fit its slot's task heap. */
export const OUT_OF_MEMORY_CAUSE = 'java.lang.OutOfMemoryError: Java heap space';

/**
 * Whether an attempt at occupancy `u` dies of OutOfMemoryError: when its working set is more
 * than the slot's task heap, and also when it is exactly the task heap, since then no room
 * is left for the records in flight and the GC overhead is unbounded (the attempt could
 * never finish otherwise).
 * @param u heap occupancy, >= 0
 */
export function isOutOfMemory(u: number): boolean {
  return u >= 1;
}

/** What a slot's memory does to one attempt. */
export interface AttemptMemoryEffects {
  /** Bytes written to local disk and read back (0 unless the vertex uses managed memory). */
  spilledBytes: number;
  /** The working set over the slot's task heap. */
  heapOccupancy: number;
  /** GC seconds per second of the operator's own CPU work; Infinity when out of memory. */
  gcSlowdown: number;
  /** The attempt fails with {@link OUT_OF_MEMORY_CAUSE}. */
  outOfMemory: boolean;
}

/**
 * Everything memory does to one attempt of a vertex in a slot, in one call.
 * @param vertex its `managedMemory` flag and `heapBytes` working set
 * @param inputBytes the attempt's input, bytes
 * @param slot the slot's `managedPerSlot` and `taskHeapPerSlot`, bytes (from `spec.cluster.memory`)
 */
export function attemptMemoryEffects(
  vertex: { managedMemory: boolean; heapBytes: number },
  inputBytes: number,
  slot: { managedPerSlot: number; taskHeapPerSlot: number },
): AttemptMemoryEffects {
  const u = heapOccupancy(vertex.heapBytes, slot.taskHeapPerSlot);
  return {
    spilledBytes: vertex.managedMemory ? spilledBytes(inputBytes, slot.managedPerSlot) : 0,
    heapOccupancy: u,
    gcSlowdown: gcSlowdown(u),
    outOfMemory: isOutOfMemory(u),
  };
}
