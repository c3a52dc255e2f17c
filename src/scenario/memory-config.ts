//! Flink's `taskmanager.memory.*` keys under `config:`, read as Flink reads them, and the layout they give.

import { MEMORY_KEY, memoryLayout, type MemoryOption, type MemoryOptions } from '../model/cluster/memory-layout.js';
import type { TaskManagerMemorySpec } from '../model/spec.js';
import type { ScenarioIssue } from './issues.js';
import { describe, parseSize } from './units.js';

/** Every memory key the layout reads, for the list of known config keys. */
export const MEMORY_CONFIG_KEYS: readonly string[] = Object.values(MEMORY_KEY);

const FRACTIONS: ReadonlySet<MemoryOption> = new Set(['managedFraction', 'networkFraction', 'jvmOverheadFraction']);

const configPath = (key: string): string => `config[${JSON.stringify(key)}]`;

/**
 * Reads the memory keys that are set: sizes in Flink's MemorySize syntax (a bare number is
 * bytes) rounded down to whole bytes, fractions as numbers or numeric strings. Range checks
 * are the layout's, which gives Flink's own reasons.
 */
export function readMemoryOptions(config: Record<string, unknown>, issues: ScenarioIssue[]): MemoryOptions {
  const out: MemoryOptions = {};
  for (const [option, key] of Object.entries(MEMORY_KEY) as [MemoryOption, string][]) {
    const v = config[key];
    if (v === undefined) continue;
    if (FRACTIONS.has(option)) {
      const n = typeof v === 'string' && /^\s*[0-9.eE+-]+\s*$/.test(v) ? Number(v) : v;
      if (typeof n === 'number' && Number.isFinite(n)) out[option] = n;
      else issues.push({ path: configPath(key), message: `Expected a fraction from 0 (included) to 1 (excluded) such as \`0.4\`, got ${describe(v)}` });
    } else {
      const r = parseSize(v);
      if (typeof r === 'number' && Number.isFinite(r)) out[option] = Math.floor(r);
      else issues.push({ path: configPath(key), message: typeof r === 'string' ? r : `Expected a finite size, got ${describe(v)}` });
    }
  }
  return out;
}

/**
 * The TaskManager's memory layout, or an issue at the key Flink's reason points to (the
 * process size is `cluster.taskmanager.memoryPerSlot` x slots unless the config sets it).
 * @returns the layout, or undefined when an issue was added
 */
export function resolveMemoryLayout(
  processSize: number,
  slots: number,
  options: MemoryOptions,
  issues: ScenarioIssue[],
): TaskManagerMemorySpec | undefined {
  const r = memoryLayout(processSize, slots, options);
  if ('memory' in r) return r.memory;
  const { option, reason } = r.error;
  const fromCluster = option === 'processSize' && options.processSize === undefined;
  issues.push({
    path: fromCluster ? 'cluster.taskmanager.memoryPerSlot' : configPath(MEMORY_KEY[option]),
    message: `Flink would not start this TaskManager: ${reason}${fromCluster ? ` (process memory = memoryPerSlot x ${slots} slot${slots === 1 ? '' : 's'})` : ''}`,
  });
  return undefined;
}
