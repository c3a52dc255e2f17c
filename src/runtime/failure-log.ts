//! A job's failures as its result lists them: what failed, when, and what the job did about it.

import type { FailureResult } from '../model/run-result.js';

/** The cause of every TaskManager loss. */
export const TM_LOST = 'TaskManager lost';

/** The failures of one job, in the order they happened. */
export class FailureLog {
  readonly entries: FailureResult[] = [];

  /** A failure the job restarts from, after `delayMs`. */
  restarted(nowMs: number, f: { subtask: string | null; attempt: number | null; taskManager: number | null; cause: string; restarted: string[]; restartedCount: number }, delayMs: number): void {
    const { subtask, attempt, taskManager, cause, restarted, restartedCount } = f;
    this.entries.push({ time: nowMs / 1000, subtask, attempt, taskManager, cause, action: 'restart', restarted, restartedCount, delay: delayMs / 1000 });
  }

  /** The failure that ended the job: its restart strategy was exhausted. */
  jobFailed(nowMs: number, subtask: string | null, attempt: number | null, taskManager: number | null, cause: string): void {
    this.entries.push({ time: nowMs / 1000, subtask, attempt, taskManager, cause, action: 'job-failed', restarted: [], restartedCount: 0, delay: 0 });
  }

  /** A TaskManager fault that hit nothing: `why` says what it found. */
  ignoredTaskManagerLoss(nowMs: number, taskManager: number | null, why: string): void {
    this.entries.push({ time: nowMs / 1000, subtask: null, attempt: null, taskManager, cause: `${TM_LOST}${why}`, action: 'ignored', restarted: [], restartedCount: 0, delay: 0 });
  }
}
