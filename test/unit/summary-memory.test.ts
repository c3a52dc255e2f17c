import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/report/summary.js';
import { run } from '../support/run.js';

/** One 4 GiB slot per TaskManager: Flink's default layout of a 4 GiB process. */
const job = `
cluster: { taskmanager: { slots: 1, memoryPerSlot: 4GiB } }
job:
  vertices:
    - { id: scan, parallelism: 1, source: { bytes: 1GiB }, rate: 100MiB/s }
`;

describe('memory in the run summary and the JSON result', () => {
  it('run --json carries each TaskManager layout and its per-slot shares, in bytes', () => {
    const { result } = run(job);
    expect(result.taskManagers.memory).toEqual({
      process: 4294967296,
      flink: 3597035104,
      frameworkHeap: 134217728,
      taskHeap: 1530082070,
      frameworkOffHeap: 134217728,
      taskOffHeap: 0,
      network: 359703515,
      managed: 1438814063,
      jvmMetaspace: 268435456,
      jvmOverhead: 429496736,
      managedPerSlot: 1438814063,
      taskHeapPerSlot: 1530082070,
    });
  });

  it('the summary prints the layout and one slot share after the TaskManagers line', () => {
    const lines = formatSummary(run(job).result).split('\n');
    const at = lines.findIndex((l) => l.startsWith('TaskManagers'));
    expect(lines.slice(at + 1, at + 3)).toEqual([
      'memory        per TaskManager: task heap 1.42 GiB, managed 1.34 GiB, network 343 MiB, framework heap 128 MiB, framework off-heap 128 MiB, JVM metaspace 256 MiB, JVM overhead 410 MiB',
      '              per slot: managed 1.34 GiB, task heap 1.42 GiB',
    ]);
  });
});
