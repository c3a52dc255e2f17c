//! TaskManager resources derived from slots, following the product brief's sizing rules.

const GIB = 2 ** 30;

/** The brief's minimum per slot and for the JobManager. */
export const MIN_CPU = 0.5;
export const MIN_MEMORY = 2 * GIB;

/** Local disk of a TaskManager with `cores` CPU cores: 20 GiB per core, at least 20 GiB, at most 200 GiB. */
export function autoDiskBytes(cores: number): number {
  return Math.min(200 * GIB, Math.max(20 * GIB, 20 * GIB * cores));
}

/**
 * Default disk bandwidth of a TaskManager, bytes per second: a cloud disk whose throughput
 * grows with its size, `min(120 + 0.5 x size in GiB, 350)` MB/s (decimal MB).
 */
export function autoDiskBandwidth(diskBytes: number): number {
  return Math.min(120 + 0.5 * (diskBytes / GIB), 350) * 1e6;
}

/** Default network bandwidth of a TaskManager, bytes per second: 1 Gbit/s per core, at most 25 Gbit/s. */
export function autoNetworkBandwidth(cores: number): number {
  return (Math.min(cores, 25) * 1e9) / 8;
}

/**
 * Warnings, by name, for resources below the brief's minimums or a disk outside its rule.
 * They never fail the run: a user may model a cluster that does not follow the guide.
 */
export function resourceWarnings(c: {
  cpuPerSlot: number;
  memoryPerSlot: number;
  slotsPerTaskManager: number;
  diskBytes: number;
  jobManagerCpu: number;
  jobManagerMemory: number;
}): string[] {
  const w: string[] = [];
  if (c.jobManagerCpu < MIN_CPU) w.push(`cluster.jobmanager.cpu: ${c.jobManagerCpu} cores is below the minimum of 0.5`);
  if (c.jobManagerMemory < MIN_MEMORY) {
    w.push(`cluster.jobmanager.memory: ${(c.jobManagerMemory / GIB).toFixed(2)} GiB is below the minimum of 2 GiB`);
  }
  if (c.cpuPerSlot < MIN_CPU) w.push(`cluster.taskmanager.cpuPerSlot: ${c.cpuPerSlot} cores is below the minimum of 0.5 per slot`);
  if (c.memoryPerSlot < MIN_MEMORY) {
    w.push(`cluster.taskmanager.memoryPerSlot: ${(c.memoryPerSlot / GIB).toFixed(2)} GiB is below the minimum of 2 GiB per slot`);
  }
  const cores = c.cpuPerSlot * c.slotsPerTaskManager;
  const expected = autoDiskBytes(cores);
  if (c.diskBytes !== expected) {
    w.push(
      `cluster.taskmanager.disk: ${(c.diskBytes / GIB).toFixed(2)} GiB differs from the brief's rule for ${cores} cores ` +
        `(20 GiB per core, 20 to 200 GiB: ${(expected / GIB).toFixed(0)} GiB)`,
    );
  }
  return w;
}
