//! Max-min fair shares of one TaskManager's cores, disk and network among its running attempts.

/** What holds a flow at its speed. */
export const enum Bound {
  /** Its own thread (one core) or the TaskManager's cores. */
  Cpu = 0,
  Disk = 1,
  Network = 2,
  /** Nothing: it needs none of the limited resources (it takes no time). */
  None = 3,
}

/** Relative slack when deciding that a resource is saturated, against rounding in the sums. */
const SATURATED = 1 + 1e-12;

/**
 * Progressive filling (as SimGrid's flow model does): every flow's speed rises together
 * until a resource is used up or a flow reaches its own cap; the flows that use that
 * resource (or reached their cap) keep their speed, the others go on rising. The result is
 * max-min fair: no flow can go faster without slowing one that is no faster than it.
 *
 * Flow `i` moves input bytes at `speed[i]` bytes per millisecond. Per byte it needs
 * `1 / cap[i]` of a core-millisecond (so it never uses more than one core: a subtask is
 * one thread), `disk[i]` bytes of disk traffic and `net[i]` bytes of network traffic.
 * Capacities are cores and bytes per millisecond; Infinity means unlimited.
 *
 * @param active scratch: one flag per flow
 * @returns nothing; writes `speed` and `bound` for flows `0..n-1`
 */
export function fillShares(
  n: number,
  cap: ArrayLike<number>,
  disk: ArrayLike<number>,
  net: ArrayLike<number>,
  cores: number,
  diskBandwidth: number,
  networkBandwidth: number,
  speed: Float64Array,
  bound: Uint8Array,
  active: Uint8Array,
): void {
  let left = n;
  let usedCpu = 0;
  let usedDisk = 0;
  let usedNet = 0;
  for (let i = 0; i < n; i++) active[i] = 1;
  while (left > 0) {
    // Demand per unit of the common speed, summed over the flows still rising.
    let cpuDemand = 0;
    let diskDemand = 0;
    let netDemand = 0;
    let lowestCap = Infinity;
    for (let i = 0; i < n; i++) {
      if (active[i] === 0) continue;
      const c = cap[i];
      if (c < lowestCap) lowestCap = c;
      if (c !== Infinity) cpuDemand += 1 / c;
      diskDemand += disk[i];
      netDemand += net[i];
    }
    const cpuLevel = cpuDemand > 0 ? Math.max(0, cores - usedCpu) / cpuDemand : Infinity;
    const diskLevel = diskDemand > 0 ? Math.max(0, diskBandwidth - usedDisk) / diskDemand : Infinity;
    const netLevel = netDemand > 0 ? Math.max(0, networkBandwidth - usedNet) / netDemand : Infinity;
    const level = Math.min(lowestCap, cpuLevel, diskLevel, netLevel);
    const cpuFull = cpuLevel <= level * SATURATED;
    const diskFull = diskLevel <= level * SATURATED;
    const netFull = netLevel <= level * SATURATED;
    for (let i = 0; i < n; i++) {
      if (active[i] === 0) continue;
      const c = cap[i];
      let b = Bound.None;
      if (level === Infinity) b = Bound.None;
      else if (c <= level * SATURATED || (cpuFull && c !== Infinity)) b = Bound.Cpu;
      else if (diskFull && disk[i] > 0) b = Bound.Disk;
      else if (netFull && net[i] > 0) b = Bound.Network;
      else continue;
      const s = c <= level ? c : level;
      speed[i] = s;
      bound[i] = b;
      active[i] = 0;
      left--;
      if (s !== Infinity) {
        if (c !== Infinity) usedCpu += s / c;
        usedDisk += s * disk[i];
        usedNet += s * net[i];
      }
    }
  }
}

/** What {@link drainFlows} reports for each flow. */
export interface Drained {
  /** When it moved its last byte, ms after the common start. */
  end: Float64Array;
  /** Whether a share ever held it below its cap (else its end is `delay + bytes / cap`). */
  slowed: Uint8Array;
  /** Milliseconds held back by CPU, disk, network. */
  cpuMs: Float64Array;
  diskMs: Float64Array;
  netMs: Float64Array;
}

/**
 * Flows that all start together and join the shares after their own delay, run to their
 * ends with nothing else arriving: the fluid model played out for one TaskManager (a
 * STREAMING deployment puts every subtask on its slots at once). Shares are recomputed at
 * every join and every end. Arguments as {@link fillShares}, with `delay` in ms and
 * `bytes` to move.
 */
export function drainFlows(
  n: number,
  delay: ArrayLike<number>,
  bytes: ArrayLike<number>,
  cap: ArrayLike<number>,
  disk: ArrayLike<number>,
  net: ArrayLike<number>,
  cores: number,
  diskBandwidth: number,
  networkBandwidth: number,
): Drained {
  const out: Drained = {
    end: new Float64Array(n),
    slowed: new Uint8Array(n),
    cpuMs: new Float64Array(n),
    diskMs: new Float64Array(n),
    netMs: new Float64Array(n),
  };
  const remain = Float64Array.from({ length: n }, (_, i) => bytes[i]);
  /** 0 waiting, 1 moving, 2 done. */
  const state = new Uint8Array(n);
  const idx = new Int32Array(n);
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  const m = new Float64Array(n);
  const speed = new Float64Array(n);
  const bound = new Uint8Array(n);
  const active = new Uint8Array(n);
  let t = 0;
  let done = 0;
  while (done < n) {
    // Join every flow whose delay is over; the next join is the next moment shares change.
    let nextJoin = Infinity;
    for (let i = 0; i < n; i++) {
      if (state[i] !== 0) continue;
      if (delay[i] <= t) state[i] = 1;
      else if (delay[i] < nextJoin) nextJoin = delay[i];
    }
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (state[i] !== 1) continue;
      idx[k] = i;
      c[k] = cap[i];
      d[k] = disk[i];
      m[k] = net[i];
      k++;
    }
    fillShares(k, c, d, m, cores, diskBandwidth, networkBandwidth, speed, bound, active);
    let step = nextJoin - t;
    for (let q = 0; q < k; q++) {
      const s = speed[q];
      const left = s === Infinity || remain[idx[q]] <= 0 ? 0 : remain[idx[q]] / s;
      if (left < step) step = left;
    }
    if (step === Infinity) break; // nothing can move (cannot happen with positive capacities)
    for (let q = 0; q < k; q++) {
      const i = idx[q];
      const s = speed[q];
      if (s < cap[i] * (1 - 1e-12)) out.slowed[i] = 1;
      if (bound[q] === Bound.Cpu) out.cpuMs[i] += step;
      else if (bound[q] === Bound.Disk) out.diskMs[i] += step;
      else if (bound[q] === Bound.Network) out.netMs[i] += step;
      remain[i] = s === Infinity ? 0 : remain[i] - s * step;
      // Relative slack: the flow that set the step ends now, whatever the rounding.
      if (remain[i] <= bytes[i] * 1e-12) {
        state[i] = 2;
        out.end[i] = t + step;
        done++;
      }
    }
    t += step;
  }
  return out;
}
