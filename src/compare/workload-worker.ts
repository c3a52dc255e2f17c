//! The worker thread of `batchsim compare` on a multi-job scenario: simulates the (choice, seed) runs it is sent and posts back their summaries.

import { parentPort, workerData } from 'node:worker_threads';
import type { WorkloadSpec } from '../model/workload-spec.js';
import { loadScenario } from '../scenario/load.js';
import { simulateWorkload } from '../sim/simulate.js';
import { summarizeWorkloadRun, type WorkloadRunSummary } from './workload-aggregate.js';
import { applyWorkloadChoice, type WorkloadOverrides } from './workload-grid.js';
import type { WorkerReply, WorkerTask } from './worker.js';

/** Marks `workerData` as ours, so that importing this module in some other thread does nothing. */
export const WORKLOAD_WORKER_KIND = 'batchsim-compare-workload-worker';

/** What a worker is started with: the scenario as text and every choice's overrides. */
export interface WorkloadWorkerInit {
  kind: typeof WORKLOAD_WORKER_KIND;
  text: string;
  file: string;
  overrides: WorkloadOverrides[];
}

/**
 * Simulates runs of a multi-job grid. The scenario is loaded once (its `file:` references
 * read again from where the command read them) and each choice applied to it once. Used by
 * the worker threads and by the inline path alike, so both compute exactly the same thing.
 */
export class WorkloadChoiceRunner {
  private base: WorkloadSpec | undefined;
  private readonly specs = new Map<number, WorkloadSpec>();

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly overrides: readonly WorkloadOverrides[],
  ) {}

  /** Simulates choice `choice` with `seed`. @throws ScenarioError or SweepFlagError when the choice cannot be run */
  run(choice: number, seed: number): WorkloadRunSummary {
    let spec = this.specs.get(choice);
    if (spec === undefined) {
      const overrides = this.overrides[choice];
      if (overrides === undefined) throw new RangeError(`no choice ${choice}`);
      spec = applyWorkloadChoice(this.workload(), overrides);
      this.specs.set(choice, spec);
    }
    return summarizeWorkloadRun(simulateWorkload(spec, { seed }).result);
  }

  private workload(): WorkloadSpec {
    if (this.base === undefined) {
      const loaded = loadScenario(this.text, this.file);
      if (loaded.kind !== 'workload') throw new Error(`${this.file} holds a single job, not several`);
      this.base = loaded.workload;
    }
    return this.base;
  }
}

function isInit(data: unknown): data is WorkloadWorkerInit {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === WORKLOAD_WORKER_KIND;
}

if (parentPort !== null && isInit(workerData)) {
  const port = parentPort;
  const runner = new WorkloadChoiceRunner(workerData.text, workerData.file, workerData.overrides);
  // Tasks come in batches, as compare's own worker takes them.
  port.on('message', (tasks: WorkerTask[]) => {
    const summaries: WorkloadRunSummary[] = [];
    for (const task of tasks) {
      try {
        summaries.push(runner.run(task.choice, task.seed));
      } catch (err) {
        port.postMessage({ position: task.position, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply<WorkloadRunSummary>);
        return;
      }
    }
    port.postMessage({ positions: tasks.map((t) => t.position), summaries } satisfies WorkerReply<WorkloadRunSummary>);
  });
}
