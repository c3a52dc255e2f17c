//! The grid `batchsim compare` sweeps: choices (cartesian product of the swept settings), the runs (choice x seed), and each choice's scenario.

import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { SimulationSpec } from '../model/spec.js';
import { loadJobScenario, type JobScenario } from '../scenario/load.js';
import { formatBytes } from '../util/format.js';

/** Where shuffle files live. */
export type Shuffle = 'local' | 'remote';

/** Flink's `execution.runtime-mode`. */
export type RuntimeMode = 'BATCH' | 'STREAMING';

/**
 * The settings a choice fixes. `maxSlots` and the bandwidths are Infinity when unlimited;
 * `memoryPerSlot` and `avgVolume` are bytes, bandwidths are bytes per second.
 */
export interface ChoiceSettings {
  slots: number;
  cpuPerSlot: number;
  memoryPerSlot: number;
  diskBandwidth: number;
  networkBandwidth: number;
  maxSlots: number;
  shuffle: Shuffle;
  avgVolume: number;
  mode: RuntimeMode;
}

/** One of the settings a comparison can sweep. */
export type Dimension = keyof ChoiceSettings;

/** The sweepable settings, in the order the grid nests them (first = slowest-varying). */
export const DIMENSIONS: readonly Dimension[] = ['slots', 'cpuPerSlot', 'memoryPerSlot', 'diskBandwidth', 'networkBandwidth', 'maxSlots', 'shuffle', 'avgVolume', 'mode'];

/** Values to try per setting; an absent (or empty) list keeps the scenario's own value. */
export interface GridAxes {
  slots?: readonly number[];
  cpuPerSlot?: readonly number[];
  diskBandwidth?: readonly number[];
  networkBandwidth?: readonly number[];
  memoryPerSlot?: readonly number[];
  maxSlots?: readonly number[];
  shuffle?: readonly Shuffle[];
  avgVolume?: readonly number[];
  mode?: readonly RuntimeMode[];
}

/**
 * What a run changes in the scenario: the grid's settings, and `parallelism.default`, which
 * `batchsim advise` searches but `compare` does not sweep.
 */
export interface ChoiceOverrides extends Partial<ChoiceSettings> {
  parallelismDefault?: number;
}

/** One point of the grid. */
export interface Choice {
  /** Position in the grid, from 0. */
  index: number;
  /** Every setting, the swept ones and the scenario's own for the rest. */
  settings: ChoiceSettings;
  /** Only the swept settings: what is changed in the scenario. */
  overrides: Partial<ChoiceSettings>;
  /** A short description naming the swept settings, e.g. `2 slots, local shuffle`. */
  label: string;
}

/** One simulation to run: a choice with a seed. */
export interface GridRun {
  /** Position in the run list, from 0; results are ordered by it. */
  index: number;
  choice: number;
  seed: number;
}

/** The settings the scenario itself gives (the values of dimensions not swept). */
export function baseSettings(spec: SimulationSpec): ChoiceSettings {
  return {
    slots: spec.cluster.slotsPerTaskManager,
    cpuPerSlot: spec.cluster.cpuPerSlot,
    diskBandwidth: spec.cluster.diskBandwidth,
    networkBandwidth: spec.cluster.networkBandwidth,
    memoryPerSlot: spec.cluster.memoryPerSlot,
    maxSlots: spec.cluster.maxSlots,
    shuffle: spec.cluster.shuffle,
    avgVolume: spec.parallelism.avgDataVolumePerTask,
    mode: spec.mode,
  };
}

/** The dimensions that `axes` sweeps (a non-empty list), in grid order. */
export function sweptDimensions(axes: GridAxes): Dimension[] {
  return DIMENSIONS.filter((d) => (axes[d]?.length ?? 0) > 0);
}

/**
 * The cartesian product of the swept values, the first dimension of {@link DIMENSIONS}
 * varying slowest, so rows read like nested loops in the order the options are listed.
 * With nothing swept the grid is the scenario itself: one choice, no overrides.
 */
export function buildGrid(base: ChoiceSettings, axes: GridAxes): Choice[] {
  const swept = sweptDimensions(axes);
  let partials: Partial<ChoiceSettings>[] = [{}];
  for (const d of swept) {
    const values = axes[d] as readonly (number | string)[];
    partials = partials.flatMap((p) => values.map((v) => ({ ...p, [d]: v })));
  }
  return partials.map((overrides, index) => {
    const settings = { ...base, ...overrides };
    return { index, settings, overrides, label: choiceLabel(settings, swept) };
  });
}

/** How many choices {@link buildGrid} makes of `axes`, without making them. */
export function gridSize(axes: GridAxes): number {
  return sweptDimensions(axes).reduce((n, d) => n * (axes[d] as readonly unknown[]).length, 1);
}

/** `count` consecutive seeds from `first`: the scenario's seed, then +1, +2, ... */
export function seedList(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Every (choice, seed) pair, choice-major, so a choice's runs are contiguous and in seed order. */
export function buildRuns(choices: readonly Pick<Choice, 'index'>[], seeds: readonly number[]): GridRun[] {
  const runs: GridRun[] = [];
  for (const c of choices) for (const seed of seeds) runs.push({ index: runs.length, choice: c.index, seed });
  return runs;
}

/** How one setting reads in a label or a heading. */
export function describeSetting(d: Dimension, s: ChoiceSettings): string {
  switch (d) {
    case 'slots':
      return `${s.slots} slot${s.slots === 1 ? '' : 's'}`;
    case 'cpuPerSlot':
      return `${s.cpuPerSlot} core${s.cpuPerSlot === 1 ? '' : 's'} per slot`;
    case 'diskBandwidth':
      return `disk ${formatBandwidth(s.diskBandwidth)}`;
    case 'networkBandwidth':
      return `network ${formatBandwidth(s.networkBandwidth)}`;
    case 'memoryPerSlot':
      return `${formatBytes(s.memoryPerSlot)} per slot`;
    case 'maxSlots':
      return `max slots ${formatMaxSlots(s.maxSlots)}`;
    case 'shuffle':
      return `${s.shuffle} shuffle`;
    case 'avgVolume':
      return `${formatBytes(s.avgVolume)} per task`;
    case 'mode':
      return s.mode.toLowerCase();
  }
}

/** `unlimited` or the number: how the command line and the scenario spell a slot cap. */
export function formatMaxSlots(maxSlots: number): string {
  return Number.isFinite(maxSlots) ? String(maxSlots) : 'unlimited';
}

/** `unlimited` or a rate in binary units per second. */
export function formatBandwidth(bytesPerSecond: number): string {
  return Number.isFinite(bytesPerSecond) ? `${formatBytes(bytesPerSecond)}/s` : 'unlimited';
}

/** The label of a choice: its swept settings; with none swept, its slots (the grid's main subject). */
export function choiceLabel(s: ChoiceSettings, swept: readonly Dimension[]): string {
  return (swept.length === 0 ? (['slots'] as Dimension[]) : swept).map((d) => describeSetting(d, s)).join(', ');
}

const AVG_VOLUME_KEY = 'execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task';
const LEGACY_AVG_VOLUME_KEY = 'jobmanager.adaptive-batch-scheduler.avg-data-volume-per-task';

type Doc = Record<string, unknown>;

const isMap = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The scenario with a choice's settings applied. The change is made in the parsed document
 * and the document is loaded again, rather than patching the resolved spec, because the
 * loader derives values from these settings (the `auto` disk size follows the cores of a
 * TaskManager, hence its slots; the memory layout follows the memory per slot) and does not
 * keep which of them the file set explicitly.
 * The Flink config keys that would override the cluster section are removed so the
 * choice's value is the one that applies.
 * @throws ScenarioError when the text (or the changed document) is not a valid scenario
 */
export function scenarioForChoice(text: string, file: string, overrides: ChoiceOverrides): JobScenario {
  if (Object.keys(overrides).length === 0) return loadJobScenario(text, file, 'compare');
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true });
  } catch {
    // Let the loader report the syntax error the way it always does.
    return loadJobScenario(text, file, 'compare');
  }
  if (!isMap(raw)) return loadJobScenario(text, file, 'compare');
  const doc: Doc = { ...raw };
  const cluster: Doc = nestDotted(isMap(doc.cluster) ? doc.cluster : {});
  const tm: Doc = isMap(cluster.taskmanager) ? { ...cluster.taskmanager } : {};
  const config: Doc = isMap(doc.config) ? { ...doc.config } : {};

  if (overrides.slots !== undefined) {
    tm.slots = overrides.slots;
    delete config['taskmanager.numberOfTaskSlots'];
  }
  if (overrides.cpuPerSlot !== undefined) tm.cpuPerSlot = overrides.cpuPerSlot;
  if (overrides.diskBandwidth !== undefined) tm.diskBandwidth = bandwidthValue(overrides.diskBandwidth);
  if (overrides.networkBandwidth !== undefined) tm.networkBandwidth = bandwidthValue(overrides.networkBandwidth);
  if (overrides.memoryPerSlot !== undefined) {
    tm.memoryPerSlot = overrides.memoryPerSlot;
    delete config['taskmanager.memory.process.size'];
  }
  if (overrides.maxSlots !== undefined) {
    cluster.maxSlots = Number.isFinite(overrides.maxSlots) ? overrides.maxSlots : 'unlimited';
    delete config['slotmanager.number-of-slots.max'];
  }
  if (overrides.shuffle !== undefined) cluster.shuffle = overrides.shuffle;
  if (overrides.avgVolume !== undefined) {
    config[AVG_VOLUME_KEY] = overrides.avgVolume;
    delete config[LEGACY_AVG_VOLUME_KEY];
  }
  if (overrides.mode !== undefined) config['execution.runtime-mode'] = overrides.mode;
  if (overrides.parallelismDefault !== undefined) config['parallelism.default'] = overrides.parallelismDefault;
  if (Object.keys(tm).length > 0) cluster.taskmanager = tm;
  doc.cluster = cluster;
  // A config map emptied by the deletions above must go too, or the file's own (with the
  // key that overrides the choice) would stay.
  if (Object.keys(config).length > 0) doc.config = config;
  else delete doc.config;
  const scenario = loadJobScenario(stringifyYaml(doc), file, 'compare');
  const { parallelismDefault, ...settings } = overrides;
  assertApplied(baseSettings(scenario.spec), settings);
  if (parallelismDefault !== undefined && scenario.spec.parallelism.globalDefault !== parallelismDefault) {
    throw new Error(`the choice parallelism.default = ${parallelismDefault} did not take effect`);
  }
  return scenario;
}

/**
 * Every setting a choice asks for must be the one the loaded scenario runs with: a spelling
 * of the setting this module does not rewrite would otherwise be run silently as the file says.
 * @throws Error naming the setting (a bug here, not bad input)
 */
function assertApplied(got: ChoiceSettings, overrides: Partial<ChoiceSettings>): void {
  for (const [d, want] of Object.entries(overrides) as [Dimension, ChoiceSettings[Dimension]][]) {
    if (got[d] !== want) throw new Error(`the choice ${d} = ${String(want)} did not take effect: the scenario runs with ${String(got[d])}`);
  }
}

/** A bandwidth as the scenario spells it: bytes per second, or `unlimited`. */
const bandwidthValue = (bytesPerSecond: number): number | string => (Number.isFinite(bytesPerSecond) ? bytesPerSecond : 'unlimited');

/**
 * Folds `taskmanager.slots: 2`-style keys of the cluster section into nested maps, so a
 * value set in the nested map cannot be shadowed (or dropped) by a dotted twin.
 */
function nestDotted(section: Doc): Doc {
  const out: Doc = {};
  const dotted: [string, string, unknown][] = [];
  for (const [k, v] of Object.entries(section)) {
    const dot = k.indexOf('.');
    if (dot > 0) dotted.push([k.slice(0, dot), k.slice(dot + 1), v]);
    else out[k] = isMap(v) ? { ...v } : v;
  }
  for (const [head, rest, v] of dotted) {
    const inner: Doc = isMap(out[head]) ? (out[head] as Doc) : {};
    inner[rest] = v;
    out[head] = inner;
  }
  return out;
}
