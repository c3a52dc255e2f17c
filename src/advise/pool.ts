//! Runs `advise`'s candidates on `compare`'s worker threads, kept alive across the search's many small batches.

import { Worker } from 'node:worker_threads';
import type { RunSummary } from '../compare/aggregate.js';
import type { ChoiceOverrides } from '../compare/grid.js';
import { workerModuleUrl } from '../compare/run-grid.js';
import { ChoiceRunner, WORKER_KIND, type WorkerAddChoices, type WorkerInit, type WorkerReply, type WorkerTask } from '../compare/worker.js';

/** One run: a choice (as numbered by {@link EvaluationPool.addChoices}) with a seed. */
export interface PoolTask {
  choice: number;
  seed: number;
}

/**
 * Simulates runs in batches. `compare`'s `runGrid` starts its threads for one grid and stops
 * them; a search asks for a few dozen runs at a time, dozens of times, so this pool starts
 * the same worker module once and sends it new choices as the search finds them. Each run
 * depends only on its choice and seed and its summary is returned at its task's position,
 * so the results are the same for any number of threads (1 = inline, no thread).
 */
export class EvaluationPool {
  private readonly workers: Worker[] = [];
  private readonly inline: ChoiceRunner | null;
  private choices = 0;
  private broken: Error | null = null;
  /** Replies are routed to the batch under way (one at a time). */
  private onReply: ((w: Worker, m: WorkerReply) => void) | null = null;

  constructor(text: string, file: string, threads: number, workerUrl: URL | null = workerModuleUrl()) {
    if (threads <= 1 || workerUrl === null) {
      this.inline = new ChoiceRunner(text, file, [], true);
      return;
    }
    this.inline = null;
    const init: WorkerInit = { kind: WORKER_KIND, text, file, overrides: [], detail: true };
    for (let i = 0; i < threads; i++) {
      const w = new Worker(workerUrl, { workerData: init });
      w.on('message', (m: WorkerReply) => this.onReply?.(w, m));
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => this.fail(new Error(`an advise worker exited early (code ${code})`)));
      this.workers.push(w);
    }
  }

  /** Threads in use (0 = inline). */
  get threads(): number {
    return this.workers.length;
  }

  private failHandler: ((err: Error) => void) | null = null;

  private fail(err: unknown): void {
    if (this.broken !== null) return;
    this.broken = err instanceof Error ? err : new Error(String(err));
    this.failHandler?.(this.broken);
  }

  /** Makes choices known to every worker; returns the number of the first. */
  addChoices(overrides: readonly ChoiceOverrides[]): number {
    const first = this.choices;
    this.choices += overrides.length;
    if (this.inline !== null) this.inline.addChoices(overrides);
    else for (const w of this.workers) w.postMessage({ addChoices: [...overrides] } satisfies WorkerAddChoices);
    return first;
  }

  /** Simulates the tasks; summaries in task order. `onRun` is called after each run. */
  async run(tasks: readonly PoolTask[], onRun?: () => void): Promise<RunSummary[]> {
    if (this.broken !== null) throw this.broken;
    if (this.inline !== null) {
      const out: RunSummary[] = [];
      for (const t of tasks) {
        out.push(this.inline.run(t.choice, t.seed));
        onRun?.();
      }
      return out;
    }
    if (tasks.length === 0) return [];
    const total = tasks.length;
    const summaries = new Array<RunSummary>(total);
    // A few batches per thread: few messages, and threads that finish close together.
    const batch = Math.max(1, Math.floor(total / (this.workers.length * 4)));
    let next = 0;
    let done = 0;
    return new Promise<RunSummary[]>((resolve, reject) => {
      const finish = (err: Error | null) => {
        this.onReply = null;
        this.failHandler = null;
        if (err !== null) reject(err);
        else resolve(summaries);
      };
      const feed = (w: Worker) => {
        const batchTasks: WorkerTask[] = [];
        while (next < total && batchTasks.length < batch) {
          batchTasks.push({ position: next, choice: tasks[next].choice, seed: tasks[next].seed });
          next++;
        }
        if (batchTasks.length > 0) w.postMessage(batchTasks);
      };
      this.failHandler = (err) => finish(err);
      this.onReply = (w, m) => {
        if ('error' in m) {
          this.fail(new Error(`choice ${tasks[m.position].choice}, seed ${tasks[m.position].seed}: ${m.error}`));
          return;
        }
        m.positions.forEach((pos, i) => {
          summaries[pos] = m.summaries[i];
          done++;
          onRun?.();
        });
        if (done === total) finish(null);
        else feed(w);
      };
      // Two batches in flight per worker hide the message round trip behind simulations.
      for (const w of this.workers) {
        feed(w);
        feed(w);
      }
    });
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    this.broken ??= new Error('the pool is closed');
    this.failHandler = null;
    await Promise.allSettled(this.workers.map((w) => w.terminate()));
  }
}
