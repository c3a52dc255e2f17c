//! The plan of a comparison: its choices, seeds and runs, each choice's scenario checked, and what each run is expected to cost.

import type { SimulationSpec } from '../model/spec.js';
import type { JobScenario } from '../scenario/load.js';
import { baseSettings, buildGrid, buildRuns, scenarioForChoice, sweptDimensions, type Choice, type ChoiceSettings, type Dimension, type GridAxes, type GridRun } from './grid.js';

/** Everything a comparison runs, before it runs. */
export interface ComparePlan {
  /** The scenario's name. */
  name: string;
  base: ChoiceSettings;
  swept: Dimension[];
  choices: Choice[];
  seeds: number[];
  /** Choice-major, seeds in order: see `buildRuns`. */
  runs: GridRun[];
  /** Estimated subtasks of one run of each choice, by choice index. */
  subtasks: number[];
}

/**
 * Plans the grid of `axes` over `seeds`. Every choice's scenario is loaded once here, so a
 * choice the loader rejects is reported as a scenario error before anything runs; the
 * warnings a choice adds to the scenario's own are handed to `onWarnings` once each, naming
 * the choice, in grid order.
 * @throws ScenarioError when a choice's scenario is invalid
 */
export function planComparison(args: {
  text: string;
  label: string;
  scenario: JobScenario;
  axes: GridAxes;
  seeds: number[];
  onWarnings?: (label: string, warnings: string[]) => void;
}): ComparePlan {
  const { text, label, scenario, axes, seeds } = args;
  const base = baseSettings(scenario.spec);
  const choices = buildGrid(base, axes);
  args.onWarnings?.(label, [...scenario.spec.warnings]);
  const said = new Set(scenario.spec.warnings);
  const subtasks: number[] = [];
  for (const ch of choices) {
    const spec = scenarioForChoice(text, label, ch.overrides).spec;
    const fresh = spec.warnings.filter((w) => !said.has(w));
    fresh.forEach((w) => said.add(w));
    args.onWarnings?.(`${label} (${ch.label})`, fresh);
    subtasks.push(estimatedSubtasks(spec));
  }
  return { name: scenario.spec.name, base, swept: sweptDimensions(axes), choices, seeds: [...seeds], runs: buildRuns(choices, seeds), subtasks };
}

/** Subtasks of one run, counting an inferred vertex at its largest possible parallelism. */
export function estimatedSubtasks(spec: SimulationSpec): number {
  const max = spec.parallelism.maxParallelism;
  return spec.vertices.reduce((n, v) => n + (v.parallelism ?? (v.sourceBytes !== undefined ? spec.parallelism.defaultSourceParallelism : max)), 0);
}

/**
 * The expected cost of each run, by run position: the subtasks of its choice. A run's
 * events, and so its time, grow with its subtasks; seeds of one choice cost about the same.
 */
export function runWeights(plan: ComparePlan): number[] {
  return plan.runs.map((r) => plan.subtasks[r.choice]);
}
