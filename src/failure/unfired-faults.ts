//! After a run: the faults of the scenario that never fired or hit nothing, named for a warning.

import type { RunResult } from '../model/run-result.js';
import type { SimulationSpec } from '../model/spec.js';
import { formatSecondsDecimal } from '../util/format.js';
import { INJECTED_FAILURE } from './fault-injector.js';

/**
 * Names each `subtask` or `taskmanager` fault that had no effect on the run, with why:
 * the job ended before its time, the subtask it names never existed at the parallelism
 * the vertex ran with, the attempt it names never ran to its fraction, or the TaskManager it names was
 * not live. A subtask fault shadowed by another on the same attempt is left out: loading
 * the scenario warned about it already.
 * @returns one warning per such fault, `faults[i]: ...`
 */
export function unfiredFaultWarnings(spec: SimulationSpec, result: RunResult): string[] {
  const out: string[] = [];
  const parallelism = new Map(result.vertices.map((v) => [v.id, v.parallelism]));
  const endMs = result.makespan * 1000;
  const ended = `the job ended at ${formatSecondsDecimal(result.makespan)}`;
  const injected = new Set(
    result.failures.filter((f) => f.cause.startsWith(INJECTED_FAILURE) && f.subtask !== null).map((f) => `${f.subtask}#${f.attempt}`),
  );
  /** Why `vertex[subtask]` never existed in this run, or null when it did. */
  const missing = (vertex: string, subtask: number): string | null => {
    const p = parallelism.get(vertex) ?? null;
    if (p === null) return `${vertex}'s parallelism was never decided (${ended})`;
    return subtask >= p ? `${vertex} ran with parallelism ${p}, so ${vertex}[${subtask}] never existed` : null;
  };
  const shadowed = new Set<number>();
  const first = new Map<string, number>();
  spec.faults.forEach((f, i) => {
    if (f.type !== 'subtask') return;
    const key = JSON.stringify([f.vertex, f.subtask, f.attempt]);
    const j = first.get(key);
    if (j === undefined) first.set(key, i);
    else {
      const other = spec.faults[j] as typeof f;
      if (f.at < other.at) {
        shadowed.add(j);
        first.set(key, i);
      } else shadowed.add(i);
    }
  });
  spec.faults.forEach((f, i) => {
    if (f.type === 'subtask') {
      if (shadowed.has(i) || injected.has(`${f.vertex}[${f.subtask}]#${f.attempt}`)) return;
      const why = missing(f.vertex, f.subtask) ?? `attempt ${f.attempt} of ${f.vertex}[${f.subtask}] never ran to ${f.at} of its time`;
      out.push(`faults[${i}]: the subtask fault never fired: ${why}`);
    } else if (f.type === 'taskmanager') {
      const what = 'tm' in f ? `TaskManager ${f.tm}` : `the TaskManager hosting ${f.hosting.vertex}[${f.hosting.subtask}]`;
      const at = formatSecondsDecimal(f.atMs / 1000);
      if (f.atMs > endMs) {
        out.push(`faults[${i}]: the loss of ${what} at ${at} never happened: ${ended}`);
        return;
      }
      const why = 'hosting' in f ? missing(f.hosting.vertex, f.hosting.subtask) : null;
      if (why !== null) out.push(`faults[${i}]: the loss of ${what} at ${at} hit nothing: ${why}`);
      else if (result.failures.some((r) => r.action === 'ignored' && r.subtask === null && r.time * 1000 === f.atMs)) {
        out.push(`faults[${i}]: the loss of ${what} at ${at} hit nothing: no such TaskManager was live then`);
      }
    }
  });
  return out;
}
