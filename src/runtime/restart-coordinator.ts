//! Whether a failed job restarts, and after what delay: the restart strategy and the no-progress guard together.

import type { RestartBackoff } from '../failure/restart-backoff.js';

/** What to do about one failure. */
export type RestartDecision =
  /** Restart after `delayMs`. */
  | { restart: true; delayMs: number }
  /** Fail the job; `exhausted` says the restart strategy refused (else the no-progress guard did). */
  | { restart: false; exhausted: boolean; jobCause: string };

/**
 * Tells each failure of a job whether it restarts (as Flink's restart-backoff strategy
 * decides) and counts the restarts; also ends a job that restarts over and over while
 * nothing finishes (batchsim.max-restarts-without-progress), so every run ends.
 */
export class RestartCoordinator {
  /** Restarts performed; failures that arrive within one restart's delay count once, as in Flink. */
  restarts = 0;
  private withoutProgress = 0;

  constructor(
    private readonly backoff: RestartBackoff,
    private readonly maxWithoutProgress: number,
    /** How a restart without progress is named in the job's failure cause ("restarts without any subtask finishing"). */
    private readonly noProgressName: string,
  ) {}

  /**
   * A failure happened now.
   * @param what the failed subtask (`vertex[i]`), for the job's failure cause, or null
   */
  decide(nowMs: number, cause: string, what: string | null): RestartDecision {
    const isNewRestart = this.backoff.notifyFailure(nowMs);
    if (!this.backoff.canRestart()) {
      const jobCause = `${cause}${what !== null ? ` (${what})` : ''}; restart strategy exhausted: ${this.backoff.describeExhausted()}`;
      return { restart: false, exhausted: true, jobCause };
    }
    if (++this.withoutProgress > this.maxWithoutProgress) {
      const jobCause = `no progress: ${this.withoutProgress - 1} ${this.noProgressName} (batchsim.max-restarts-without-progress); last cause: ${cause}`;
      return { restart: false, exhausted: false, jobCause };
    }
    if (isNewRestart) this.restarts++;
    return { restart: true, delayMs: Math.max(0, Math.round(this.backoff.backoffMs())) };
  }

  /** A subtask finished: the job is moving again. */
  madeProgress(): void {
    this.withoutProgress = 0;
  }
}
