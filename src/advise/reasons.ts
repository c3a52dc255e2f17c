//! Why the recommended settings: what bound the critical vertices, whether more slots per TaskManager paid, the margins to failure, and the diagnosis, from the runs' own results.

import { scenarioForChoice, type ChoiceOverrides } from '../compare/grid.js';
import type { Diagnosis, RunResult, VertexResult } from '../model/run-result.js';
import type { SimulationSpec } from '../model/spec.js';
import { GC_SHARE_THRESHOLD } from '../report/diagnosis.js';
import { formatBytes } from '../util/format.js';
import { simulate } from '../sim/simulate.js';
import type { CandidateStats } from './evaluate.js';

/** One vertex on the critical path and what held it back. */
export interface CriticalVertex {
  id: string;
  /** `cpu`, `disk`, `network`, `memory` (GC above the FAQ's threshold, or a spill), or null when it moved no data. */
  bound: 'cpu' | 'disk' | 'network' | 'memory' | null;
  /** Share of its moving time the bound held it back (for memory: the GC share of its CPU time). */
  share: number;
  /** Its part of the run: seconds from its first start to its end. */
  seconds: number;
  spilledBytes: number;
}

/** The full results of a setting over the seeds, for the reasons. */
export interface DetailedRuns {
  spec: SimulationSpec;
  results: RunResult[];
}

/** Runs a setting on the seeds with full results (inline: a handful of runs, for the reasons and the report). */
export function runDetailed(text: string, file: string, overrides: ChoiceOverrides, seeds: readonly number[]): DetailedRuns {
  const spec = scenarioForChoice(text, file, overrides).spec;
  return { spec, results: seeds.map((seed) => simulate(spec, { seed }).result) };
}

/** The run whose makespan is the asked percentile's (nearest rank): the run the deadline is judged on. */
export function percentileRun<T extends { makespan: number; seed: number }>(results: readonly T[], pct: number): T {
  const sorted = [...results].sort((a, b) => a.makespan - b.makespan || a.seed - b.seed);
  return sorted[Math.max(1, Math.ceil((pct / 100) * sorted.length)) - 1];
}

function vertexBound(v: VertexResult): { bound: CriticalVertex['bound']; share: number } {
  const gcShare = v.gcSeconds + v.cpuSeconds > 0 ? v.gcSeconds / (v.gcSeconds + v.cpuSeconds) : 0;
  if (gcShare > GC_SHARE_THRESHOLD || v.spilledBytes > 0) return { bound: 'memory', share: gcShare };
  if (v.boundBy === null) return { bound: null, share: 0 };
  const h = v.heldBackSeconds;
  const total = h.cpu + h.disk + h.network;
  return { bound: v.boundBy, share: total > 0 ? h[v.boundBy] / total : 0 };
}

/**
 * The chain of vertices that set the makespan: from the vertex that ended last, back
 * through the input that ended last (the one it waited for), to a source.
 */
export function criticalPath(spec: SimulationSpec, r: RunResult): CriticalVertex[] {
  const byId = new Map(r.vertices.map((v) => [v.id, v]));
  const inputs = new Map(spec.vertices.map((v) => [v.id, v.inputs.map((i) => i.from)]));
  let at = r.vertices.reduce<VertexResult | null>((m, v) => (v.end !== null && (m === null || (v.end ?? 0) > (m.end ?? 0)) ? v : m), null);
  const out: CriticalVertex[] = [];
  const seen = new Set<string>();
  while (at !== null && !seen.has(at.id)) {
    seen.add(at.id);
    const { bound, share } = vertexBound(at);
    out.push({ id: at.id, bound, share, seconds: (at.end ?? 0) - (at.start ?? 0), spilledBytes: at.spilledBytes });
    const producers = (inputs.get(at.id) ?? []).map((id) => byId.get(id)).filter((v): v is VertexResult => v !== undefined && v.end !== null);
    at = producers.reduce<VertexResult | null>((m, v) => (m === null || (v.end ?? 0) > (m.end ?? 0) ? v : m), null);
  }
  return out.reverse();
}

/** The share of all vertices' moving time that the disk held them back, over a run. */
export function diskHeldShare(r: RunResult): number {
  let disk = 0;
  let total = 0;
  for (const v of r.vertices) {
    disk += v.heldBackSeconds.disk;
    total += v.heldBackSeconds.cpu + v.heldBackSeconds.disk + v.heldBackSeconds.network;
  }
  return total > 0 ? disk / total : 0;
}

/** How another slots-per-TaskManager setting compared with the recommendation. */
export interface SlotsComparison {
  slots: number;
  stats: CandidateStats;
  /** Its standing against the goal and its objective value. */
  standing: 'meets' | 'missed' | 'failed';
  objective: number;
  /** Disk held-back share of its percentile run. */
  diskHeld: number;
}

/** A reason, by kind, in a sentence. */
export interface Reason {
  kind: 'bound' | 'slots' | 'margin' | 'diagnosis';
  text: string;
}

const pct = (x: number): string => `${Math.round(100 * x)}%`;
const s1 = (x: number): string => `${x.toFixed(1)} s`;
const cu = (x: number): string => `${Math.round(x)} CU-s`;

/** The critical path as one line: `lineitem (disk 92%) -> join-lineitem (cpu 100%)`. */
export function describePath(path: readonly CriticalVertex[]): string {
  return path
    .map((v) => {
      if (v.bound === null) return `${v.id} (no data)`;
      if (v.bound === 'memory') return `${v.id} (memory: ${pct(v.share)} of CPU time in GC${v.spilledBytes > 0 ? `, ${formatBytes(v.spilledBytes)} spilled` : ''})`;
      return `${v.id} (${v.bound} ${pct(v.share)})`;
    })
    .join(' -> ');
}

/** Unique diagnoses over the runs, by kind, each as the first run that showed it. */
export function diagnosesOf(results: readonly RunResult[]): Diagnosis[] {
  const out = new Map<string, Diagnosis>();
  for (const r of results) for (const d of r.diagnosis) if (!out.has(d.kind)) out.set(d.kind, d);
  return [...out.values()];
}

/** What the reasons are made of. */
export interface ReasonInputs {
  recommended: { slots: number; stats: CandidateStats; run: RunResult; spec: SimulationSpec; diagnosis: Diagnosis[]; standing: 'meets' | 'missed' | 'failed'; objective: number };
  asWritten: { stats: CandidateStats; diagnosis: Diagnosis[] };
  /** The recommendation with one step fewer and one step more slots per TaskManager (when they exist). */
  slotsNeighbours: SlotsComparison[];
  path: CriticalVertex[];
  safety?: number;
}

/** The reasons, in the brief's terms. */
export function reasons(x: ReasonInputs): Reason[] {
  const out: Reason[] = [];
  const rec = x.recommended;
  const bounds = new Set(x.path.map((v) => v.bound).filter((b) => b !== null));
  out.push({
    kind: 'bound',
    text:
      `critical path (the run at the percentile): ${describePath(x.path)}; ` +
      (bounds.size === 0 ? 'nothing moved data' : `bound by ${[...bounds].join(', ')}`),
  });
  const diskHere = diskHeldShare(rec.run);
  for (const n of x.slotsNeighbours) {
    const more = n.slots > rec.slots;
    const what = `${n.slots} slot${n.slots === 1 ? '' : 's'} per TaskManager instead of ${rec.slots}`;
    const tms = `${n.stats.tmsCreatedMedian} TaskManagers started instead of ${rec.stats.tmsCreatedMedian} (${more ? 'fewer' : 'more'} start-ups)`;
    const disk = `the disk held work back ${pct(n.diskHeld)} of the time instead of ${pct(diskHere)} (${more ? 'one disk shared by more slots' : 'each disk shared by fewer slots'})`;
    const numbers = `p95 ${s1(n.stats.makespanPercentile)} instead of ${s1(rec.stats.makespanPercentile)}, ${cu(n.stats.costMedian)} instead of ${cu(rec.stats.costMedian)}`;
    let verdict: string;
    if (n.stats.failed > 0) verdict = `failed in ${n.stats.failed} of ${n.stats.seeds} runs (${n.stats.failureCause ?? 'unknown cause'})`;
    else if (n.standing !== 'meets' && rec.standing === 'meets') verdict = `misses the goal (${numbers})`;
    else if (Math.abs(n.objective / rec.objective - 1) < 0.005) verdict = `makes no difference worth having (${numbers})`;
    else verdict = n.objective < rec.objective ? `would pay: ${numbers}` : `does not pay: ${numbers}`;
    out.push({ kind: 'slots', text: `${what} ${verdict}; ${tms}, ${disk}` });
  }
  const st = rec.stats;
  const safety = x.safety === undefined ? '' : ` (--safety ${x.safety} allows up to ${pct(x.safety)} and ${x.safety})`;
  out.push({
    kind: 'margin',
    text:
      `margins: peak disk ${pct(st.diskShare)} of a TaskManager's ${formatBytes(st.diskBytes)} (${formatBytes(st.peakDiskBytesMax)} at most over the seeds); ` +
      `heap occupancy ${st.heapOccupancyMax.toFixed(2)} (1.00 is OutOfMemoryError)${safety}`,
  });
  if (rec.diagnosis.length === 0) {
    out.push({
      kind: 'diagnosis',
      text:
        x.asWritten.diagnosis.length === 0
          ? 'diagnosis: no symptom of the FAQ, as written or recommended'
          : `diagnosis: the recommendation shows none of what the scenario as written shows (${x.asWritten.diagnosis.map((d) => d.symptom).join('; ')})`,
    });
  } else {
    for (const d of rec.diagnosis) out.push({ kind: 'diagnosis', text: `diagnosis: ${d.symptom}: ${d.evidence} -> ${d.action}` });
  }
  return out;
}
