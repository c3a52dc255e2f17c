//! The worker thread of `batchsim compare`: simulates the (choice, seed) runs it is sent and posts back their summaries.

import { parentPort, workerData } from 'node:worker_threads';
import type { SimulationSpec } from '../model/spec.js';
import { simulate } from '../sim/simulate.js';
import { summarizeRun, type RunSummary } from './aggregate.js';
import { runDetail } from './run-detail.js';
import { scenarioForChoice, type ChoiceOverrides } from './grid.js';

/** Marks `workerData` as ours, so that importing this module in some other thread does nothing. */
export const WORKER_KIND = 'batchsim-compare-worker';

/** What a worker is started with: the scenario as text and every choice's overrides. */
export interface WorkerInit {
  kind: typeof WORKER_KIND;
  text: string;
  file: string;
  overrides: ChoiceOverrides[];
  /** Add each run's {@link RunSummary}.detail (what `batchsim advise` weighs); compare leaves it out. */
  detail?: boolean;
}

/** One run to simulate; `position` is the run's place in the grid's run list. */
export interface WorkerTask {
  position: number;
  choice: number;
  seed: number;
}

/**
 * Choices added after the start, numbered on from those the worker already has: `batchsim
 * advise` finds the settings it runs as its search goes.
 */
export interface WorkerAddChoices {
  addChoices: ChoiceOverrides[];
}

/**
 * A worker's answer to a batch of tasks: the summaries in task order, or the first error
 * with the position of the run that raised it.
 */
export type WorkerReply<S = RunSummary> = { positions: number[]; summaries: S[] } | { position: number; error: string };

/**
 * Simulates runs of the grid's choices. Each choice's scenario is loaded once and kept,
 * since every seed of a choice uses the same spec. Used by the worker threads and by the
 * inline (single-thread) path alike, so both compute exactly the same thing.
 */
export class ChoiceRunner {
  private readonly specs = new Map<number, SimulationSpec>();
  private readonly overrides: ChoiceOverrides[];

  constructor(
    private readonly text: string,
    private readonly file: string,
    overrides: readonly ChoiceOverrides[],
    private readonly detail = false,
  ) {
    this.overrides = [...overrides];
  }

  /** Appends choices, numbered on from the last one. */
  addChoices(more: readonly ChoiceOverrides[]): void {
    this.overrides.push(...more);
  }

  /** Simulates choice `choice` with `seed`. @throws ScenarioError when the choice's scenario is invalid */
  run(choice: number, seed: number): RunSummary {
    let spec = this.specs.get(choice);
    if (spec === undefined) {
      const overrides = this.overrides[choice];
      if (overrides === undefined) throw new RangeError(`no choice ${choice}`);
      spec = scenarioForChoice(this.text, this.file, overrides).spec;
      this.specs.set(choice, spec);
    }
    const result = simulate(spec, { seed }).result;
    return this.detail ? { ...summarizeRun(result), detail: runDetail(spec, result) } : summarizeRun(result);
  }
}

function isInit(data: unknown): data is WorkerInit {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === WORKER_KIND;
}

if (parentPort !== null && isInit(workerData)) {
  const port = parentPort;
  const runner = new ChoiceRunner(workerData.text, workerData.file, workerData.overrides, workerData.detail === true);
  // Tasks come in batches: one message per run would cost more than a short simulation.
  port.on('message', (tasks: WorkerTask[] | WorkerAddChoices) => {
    if (!Array.isArray(tasks)) {
      runner.addChoices(tasks.addChoices);
      return;
    }
    const summaries: RunSummary[] = [];
    for (const task of tasks) {
      try {
        summaries.push(runner.run(task.choice, task.seed));
      } catch (err) {
        port.postMessage({ position: task.position, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
        return;
      }
    }
    port.postMessage({ positions: tasks.map((t) => t.position), summaries } satisfies WorkerReply);
  });
}
