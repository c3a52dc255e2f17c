//! The short human summary `batchsim run` prints for a multi-job (`jobs:`) scenario.

import type { QueueResult, WorkloadResult } from '../model/run-result.js';
import { formatSeconds } from '../util/format.js';
import { sec, table } from './summary.js';

/** CU as the queue reports them (thousandths), without trailing zeros. */
const cu = (x: number): string => String(+x.toFixed(3));

/** How much of its capacity a queue used, e.g. `64%`, or `-` when unlimited. */
function share(used: number, q: QueueResult): string {
  return q.capacity === null || q.capacity <= 0 ? '-' : `${Math.round((100 * used) / q.capacity)}%`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The run's status line: FINISHED, or FAILED with how many jobs did not finish. */
function statusLine(r: WorkloadResult): string {
  if (r.status === 'FINISHED') return r.status;
  const failed = r.jobs.filter((j) => j.status === 'FAILED').length;
  const skipped = r.jobs.filter((j) => j.status === 'SKIPPED').length;
  const parts = [`${failed} of ${plural(r.jobs.length, 'job')} failed`, ...(skipped > 0 ? [`${skipped} skipped`] : [])];
  return `${r.status}: ${parts.join(', ')}`;
}

/**
 * Renders a multi-job run for a person: the run's status, makespan and cost, a table of the
 * jobs (queue, when each was submitted, started and ended, how long its requests waited for
 * queue capacity, status, TaskManagers, cost), each queue's peak and mean CU against its
 * capacity, and why each job that did not finish ended so.
 */
export function formatWorkloadSummary(r: WorkloadResult): string {
  const out: string[] = [];
  out.push(`${r.scenario} (seed ${r.seed}, ${plural(r.jobs.length, 'job')}, ${plural(r.queues.length, 'queue')})`);
  out.push(`status        ${statusLine(r)}`);
  out.push(`makespan      ${formatSeconds(r.makespan)} (the end of the last job)`);
  out.push(
    `cost          ${r.cost.coreSeconds.toFixed(1)} core-seconds, ${r.cost.gibSeconds.toFixed(1)} GiB-seconds (TaskManagers and JobManagers of all jobs)` +
      (r.cost.shuffleServiceCuSeconds > 0 ? `, ${r.cost.shuffleServiceCuSeconds.toFixed(1)} CU-seconds of remote shuffle` : ''),
  );
  out.push('');
  const jobs = [['job', 'queue', 'submitted s', 'started s', 'waited s', 'end s', 'makespan s', 'status', 'TMs', 'core-s']];
  for (const j of r.jobs) {
    jobs.push([
      j.name,
      j.queue,
      sec(j.submitted),
      sec(j.started),
      sec(j.waited),
      sec(j.end),
      sec(j.makespan),
      j.status,
      String(j.taskManagers.created),
      j.cost.coreSeconds.toFixed(1),
    ]);
  }
  out.push(table(jobs, new Set([2, 3, 4, 5, 6, 8, 9])));
  out.push('');
  const queues = [['queue', 'capacity CU', 'peak CU', 'mean CU', 'peak use', 'mean use']];
  for (const q of r.queues) {
    queues.push([q.name, q.capacity === null ? 'unlimited' : cu(q.capacity), cu(q.peakCu), cu(q.meanCu), share(q.peakCu, q), share(q.meanCu, q)]);
  }
  out.push(table(queues, new Set([1, 2, 3, 4, 5])));
  const unfinished = r.jobs.filter((j) => j.status !== 'FINISHED');
  if (unfinished.length > 0) {
    out.push('');
    out.push('not finished:');
    for (const j of unfinished) out.push(`  ${j.name} ${j.status}${j.failureCause !== undefined ? `: ${j.failureCause}` : ''}`);
  }
  // Warnings are not part of the summary: the CLI prints them on stderr.
  return out.join('\n');
}
