import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario } from '../../src/scenario/load.js';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

const job = `
job:
  vertices:
    - { id: scan, parallelism: 2, source: { bytes: 4GiB }, rate: 100MiB/s }
    - { id: agg, inputs: [{ from: scan }], rate: 50MiB/s, managedMemory: true, heap: 512MiB }
`;

function load(head: string) {
  return loadJobScenario(`${head}\n${job}`, 'm.yaml').spec;
}

/** The issues of a scenario that must not load, as `path: message` lines. */
function issuesOf(head: string): string[] {
  try {
    load(head);
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('memory keys of a scenario', () => {
  it('computes the layout of memoryPerSlot x slots at load time', () => {
    const spec = load('cluster: { taskmanager: { slots: 2, memoryPerSlot: 4GiB } }');
    // The 8 GiB process of two 4 GiB slots: managed 2985002310 bytes, task heap 3462817321.
    expect(spec.cluster.memory.process).toBe(8 * GIB);
    expect(spec.cluster.memory.managed).toBe(2_985_002_310);
    expect(spec.cluster.memory.managedPerSlot).toBe(1_492_501_155);
    expect(spec.cluster.memory.taskHeapPerSlot).toBe(1_731_408_660);
    expect(spec.cluster.memoryPerSlot).toBe(4 * GIB);
  });

  it('defaults to a 4 GiB slot: 1372.16 MiB of managed memory', () => {
    expect((load('').cluster.memory.managedPerSlot / MIB).toFixed(2)).toBe('1372.16');
  });

  it('reads the vertex keys managedMemory and heap, false and 0 by default', () => {
    const v = load('').vertices;
    expect(v.map((x) => [x.id, x.managedMemory, x.heapBytes])).toEqual([
      ['scan', false, 0],
      ['agg', true, 512 * MIB],
    ]);
  });

  it('lets taskmanager.memory.process.size win over memoryPerSlot, and reads Flink keys without warning', () => {
    const spec = load(`
cluster: { taskmanager: { slots: 2, memoryPerSlot: 2GiB } }
config:
  taskmanager.memory.process.size: 1728m
  taskmanager.memory.managed.fraction: "0.25"
  taskmanager.memory.jvm-metaspace.size: 256 mb`);
    expect(spec.cluster.memory.process).toBe(1728 * MIB);
    expect(spec.cluster.memoryPerSlot).toBe(864 * MIB);
    // Flink memory 1280 MiB, a quarter of it managed, split over two slots.
    expect(spec.cluster.memory.managedPerSlot).toBe(160 * MIB);
    expect(spec.warnings.filter((w) => w.startsWith('config["taskmanager.memory'))).toEqual([]);
  });
});

describe('bad memory keys name the key', () => {
  it('a slot too small for Flink names memoryPerSlot and gives Flink\'s reason', () => {
    const [issue] = issuesOf('cluster: { taskmanager: { memoryPerSlot: 512MiB } }');
    expect(issue).toMatch(/^cluster\.taskmanager\.memoryPerSlot: Flink would not start this TaskManager: Sum of configured Framework Heap Memory .* exceed configured Total Flink Memory \(64\.000mb .*\(process memory = memoryPerSlot x 1 slot\)$/);
  });

  it('a fraction outside [0, 1) names the fraction key', () => {
    expect(issuesOf('config: { taskmanager.memory.managed.fraction: 1.5 }')).toEqual([
      'config["taskmanager.memory.managed.fraction"]: Flink would not start this TaskManager: Inconsistently configured taskmanager.memory.managed.fraction (1.5): fraction must be in range [0, 1).',
    ]);
  });

  it('a task heap larger than the process names the task heap key', () => {
    expect(issuesOf('config: { taskmanager.memory.task.heap.size: 8g }')[0]).toMatch(/^config\["taskmanager\.memory\.task\.heap\.size"\]: .*Task Heap Memory \(8\.000gb/);
  });

  it('a metaspace larger than the process names the metaspace key', () => {
    expect(issuesOf('config: { taskmanager.memory.jvm-metaspace.size: 4gb }')[0]).toMatch(/^config\["taskmanager\.memory\.jvm-metaspace\.size"\]: .*Sum of configured JVM Metaspace \(4\.000gb/);
  });

  it('values that are not sizes or fractions name their keys, all of them', () => {
    expect(issuesOf('config: { taskmanager.memory.network.min: lots, taskmanager.memory.network.fraction: half }')).toEqual([
      'config["taskmanager.memory.network.min"]: Expected a number of bytes or a string such as `512kb`, `16m`, `16MiB`, `1 gb`, `1GiB`, got `lots`',
      'config["taskmanager.memory.network.fraction"]: Expected a fraction from 0 (included) to 1 (excluded) such as `0.4`, got `half` (string)',
    ]);
  });
});
