//! Capacity units (CU): how much of a queue's capacity a TaskManager or a JobManager takes.

import type { ClusterSpec } from './spec.js';

/** GiB of memory that count as one CU, as one core does. */
export const GIB_PER_CU = 4;

/**
 * The CU of a process with these resources: `max(cores, memory in GiB / 4)`, so a process
 * is charged for whichever of its CPU and memory is the larger share of a 1-core, 4-GiB unit.
 * @param cores CPU cores
 * @param memoryBytes memory in bytes
 */
export function capacityUnits(cores: number, memoryBytes: number): number {
  return Math.max(cores, memoryBytes / (GIB_PER_CU * 2 ** 30));
}

/** The CU of one of this cluster's TaskManagers (all its slots' cores and memory). */
export function taskManagerCu(cluster: ClusterSpec): number {
  const slots = cluster.slotsPerTaskManager;
  return capacityUnits(slots * cluster.cpuPerSlot, slots * cluster.memoryPerSlot);
}

/** The CU of this cluster's JobManager. */
export function jobManagerCu(cluster: ClusterSpec): number {
  return capacityUnits(cluster.jobManagerCpu, cluster.jobManagerMemory);
}
