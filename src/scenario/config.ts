//! Flink configuration keys under `config:`, read as Flink reads them.

import { RandomStreams } from '../engine/rng.js';
import { RESTART_STRATEGY_KEYS, restartBackoffFromConfig } from './restart-strategy-config.js';
import type { GuardSpec, ParallelismSpec } from '../model/spec.js';
import type { MemoryOptions } from '../model/cluster/memory-layout.js';
import type { ScenarioIssue } from './issues.js';
import { MAX_CPU, MAX_INT, MAX_PARALLELISM, MAX_SLOTS_PER_TASK_MANAGER } from './limits.js';
import { MEMORY_CONFIG_KEYS, readMemoryOptions } from './memory-config.js';
import { closest } from './suggest.js';
import { describe, parseDuration, parseSize } from './units.js';

const AUTO = 'execution.batch.adaptive.auto-parallelism.';
/** Flink 1.17's older names of the same options. */
const LEGACY = 'jobmanager.adaptive-batch-scheduler.';

/** Keys that are read, with what they mean when a value is wrong. */
const KNOWN_KEYS = new Set<string>([
  'execution.runtime-mode',
  'parallelism.default',
  `${AUTO}enabled`,
  `${AUTO}min-parallelism`,
  `${AUTO}max-parallelism`,
  `${AUTO}avg-data-volume-per-task`,
  `${AUTO}default-source-parallelism`,
  `${LEGACY}min-parallelism`,
  `${LEGACY}max-parallelism`,
  `${LEGACY}avg-data-volume-per-task`,
  `${LEGACY}default-source-parallelism`,
  'jobmanager.execution.failover-strategy',
  'taskmanager.numberOfTaskSlots',
  'taskmanager.cpu.cores',
  'slotmanager.number-of-slots.max',
  'resourcemanager.taskmanager-timeout',
  'slot.request.timeout',
  'batchsim.parallelism-decider',
  'batchsim.max-attempts-per-subtask',
  'batchsim.max-restarts-without-progress',
  'batchsim.max-simulated-time',
  ...RESTART_STRATEGY_KEYS,
  ...MEMORY_CONFIG_KEYS,
]);

/** Keys Flink has that the simulator knows of but does not model; setting them warns. */
const NOT_MODELLED: Record<string, string> = {
  'execution.batch-shuffle-mode': 'only ALL_EXCHANGES_BLOCKING is modelled',
  'execution.batch.speculative.enabled': 'speculative execution is not modelled',
  'execution.batch.job-recovery.enabled': 'JobManager failover is not modelled',
  'slot.idle.timeout': 'freed slots go back to the pool at once',
  'resourcemanager.taskmanager-release.wait.result.consumed': 'a TaskManager holding needed results is never released',
};

/** What the `config:` map resolves to. */
export interface ResolvedConfig {
  mode: 'BATCH' | 'STREAMING';
  slotsPerTaskManager?: number;
  /** `taskmanager.cpu.cores`: a TaskManager's cores, shared evenly by its slots. */
  cpuCores?: number;
  idleTimeoutMs?: number;
  maxSlots?: number;
  parallelism: ParallelismSpec;
  failoverStrategy: 'region' | 'full';
  restartConfig: Record<string, unknown>;
  slotRequestTimeoutMs: number;
  guards: GuardSpec;
  /** The `taskmanager.memory.*` keys that are set. */
  memory: MemoryOptions;
}

/**
 * Reads the `config:` map. Wrong values become issues with the key in the path;
 * unknown keys become warnings naming them.
 */
export function resolveConfig(config: Record<string, unknown>, issues: ScenarioIssue[], warnings: string[]): ResolvedConfig {
  const path = (k: string) => `config[${JSON.stringify(k)}]`;
  const bad = (k: string, expected: string) => {
    issues.push({ path: path(k), message: `Expected ${expected}, got ${describe(config[k])}` });
    return undefined;
  };
  const int = (k: string, min: number, max = MAX_INT): number | undefined => {
    const v = config[k];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : bad(k, `an integer from ${min} to ${max}`);
  };
  /** A parallelism option: Flink caps a vertex's max parallelism at 32768. */
  const par = (k: string): number | undefined => int(k, 1, MAX_PARALLELISM);
  const dur = (k: string): number | undefined => {
    const v = config[k];
    if (v === undefined) return undefined;
    const r = parseDuration(typeof v === 'number' ? String(v) : v, true);
    if (typeof r === 'string') {
      issues.push({ path: path(k), message: r });
      return undefined;
    }
    return r;
  };
  const size = (k: string): number | undefined => {
    const v = config[k];
    if (v === undefined) return undefined;
    const r = parseSize(v);
    if (typeof r === 'string' || r <= 0) return bad(k, 'a size > 0 such as `16mb` or `16MiB`');
    return r;
  };
  const bool = (k: string): boolean | undefined => {
    const v = config[k];
    if (v === undefined) return undefined;
    if (v === true || v === false) return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
    return bad(k, '`true` or `false`');
  };
  const choice = <T extends string>(k: string, values: readonly T[]): T | undefined => {
    const v = config[k];
    if (v === undefined) return undefined;
    const hit = values.find((x) => typeof v === 'string' && x.toLowerCase() === v.trim().toLowerCase());
    return hit ?? bad(k, `one of ${values.map((x) => `\`${x}\``).join(', ')}`);
  };
  /** A number > 0 (Flink reads these as doubles), also written as a string. */
  const positiveNumber = (k: string, max: number): number | undefined => {
    const v = config[k];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && n > 0 && n <= max ? n : bad(k, `a number > 0 and at most ${max}`);
  };
  const either = <T>(read: (k: string) => T | undefined, name: string): T | undefined =>
    read(`${AUTO}${name}`) ?? read(`${LEGACY}${name}`);

  for (const k of Object.keys(config).sort()) {
    if (NOT_MODELLED[k] !== undefined) warnings.push(`config["${k}"]: ${NOT_MODELLED[k]}; the key is ignored`);
    else if (!KNOWN_KEYS.has(k)) {
      const near = closest(k, [...KNOWN_KEYS, ...Object.keys(NOT_MODELLED)]);
      warnings.push(`config["${k}"]: unknown key, ignored${near !== undefined ? ` (did you mean \`${near}\`?)` : ''}`);
    }
  }

  const globalDefault = par('parallelism.default');
  const explicitMax = either(par, 'max-parallelism');
  let maxParallelism = explicitMax ?? globalDefault ?? 128;
  if (globalDefault !== undefined) maxParallelism = Math.min(maxParallelism, globalDefault);
  let minParallelism = either(par, 'min-parallelism') ?? 1;
  if (minParallelism > maxParallelism) {
    warnings.push(`config: min-parallelism ${minParallelism} is above the max parallelism ${maxParallelism}; using ${maxParallelism}`);
    minParallelism = maxParallelism;
  }
  const parallelism: ParallelismSpec = {
    ...(globalDefault !== undefined && { globalDefault }),
    autoEnabled: bool(`${AUTO}enabled`) ?? true,
    minParallelism,
    maxParallelism,
    avgDataVolumePerTask: either(size, 'avg-data-volume-per-task') ?? 16 * 2 ** 20,
    defaultSourceParallelism: either(par, 'default-source-parallelism') ?? 1,
    deciderVersion: choice('batchsim.parallelism-decider', ['1.17', '1.15'] as const) ?? '1.17',
  };
  if (parallelism.deciderVersion === '1.15' && parallelism.autoEnabled && !holdsPowerOfTwo(minParallelism, maxParallelism)) {
    const set = (name: string) => [`${AUTO}${name}`, `${LEGACY}${name}`].filter((k) => config[k] !== undefined);
    const keys = [...set('min-parallelism'), ...set('max-parallelism'), ...(globalDefault !== undefined ? ['parallelism.default'] : [])];
    issues.push({
      path: path('batchsim.parallelism-decider'),
      message:
        `Flink 1.15's decider needs a power of two from the min parallelism ${minParallelism} to the max parallelism ${maxParallelism}, ` +
        `and there is none; change ${keys.map((k) => `config["${k}"]`).join(', ')} or use the 1.17 decider`,
    });
  }

  const restartConfig: Record<string, unknown> = {};
  for (const k of RESTART_STRATEGY_KEYS) if (config[k] !== undefined) restartConfig[k] = config[k];
  for (const issue of restartBackoffFromConfig(restartConfig, new RandomStreams(0).stream('validate')).issues) issues.push(issue);

  return {
    mode: choice('execution.runtime-mode', ['BATCH', 'STREAMING'] as const) ?? 'BATCH',
    slotsPerTaskManager: int('taskmanager.numberOfTaskSlots', 1, MAX_SLOTS_PER_TASK_MANAGER),
    cpuCores: positiveNumber('taskmanager.cpu.cores', MAX_CPU),
    idleTimeoutMs: dur('resourcemanager.taskmanager-timeout'),
    maxSlots: int('slotmanager.number-of-slots.max', 1),
    parallelism,
    failoverStrategy: choice('jobmanager.execution.failover-strategy', ['region', 'full'] as const) ?? 'region',
    restartConfig,
    slotRequestTimeoutMs: dur('slot.request.timeout') ?? 300_000,
    guards: {
      maxAttemptsPerSubtask: int('batchsim.max-attempts-per-subtask', 1) ?? 100,
      maxRestartsWithoutProgress: int('batchsim.max-restarts-without-progress', 1) ?? 50,
      maxSimulatedMs: dur('batchsim.max-simulated-time') ?? 30 * 86_400_000,
    },
    memory: readMemoryOptions(config, issues),
  };
}

/** Whether some power of two lies in [min, max] (Flink 1.15 rounds both bounds inwards to one). */
function holdsPowerOfTwo(min: number, max: number): boolean {
  let p = 1;
  while (p < min) p *= 2;
  return p <= max;
}
