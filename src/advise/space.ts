//! The settings `batchsim advise` searches: each one's values (defaults, `--vary`, `--fix`), and a candidate as one value index per setting.

import { baseSettings, type ChoiceOverrides, type Shuffle } from '../compare/grid.js';
import type { SimulationSpec } from '../model/spec.js';
import { MAX_PARALLELISM } from '../scenario/limits.js';

/**
 * A setting the user controls on a managed Flink service. Multi-job scenarios will add the
 * queue capacity and each job's max slots here: a setting is a named list of values and a
 * way to apply one to the scenario ({@link candidateOverrides}), nothing more.
 */
export type Setting = 'slots' | 'cpuPerSlot' | 'memoryPerSlot' | 'maxSlots' | 'shuffle' | 'avgVolume' | 'parallelismDefault';

/** Every setting, in the order candidates, tables and the pasted block list them. */
export const SETTINGS: readonly Setting[] = ['slots', 'cpuPerSlot', 'memoryPerSlot', 'maxSlots', 'shuffle', 'avgVolume', 'parallelismDefault'];

/** `parallelism.default` left unset, as a scenario may leave it (a real value is at least 1). */
export const UNSET = 0;

/** A setting's value: a number (bytes for sizes, Infinity for an unlimited slot cap, {@link UNSET}) or a shuffle mode. */
export type SettingValue = number | Shuffle;

/** A candidate's values, one per setting of its space. */
export type AdviseSettings = Partial<Record<Setting, SettingValue>>;

/** The `--fix` / `--vary` key of each setting (the `compare` option without its dashes, where there is one). */
export const SETTING_KEYS: Record<Setting, string> = {
  slots: 'slots',
  cpuPerSlot: 'cpu-per-slot',
  memoryPerSlot: 'memory-per-slot',
  maxSlots: 'max-slots',
  shuffle: 'shuffle',
  avgVolume: 'avg-volume',
  parallelismDefault: 'parallelism',
};

const GIB = 2 ** 30;

/** The space searched: the settings that vary or are pinned, each with its values in ascending order. */
export interface Space {
  settings: Setting[];
  values: Record<Setting, SettingValue[]>;
  /** The scenario's own value of each setting ({@link UNSET} for a `parallelism.default` it does not set). */
  asWritten: AdviseSettings;
  /** Settings pinned by `--fix`. */
  fixed: Setting[];
}

/** A candidate: the index of its value in each setting's list, in {@link Space}.settings order. */
export type Candidate = readonly number[];

/** A stable key of a candidate, for maps and sets. */
export const candidateKey = (c: Candidate): string => c.join(',');

/** What the user asked of the space: pinned values and replaced lists, by setting. */
export interface SpaceRequest {
  fix?: Partial<Record<Setting, SettingValue>>;
  vary?: Partial<Record<Setting, SettingValue[]>>;
}

/**
 * Whether a vertex's parallelism is left to the scenario's defaults: then `parallelism.default`
 * (which bounds inference) matters, and, for a non-source vertex in BATCH mode with inference
 * on, `avg-data-volume-per-task` too. A job whose every parallelism is fixed is the same under
 * any value of those two, so they are left out of its space.
 */
function parallelismSettingsThatMatter(spec: SimulationSpec): { avgVolume: boolean; parallelismDefault: boolean } {
  const unset = spec.vertices.filter((v) => v.parallelism === undefined);
  const inferred = unset.some((v) => v.sourceBytes === undefined);
  return { avgVolume: inferred && spec.parallelism.autoEnabled && spec.mode === 'BATCH', parallelismDefault: unset.length > 0 };
}

/** The most subtasks one vertex can have: what `max-slots` beyond which no slot is ever used is measured against. */
export function largestParallelism(spec: SimulationSpec): number {
  return spec.vertices.reduce(
    (m, v) => Math.max(m, v.parallelism ?? (v.sourceBytes !== undefined ? spec.parallelism.defaultSourceParallelism : spec.parallelism.maxParallelism)),
    1,
  );
}

const ascending = (values: SettingValue[]): SettingValue[] => {
  const unique = [...new Set(values)];
  return typeof unique[0] === 'string' ? unique : (unique as number[]).sort((a, b) => a - b);
};

/**
 * The default values of each setting: the ranges a managed service offers (1 to 8 slots per
 * TaskManager, 0.5 to 4 cores and 2 to 16 GiB per slot, both shuffle modes), slot caps of a
 * quarter, half and all of the job's largest parallelism and none, and the scenario's
 * `avg-data-volume-per-task` and `parallelism.default` scaled around their own values. The
 * scenario's own value is always one of them, so the scenario as written is a candidate.
 */
export function defaultValues(spec: SimulationSpec): Partial<Record<Setting, SettingValue[]>> {
  const base = baseSettings(spec);
  const matter = parallelismSettingsThatMatter(spec);
  const p = largestParallelism(spec);
  const out: Partial<Record<Setting, SettingValue[]>> = {
    slots: ascending([1, 2, 4, 8, base.slots]),
    cpuPerSlot: ascending([0.5, 1, 2, 4, base.cpuPerSlot]),
    memoryPerSlot: ascending([2 * GIB, 4 * GIB, 8 * GIB, 16 * GIB, base.memoryPerSlot]),
    maxSlots: ascending([...[4, 2, 1].map((d) => Math.max(1, Math.ceil(p / d))), Infinity, base.maxSlots]),
    shuffle: ['local', 'remote'],
  };
  if (matter.avgVolume) out.avgVolume = ascending([0.25, 0.5, 1, 2, 4].map((f) => Math.max(1, Math.round(base.avgVolume * f))));
  if (matter.parallelismDefault) {
    const own = spec.parallelism.globalDefault;
    const around = own ?? spec.parallelism.maxParallelism;
    // Unset is a value of its own (Flink then falls back to 1 where no inference decides), kept so the scenario stays a candidate.
    out.parallelismDefault = ascending([...[0.25, 0.5, 1, 2].map((f) => Math.min(MAX_PARALLELISM, Math.max(1, Math.ceil(around * f)))), own ?? UNSET]);
  }
  return out;
}

/** The scenario's own value of each setting. */
export function asWrittenSettings(spec: SimulationSpec): AdviseSettings {
  const base = baseSettings(spec);
  return {
    slots: base.slots,
    cpuPerSlot: base.cpuPerSlot,
    memoryPerSlot: base.memoryPerSlot,
    maxSlots: base.maxSlots,
    shuffle: base.shuffle,
    avgVolume: base.avgVolume,
    parallelismDefault: spec.parallelism.globalDefault ?? UNSET,
  };
}

/** The space for a scenario: the defaults, with `--vary` lists replacing and `--fix` values pinning. */
export function buildSpace(spec: SimulationSpec, request: SpaceRequest = {}): Space {
  const values = defaultValues(spec);
  for (const [s, list] of Object.entries(request.vary ?? {}) as [Setting, SettingValue[]][]) values[s] = ascending(list);
  for (const [s, v] of Object.entries(request.fix ?? {}) as [Setting, SettingValue][]) values[s] = [v];
  const settings = SETTINGS.filter((s) => values[s] !== undefined);
  return {
    settings,
    values: values as Record<Setting, SettingValue[]>,
    asWritten: asWrittenSettings(spec),
    fixed: SETTINGS.filter((s) => request.fix?.[s] !== undefined),
  };
}

/** Choices in the full grid of a space: the product of its lists' lengths. */
export function gridCount(space: Space): number {
  return space.settings.reduce((n, s) => n * space.values[s].length, 1);
}

/** A candidate's values. */
export function candidateSettings(space: Space, c: Candidate): AdviseSettings {
  const out: AdviseSettings = {};
  space.settings.forEach((s, i) => (out[s] = space.values[s][c[i]]));
  return out;
}

/** What a candidate changes in the scenario: the settings whose value differs from the scenario's own. */
export function candidateOverrides(space: Space, c: Candidate): ChoiceOverrides {
  const out: ChoiceOverrides = {};
  const set = out as Record<string, SettingValue>;
  space.settings.forEach((s, i) => {
    const v = space.values[s][c[i]];
    if (v !== space.asWritten[s]) set[s] = v;
  });
  return out;
}

/** How many settings a candidate changes from the scenario as written (fewer reads as a smaller change). */
export function changedCount(space: Space, c: Candidate): number {
  return Object.keys(candidateOverrides(space, c)).length;
}

/** Distance of two values of a setting: ratio on a log scale for numbers (unlimited is farthest), 0 or 1 otherwise. */
function distance(a: SettingValue | undefined, b: SettingValue): number {
  if (a === undefined) return 0;
  if (typeof a === 'string' || typeof b === 'string') return a === b ? 0 : 1;
  if (a === b) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.MAX_VALUE;
  return Math.abs(Math.log(a / b));
}

/** The candidate nearest the scenario as written: per setting, its own value when listed, else the nearest (on a log scale). */
export function asWrittenCandidate(space: Space): Candidate {
  return space.settings.map((s) => {
    const own = space.asWritten[s];
    const list = space.values[s];
    let best = 0;
    list.forEach((v, i) => {
      if (distance(own, v) < distance(own, list[best])) best = i;
    });
    return best;
  });
}
