//! The I/O time a subtask spends under the per-TaskManager resource model, as calibration sees it.
//!
//! The model charges a subtask for reading its input over the network and for writing its output
//! (selectivity x input) to the TaskManager's local disk, on top of its CPU time. Calibration wants
//! the CPU part alone in `rate`, so it subtracts this estimate from each measured duration first.
//! The estimate is the uncontended one: a subtask gets its TaskManager's bandwidth divided by the
//! TaskManager's slots, whether or not the other slots were busy (the fit cannot know). Reading and
//! writing are added, not overlapped, as the model charges them.

const GIB = 2 ** 30;
/** Bandwidths are in decimal units, as disks and links are sold. */
const MB = 1e6;
const GBIT = 1e9 / 8;

/** What the estimate needs to know of a TaskManager. */
export interface IoCluster {
  slotsPerTaskManager: number;
  cpuPerSlot: number;
  /** Local disk size, bytes (sets the automatic disk bandwidth). */
  diskBytes: number;
  /** Disk bandwidth of one TaskManager, bytes/s; automatic when absent. */
  diskBandwidth?: number;
  /** Network bandwidth of one TaskManager, bytes/s; automatic when absent. */
  networkBandwidth?: number;
}

/** `diskBandwidth: auto`: 120 MB/s plus 0.5 MB/s per GiB of disk, at most 350 MB/s. */
export function autoDiskBandwidth(diskBytes: number): number {
  return Math.min(120 + 0.5 * (diskBytes / GIB), 350) * MB;
}

/** `networkBandwidth: auto`: 1 Gbit/s per core, at most 25 Gbit/s. */
export function autoNetworkBandwidth(cores: number): number {
  return Math.min(cores, 25) * GBIT;
}

/** Disk and network bandwidth one slot gets when every slot of its TaskManager has the same share. */
export function slotBandwidths(cluster: IoCluster): { disk: number; network: number } {
  const cores = cluster.slotsPerTaskManager * cluster.cpuPerSlot;
  const disk = cluster.diskBandwidth ?? autoDiskBandwidth(cluster.diskBytes);
  const network = cluster.networkBandwidth ?? autoNetworkBandwidth(cores);
  return { disk: disk / cluster.slotsPerTaskManager, network: network / cluster.slotsPerTaskManager };
}

/** Seconds a subtask spends reading `inputBytes` and writing `outputBytes` at its slot's share. */
export function ioSeconds(inputBytes: number, outputBytes: number, cluster: IoCluster): number {
  const { disk, network } = slotBandwidths(cluster);
  return inputBytes / network + outputBytes / disk;
}
