import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/scenario/suggest.js';
import { scenario } from '../support/run.js';

const job = `job:\n  vertices:\n    - { id: A, parallelism: 2, source: { bytes: 1GiB }, rate: 100MiB/s }\n`;

describe('did you mean', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('slots', 'slots')).toBe(0);
    expect(editDistance('slost', 'slots')).toBe(1);
    expect(editDistance('numberOfTaskSlot', 'numberOfTaskSlots')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only a near name', () => {
    expect(closest('parallelism.defualt', ['parallelism.default', 'slot.request.timeout'])).toBe('parallelism.default');
    expect(closest('my.made.up.key', ['parallelism.default', 'slot.request.timeout'])).toBeUndefined();
  });

  it.each([
    ['taskmanager.numberOfTaskSlot', 'taskmanager.numberOfTaskSlots'],
    ['Parallelism.Default', 'parallelism.default'],
    ['execution.runtime.mode', 'execution.runtime-mode'],
    ['restart-strategy.fixed-delay.attempt', 'restart-strategy.fixed-delay.attempts'],
    ['execution.batch.adaptive.auto-parallelism.avg-data-volume-per-tasks', 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task'],
    ['slot.idle.timeot', 'slot.idle.timeout'],
  ])('config["%s"] suggests `%s`', (typo, known) => {
    const w = scenario(`config:\n  ${typo}: 1\n${job}`).warnings;
    expect(w).toEqual([`config["${typo}"]: unknown key, ignored (did you mean \`${known}\`?)`]);
  });

  it('says nothing more for a key unlike any known one', () => {
    expect(scenario(`config:\n  my.made.up.key: 1\n${job}`).warnings).toEqual(['config["my.made.up.key"]: unknown key, ignored']);
  });
});

describe('a config key that contradicts a cluster key', () => {
  it.each([
    ['cluster:\n  taskmanager: { slots: 2 }\nconfig:\n  taskmanager.numberOfTaskSlots: 4\n', 'config["taskmanager.numberOfTaskSlots"] (4) contradicts cluster.taskmanager.slots (2); the config key wins', (s: ReturnType<typeof scenario>) => s.cluster.slotsPerTaskManager, 4],
    ['cluster:\n  maxSlots: 8\nconfig:\n  slotmanager.number-of-slots.max: 16\n', 'config["slotmanager.number-of-slots.max"] (16) contradicts cluster.maxSlots (8); the config key wins', (s: ReturnType<typeof scenario>) => s.cluster.maxSlots, 16],
    ['cluster:\n  maxSlots: unlimited\nconfig:\n  slotmanager.number-of-slots.max: 16\n', 'config["slotmanager.number-of-slots.max"] (16) contradicts cluster.maxSlots (unlimited); the config key wins', (s: ReturnType<typeof scenario>) => s.cluster.maxSlots, 16],
    ['cluster:\n  taskmanager.idleTimeout: 30s\nconfig:\n  resourcemanager.taskmanager-timeout: 1 min\n', 'config["resourcemanager.taskmanager-timeout"] (60 s) contradicts cluster.taskmanager.idleTimeout (30 s); the config key wins', (s: ReturnType<typeof scenario>) => s.cluster.idleTimeoutMs, 60_000],
  ])('%s', (head, warning, value, expected) => {
    const spec = scenario(`${head}${job}`);
    expect(spec.warnings).toEqual([warning]);
    expect(value(spec)).toBe(expected);
  });

  it('no warning when both say the same', () => {
    const spec = scenario(`cluster:\n  taskmanager: { slots: 2, idleTimeout: 30s }\n  maxSlots: 8\nconfig:\n  taskmanager.numberOfTaskSlots: 2\n  slotmanager.number-of-slots.max: 8\n  resourcemanager.taskmanager-timeout: 30000 ms\n${job}`);
    expect(spec.warnings).toEqual([]);
  });
});
