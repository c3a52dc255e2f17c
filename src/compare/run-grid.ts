//! Runs a comparison's grid on every core through worker threads, with results that do not depend on how many.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunSummary } from './aggregate.js';
import type { ChoiceSettings, GridRun } from './grid.js';
import { ChoiceRunner, WORKER_KIND, type WorkerInit, type WorkerReply, type WorkerTask } from './worker.js';

/** What to run: the scenario's text, each choice's overrides (by choice index), and the runs. */
export interface GridJob {
  text: string;
  file: string;
  overrides: readonly Partial<ChoiceSettings>[];
  runs: readonly GridRun[];
}

/** Options of {@link runGrid}. */
export interface RunGridOptions {
  /**
   * Threads to use: default {@link defaultWorkers}; at most the number of runs; 1 runs
   * inline, without threads.
   */
  workers?: number;
  /** Called after each run completes, with how many are done and how many there are. */
  onProgress?: (done: number, total: number) => void;
  /** The worker module; default `worker.js` beside this module (see {@link workerModuleUrl}). */
  workerUrl?: URL;
}

/** The summaries, by run position, and how many threads computed them (0 = inline). */
export interface GridResult {
  summaries: RunSummary[];
  threads: number;
}

/**
 * Subtask-runs below which threads cost more than they save: each worker loads and warms
 * up the simulator (about 0.1 s), while a run of a few thousand subtasks takes milliseconds.
 */
export const THREADS_WORTH_IT = 200_000;

/**
 * One thread per core the process may use, when the grid is big enough to gain from them.
 * @param subtaskRuns runs times subtasks per run (estimated); omitted = assume big
 */
export function defaultWorkers(subtaskRuns = Infinity): number {
  return subtaskRuns < THREADS_WORTH_IT ? 1 : availableParallelism();
}

/**
 * The compiled worker `module` beside this module (default: compare's), or null when this
 * module is a TypeScript source (run through a test runner's loader): plain Node cannot
 * start a worker on a `.ts` file, so the grid then runs inline, which gives the same results.
 */
export function workerModuleUrl(module = './worker.js'): URL | null {
  return import.meta.url.endsWith('.ts') ? null : new URL(module, import.meta.url);
}

/**
 * Simulates every run of the grid. Each run depends only on its scenario, choice and
 * seed, and its summary is stored at its own position, never in completion order, so the
 * result is the same for any number of workers.
 * @throws the first error of any run (other workers are stopped)
 */
export async function runGrid(job: GridJob, options: RunGridOptions = {}): Promise<GridResult> {
  const init: WorkerInit = { kind: WORKER_KIND, text: job.text, file: job.file, overrides: [...job.overrides] };
  const runners = { inline: () => new ChoiceRunner(job.text, job.file, job.overrides), workerUrl: options.workerUrl ?? workerModuleUrl(), init };
  return runGridWith(job.runs, runners, options);
}

/**
 * How the runs of a grid are simulated, whatever a run's summary holds: a runner for the
 * inline path, and a worker module (with the data it starts with) that answers batches of
 * {@link WorkerTask} with {@link WorkerReply}, computing what the inline runner computes.
 */
export interface GridRunners<S> {
  inline: () => { run(choice: number, seed: number): S };
  /** null: always inline (see {@link workerModuleUrl}). */
  workerUrl: URL | null;
  /** The worker's `workerData`. */
  init: unknown;
}

/** {@link runGrid} for any kind of run (a single job, several jobs). @throws the first error of any run */
export async function runGridWith<S>(
  runs: readonly GridRun[],
  runners: GridRunners<S>,
  options: Omit<RunGridOptions, 'workerUrl'> = {},
): Promise<{ summaries: S[]; threads: number }> {
  const total = runs.length;
  const url = runners.workerUrl;
  const wanted = Math.max(1, Math.floor(options.workers ?? defaultWorkers()));
  const threads = url === null ? 0 : Math.min(wanted, total);
  if (threads <= 1) return { summaries: await runInline(runs, runners.inline(), options.onProgress), threads: 0 };
  return { summaries: await runThreads<S>(runs, url as URL, runners.init, threads, options.onProgress), threads };
}

async function runInline<S>(runs: readonly GridRun[], runner: { run(choice: number, seed: number): S }, onProgress?: (done: number, total: number) => void): Promise<S[]> {
  const out: S[] = [];
  for (const r of runs) {
    out.push(runner.run(r.choice, r.seed));
    if (onProgress !== undefined) {
      onProgress(out.length, runs.length);
      // Let a progress bar's timer draw between runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return out;
}

function runThreads<S>(runs: readonly GridRun[], url: URL, init: unknown, threads: number, onProgress?: (done: number, total: number) => void): Promise<S[]> {
  const total = runs.length;
  const summaries: S[] = new Array<S>(total);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let settled = false;
    const stopAll = () => Promise.allSettled(pool.map((w) => w.terminate()));
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      void stopAll().then(() => reject(err instanceof Error ? err : new Error(String(err))));
    };
    // About eight batches per thread: few enough messages that short runs are not
    // dominated by them, small enough that threads finish close together.
    const batch = Math.max(1, Math.floor(total / (threads * 8)));
    const feed = (w: Worker) => {
      const tasks: WorkerTask[] = [];
      while (next < total && tasks.length < batch) {
        const r = runs[next];
        tasks.push({ position: next++, choice: r.choice, seed: r.seed });
      }
      if (tasks.length > 0) w.postMessage(tasks);
    };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(url, { workerData: init });
      pool.push(w);
      w.on('message', (m: WorkerReply<S>) => {
        if (settled) return;
        if ('error' in m) {
          fail(new Error(`run ${m.position} (choice ${runs[m.position].choice}, seed ${runs[m.position].seed}): ${m.error}`));
          return;
        }
        m.positions.forEach((pos, i) => {
          summaries[pos] = m.summaries[i];
          done++;
          onProgress?.(done, total);
        });
        if (done === total) {
          settled = true;
          void stopAll().then(() => resolve(summaries));
        } else {
          feed(w);
        }
      });
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`a compare worker exited early (code ${code})`)));
      // Two batches in flight per worker hide the message round trip behind simulations.
      feed(w);
      feed(w);
    }
  });
}
