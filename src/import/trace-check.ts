//! `import --check` of a trace: each job's simulated makespan against its recorded span, the
//! distribution of the errors, and why the largest ones differ.

import type { WorkloadResult } from '../model/run-result.js';
import type { WorkloadSpec } from '../model/workload-spec.js';
import type { BatchTaskImport, TraceJob } from './alibaba-batch-task.js';

/** Runs a multi-job scenario: the multi-job simulation, or a stand-in in tests. */
export type WorkloadRunner = (spec: WorkloadSpec) => WorkloadResult;

/** One job's comparison. */
export interface TraceCheckRow {
  name: string;
  /** Recorded span, first start to last end, seconds. */
  recorded: number;
  /** Simulated makespan (submission to end), seconds; undefined when the run has no such job. */
  simulated?: number;
  /** (simulated - recorded) / recorded; undefined when the recorded span is 0 or nothing was simulated. */
  error?: number;
  status?: string;
  terminated: boolean;
  /** Why the two differ, when they do. */
  why?: string;
}

/** A difference below this (relative, or absolute in seconds for a 0 s span) counts as a match. */
const MATCH = 0.01;

/**
 * Simulates the imported scenario and compares each job with the trace.
 * @param workload the imported scenario, loaded
 * @param run the multi-job simulation
 */
export function checkTrace(imported: BatchTaskImport, workload: WorkloadSpec, run: WorkloadRunner): TraceCheckRow[] {
  const result = run(workload);
  const byName = new Map(result.jobs.map((j) => [j.name, j]));
  return imported.jobs.map((job): TraceCheckRow => {
    const sim = byName.get(job.name);
    const row: TraceCheckRow = { name: job.name, recorded: job.recordedSpan, terminated: job.terminated };
    if (sim === undefined) return { ...row, why: 'not in the simulated run' };
    row.simulated = sim.makespan;
    row.status = sim.status;
    if (job.recordedSpan > 0) row.error = (sim.makespan - job.recordedSpan) / job.recordedSpan;
    const differs = row.error !== undefined ? Math.abs(row.error) > MATCH : Math.abs(sim.makespan - job.recordedSpan) > MATCH;
    if (differs || sim.status !== 'FINISHED') row.why = explain(job, sim.makespan, sim.status, sim.waited, sim.failureCause);
    return row;
  });
}

/** The likeliest reason a job's simulated makespan differs from its recorded span. */
function explain(job: TraceJob, simulated: number, status: string, waited: number, cause: string | undefined): string {
  if (status !== 'FINISHED') return `the simulated job ended ${status}${cause !== undefined ? ` (${cause})` : ''}`;
  if (!job.terminated) {
    const statuses = Object.entries(job.otherStatuses).map(([s, n]) => `${n} ${s}`).join(', ');
    return `not every task terminated (${statuses}): the recorded span is cut off by the trace's end or by the failure`;
  }
  if (waited > 0) return `it waited ${fmt(waited)} for queue capacity`;
  const chain = job.criticalPath;
  if (chain > job.recordedSpan) {
    return `in the trace, tasks ran alongside tasks their names say they depend on; waiting for each dependency takes ${fmt(chain)} along the longest chain`;
  }
  if (chain < job.recordedSpan) {
    return `in the trace, tasks started ${fmt(job.recordedSpan - chain)} later than their dependencies allow (waiting for machines or the scheduler), which an unlimited queue never does`;
  }
  return `the longest chain of task times is ${fmt(chain)}, the simulation took ${fmt(simulated)}`;
}

const fmt = (s: number): string => `${+s.toFixed(3)} s`;
const pct = (x: number): string => `${x < 0 ? '-' : x > 0 ? '+' : ''}${Math.abs(x * 100).toFixed(1)}%`;
const abs = (x: number): string => `${(Math.abs(x) * 100).toFixed(1)}%`;

/** The value at a quantile q of sorted values (nearest rank). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The comparison as text: the error distribution for jobs whose tasks all terminated and for
 * the others, then the jobs that differ most, with the likely reason.
 * @param largest how many of the largest differences to list
 */
export function formatTraceCheck(rows: readonly TraceCheckRow[], largest = 10): string {
  const lines = [
    `check: ${rows.length} job${rows.length === 1 ? '' : 's'}, simulated makespan (submission to end) against the recorded span (first start to last end)`,
  ];
  const head = ['jobs', 'mean |err|', 'median', 'p90', 'max', '<=1%', '<=10%', '<=50%', '>50%'];
  const table: string[][] = [];
  const group = (label: string, of: readonly TraceCheckRow[]) => {
    const errs = of.flatMap((r) => (r.error !== undefined ? [Math.abs(r.error)] : [])).sort((a, b) => a - b);
    const within = (lo: number, hi: number) => String(errs.filter((e) => e > lo && e <= hi).length);
    if (errs.length === 0) table.push([label, String(of.length), '-', '-', '-', '-', '-', '-', '-', '-']);
    else {
      table.push([
        label,
        String(of.length),
        abs(errs.reduce((s, e) => s + e, 0) / errs.length),
        abs(quantile(errs, 0.5)),
        abs(quantile(errs, 0.9)),
        abs(errs[errs.length - 1]),
        within(-1, 0.01),
        within(0.01, 0.1),
        within(0.1, 0.5),
        within(0.5, Infinity),
      ]);
    }
  };
  group('all tasks terminated', rows.filter((r) => r.terminated));
  group('not all terminated', rows.filter((r) => !r.terminated));
  const widths = ['', ...head].map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  lines.push(line(['', ...head]), ...table.map(line));
  const zero = rows.filter((r) => r.recorded === 0);
  if (zero.length > 0) {
    const same = zero.filter((r) => r.simulated !== undefined && Math.abs(r.simulated) <= MATCH).length;
    lines.push(`recorded span 0 s (no relative error): ${zero.length} job${zero.length === 1 ? '' : 's'}, ${same} simulated in 0 s`);
  }
  const ranked = rows
    .filter((r) => r.why !== undefined)
    .map((r) => ({ r, size: r.error !== undefined ? Math.abs(r.error) : r.simulated === undefined ? Infinity : Math.abs(r.simulated - r.recorded) }))
    .sort((a, b) => b.size - a.size || (a.r.name < b.r.name ? -1 : 1))
    .slice(0, largest);
  if (ranked.length === 0) lines.push('every job matches its recorded span within 1%');
  else {
    lines.push('', `largest differences (${ranked.length} of ${rows.filter((r) => r.why !== undefined).length}):`);
    const cells = ranked.map(({ r }) => [r.name, fmt(r.recorded), r.simulated === undefined ? '-' : fmt(r.simulated), r.error === undefined ? '' : pct(r.error), r.why ?? '']);
    const h = ['job', 'recorded', 'simulated', 'error', 'why'];
    const w = h.map((x, i) => Math.max(x.length, ...cells.map((c) => c[i].length)));
    const row = (c: string[]) => c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ').trimEnd();
    lines.push(row(h), ...cells.map(row));
  }
  return `${lines.join('\n')}\n`;
}
