//! Every `compare` choice takes effect whatever spelling the scenario uses for the setting.

import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { baseSettings, scenarioForChoice, type ChoiceSettings, type Dimension } from '../../src/compare/grid.js';

const MIB = 2 ** 20;
const job = { vertices: [{ id: 'A', parallelism: 2, source: { bytes: '1GiB' }, rate: '100MiB/s' }, { id: 'B', inputs: [{ from: 'A' }], rate: '50MiB/s' }] };

interface Spelling {
  name: string;
  cluster?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** For each dimension: the ways a scenario can set it (or not), and a value different from all of them. */
const CASES: Record<Dimension, { spellings: Spelling[]; choice: ChoiceSettings[Dimension] }[]> = {
  slots: [
    {
      choice: 5,
      spellings: [
        { name: 'not set' },
        { name: 'cluster.taskmanager.slots', cluster: { taskmanager: { slots: 3 } } },
        { name: 'cluster "taskmanager.slots" dotted', cluster: { 'taskmanager.slots': 3 } },
        { name: 'config taskmanager.numberOfTaskSlots only', config: { 'taskmanager.numberOfTaskSlots': 3 } },
        { name: 'config taskmanager.numberOfTaskSlots as a string', config: { 'taskmanager.numberOfTaskSlots': '3' } },
        { name: 'config and cluster, contradicting', cluster: { taskmanager: { slots: 2 } }, config: { 'taskmanager.numberOfTaskSlots': 3, 'parallelism.default': 8 } },
      ],
    },
  ],
  cpuPerSlot: [
    {
      choice: 3,
      spellings: [{ name: 'not set' }, { name: 'cluster.taskmanager.cpuPerSlot', cluster: { taskmanager: { cpuPerSlot: 0.5 } } }, { name: 'cluster "taskmanager.cpuPerSlot" dotted', cluster: { 'taskmanager.cpuPerSlot': 2 } }],
    },
  ],
  memoryPerSlot: [
    {
      choice: 6 * 2 ** 30,
      spellings: [
        { name: 'not set' },
        { name: 'cluster.taskmanager.memoryPerSlot', cluster: { taskmanager: { memoryPerSlot: '2GiB' } } },
        { name: 'config taskmanager.memory.process.size only', config: { 'taskmanager.memory.process.size': '2GiB' } },
      ],
    },
  ],
  diskBandwidth: [
    {
      choice: 50 * MIB,
      spellings: [
        { name: 'not set (auto)' },
        { name: 'cluster.taskmanager.diskBandwidth', cluster: { taskmanager: { diskBandwidth: '10MiB/s' } } },
        { name: 'cluster "taskmanager.diskBandwidth" dotted, unlimited', cluster: { 'taskmanager.diskBandwidth': 'unlimited' } },
      ],
    },
    { choice: Infinity, spellings: [{ name: 'cluster.taskmanager.diskBandwidth, to unlimited', cluster: { taskmanager: { diskBandwidth: '10MiB/s' } } }] },
  ],
  networkBandwidth: [
    {
      choice: 100 * MIB,
      spellings: [{ name: 'not set (auto)' }, { name: 'cluster.taskmanager.networkBandwidth in bits', cluster: { taskmanager: { networkBandwidth: '10Gbit/s' } } }],
    },
  ],
  maxSlots: [
    {
      choice: 7,
      spellings: [
        { name: 'not set' },
        { name: 'cluster.maxSlots', cluster: { maxSlots: 12 } },
        { name: 'cluster.maxSlots unlimited', cluster: { maxSlots: 'unlimited' } },
        { name: 'config slotmanager.number-of-slots.max only', config: { 'slotmanager.number-of-slots.max': 12 } },
        { name: 'config and cluster', cluster: { maxSlots: 4 }, config: { 'slotmanager.number-of-slots.max': 12 } },
      ],
    },
    { choice: Infinity, spellings: [{ name: 'config slotmanager.number-of-slots.max only, to unlimited', config: { 'slotmanager.number-of-slots.max': 12 } }] },
  ],
  shuffle: [
    {
      choice: 'remote',
      spellings: [{ name: 'not set' }, { name: 'cluster.shuffle', cluster: { shuffle: 'local' } }],
    },
    { choice: 'local', spellings: [{ name: 'cluster.shuffle remote, to local', cluster: { shuffle: 'remote' } }] },
  ],
  avgVolume: [
    {
      choice: 3 * MIB,
      spellings: [
        { name: 'not set' },
        { name: 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task', config: { 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task': '32MiB' } },
        { name: 'jobmanager.adaptive-batch-scheduler.avg-data-volume-per-task (older name) only', config: { 'jobmanager.adaptive-batch-scheduler.avg-data-volume-per-task': '32MiB' } },
        {
          name: 'both names',
          config: { 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task': '32MiB', 'jobmanager.adaptive-batch-scheduler.avg-data-volume-per-task': '64MiB' },
        },
      ],
    },
  ],
  mode: [
    {
      choice: 'STREAMING',
      spellings: [
        { name: 'not set' },
        { name: 'execution.runtime-mode BATCH', config: { 'execution.runtime-mode': 'BATCH' } },
        { name: 'execution.runtime-mode batch, lower case', config: { 'execution.runtime-mode': 'batch' } },
      ],
    },
    { choice: 'BATCH', spellings: [{ name: 'execution.runtime-mode streaming, lower case, only key', config: { 'execution.runtime-mode': 'streaming' } }] },
  ],
};

const rows = (Object.entries(CASES) as [Dimension, (typeof CASES)[Dimension]][]).flatMap(([d, groups]) =>
  groups.flatMap((g) => g.spellings.map((sp) => [d, sp.name, sp, g.choice] as const)),
);

describe.each(rows)('compare dimension %s, scenario spelling: %s', (dimension, _name, spelling, choice) => {
  const doc = { name: 'spelled', ...(spelling.cluster && { cluster: spelling.cluster }), ...(spelling.config && { config: spelling.config }), job };

  it.each([
    ['YAML', 's.yaml', stringify(doc)],
    ['JSON', 's.json', JSON.stringify(doc)],
  ])('the choice takes effect (%s)', (_format, file, text) => {
    const before = baseSettings(scenarioForChoice(text, file, {}).spec);
    expect(before[dimension]).not.toBe(choice);
    const after = baseSettings(scenarioForChoice(text, file, { [dimension]: choice }).spec);
    expect(after[dimension]).toBe(choice);
    // Nothing else moves, but the `auto` bandwidths, which follow the cores (slots x cores per slot).
    const derived = dimension === 'slots' || dimension === 'cpuPerSlot' ? { diskBandwidth: 0, networkBandwidth: 0 } : {};
    expect({ ...after, [dimension]: before[dimension], ...derived }).toEqual({ ...before, ...derived });
  });
});
