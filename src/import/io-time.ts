//! The I/O time a subtask needs under the per-TaskManager resource model, as calibration sees it.
//!
//! The model moves a subtask's input at the speed of its scarcest resource: one core at `rate`,
//! its share of the TaskManager's network (reading the input) and of its disk (writing the output,
//! selectivity x input, for consumers). CPU and I/O overlap, so a subtask takes `fixed + input /
//! rate` while the CPU is the bottleneck, and the I/O time below when it is not. Calibration fits
//! `fixed + input / rate` to the measured times, so `rate` is the CPU part, and uses this estimate
//! to tell when the model's I/O, not the CPU, would set a vertex's time.
//! The estimate is the uncontended one: a subtask gets its TaskManager's bandwidth divided by the
//! TaskManager's slots (the fit cannot know whether the other slots were busy), and reads all its
//! input over the network (an imported TaskManager has one slot, so little input is on its disk).

import { autoDiskBandwidth, autoNetworkBandwidth } from '../model/cluster/resources.js';

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

/** Disk and network bandwidth one slot gets when every slot of its TaskManager has the same share. */
export function slotBandwidths(cluster: IoCluster): { disk: number; network: number } {
  const cores = cluster.slotsPerTaskManager * cluster.cpuPerSlot;
  const disk = cluster.diskBandwidth ?? autoDiskBandwidth(cluster.diskBytes);
  const network = cluster.networkBandwidth ?? autoNetworkBandwidth(cores);
  return { disk: disk / cluster.slotsPerTaskManager, network: network / cluster.slotsPerTaskManager };
}

/** Seconds the model's I/O alone needs to read `inputBytes` and write `outputBytes`: the slower of the two. */
export function ioSeconds(inputBytes: number, outputBytes: number, cluster: IoCluster): number {
  const { disk, network } = slotBandwidths(cluster);
  return Math.max(inputBytes / network, outputBytes / disk);
}
