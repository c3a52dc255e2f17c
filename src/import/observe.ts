//! Reading measured runs for calibration: lining up the vertices of several runs of one job, and
//! each vertex's numbers in one run in the scenario's terms (see calibrate.ts).

import { ScenarioError } from '../scenario/issues.js';
import type { FitPoint } from './fit.js';
import { ioSeconds, type IoCluster } from './io-time.js';
import type { ImportGraph, ImportVertex, VertexMeasurement } from './to-scenario.js';

/** One measured run: its file and its graph, vertices in topological order. */
export interface RunGraph {
  file: string;
  graph: ImportGraph;
}

/** What one vertex measured in one run, in the scenario's terms. */
export interface Observation {
  parallelism: number;
  /** Bytes the vertex reads in the scenario (sources: their source bytes). */
  input: number;
  /** Bytes it writes in the scenario. */
  output: number;
  /** Measured write-bytes, when usable. */
  written?: number;
  /** Measured vertex duration, seconds. */
  seconds?: number;
  points: FitPoint[];
  level: 'subtask' | 'vertex' | 'none';
  /** Subtasks left out (`3 (RUNNING)`). */
  skipped: string[];
  /** Each subtask's share of the bytes the vertex read, by subtask index, when every subtask reported. */
  shares?: number[];
  /** Measured read-bytes, when it differs from `input` by more than 10 %. */
  readMismatch?: number;
  /** Why a value had to be defaulted in this run, per value. */
  missing: { sourceBytes?: string; duration?: string; written?: string };
}

/** Maps the base run's vertex keys to the same vertices of another run: by id, else by name. */
export function align(base: ImportGraph, run: RunGraph): Map<string, ImportVertex> {
  const byKey = new Map(run.graph.vertices.map((v) => [v.key, v]));
  const byName = new Map<string, ImportVertex>();
  for (const v of run.graph.vertices) byName.set(v.name, v);
  const out = new Map<string, ImportVertex>();
  const inverse = new Map<string, string>();
  for (const bv of base.vertices) {
    const v = byKey.get(bv.key) ?? (bv.name !== '' ? byName.get(bv.name) : undefined);
    if (v === undefined) {
      throw new ScenarioError(run.file, [
        { path: 'vertices', message: `has no vertex \`${bv.key}\` ("${short(bv.name)}") of the first run: the runs must be of the same job` },
      ]);
    }
    out.set(bv.key, v);
    inverse.set(v.key, bv.key);
  }
  for (const bv of base.vertices) {
    const v = out.get(bv.key)!;
    const want = bv.inputs.map((e) => e.from).sort().join(',');
    const have = v.inputs.map((e) => inverse.get(e.from) ?? `?${e.from}`).sort().join(',');
    if (want !== have) {
      throw new ScenarioError(run.file, [
        { path: v.path, message: `vertex \`${v.key}\` has other inputs than in the first run: the runs must be of the same job` },
      ]);
    }
  }
  return out;
}

/** Reads one run's observations, keyed by the base run's vertex keys. */
export function observe(
  base: ImportGraph,
  byKey: ReadonlyMap<string, ImportVertex>,
  consumers: ReadonlyMap<string, number>,
  opts: { defaults: { sourceBytes: number }; io: IoCluster | null },
): Map<string, Observation> {
  const out = new Map<string, Observation>();
  for (const bv of base.vertices) {
    const v = byKey.get(bv.key)!;
    const m: VertexMeasurement = v.measurement ?? { problems: { duration: 'was not measured', 'write-bytes': 'was not measured' } };
    const p = v.parallelism ?? bv.parallelism ?? 1;
    const hasConsumers = (consumers.get(bv.key) ?? 0) > 0;
    const o: Observation = { parallelism: p, input: 0, output: 0, points: [], level: 'none', missing: {}, skipped: v.subtasks?.skipped ?? [] };

    if (bv.inputs.length === 0) {
      if (m.writeBytes !== undefined) o.input = m.writeBytes;
      else {
        o.input = opts.defaults.sourceBytes;
        o.missing.sourceBytes = m.problems['write-bytes'] ?? 'has no write-bytes';
      }
      o.output = o.input;
    } else {
      for (const e of bv.inputs) o.input += (out.get(e.from)?.output ?? 0) * (e.pattern === 'broadcast' ? p : 1);
      if (m.readBytes !== undefined && o.input > 0 && Math.abs(m.readBytes - o.input) > 0.1 * o.input) o.readMismatch = m.readBytes;
      if (m.writeBytes !== undefined) o.written = m.writeBytes;
      else o.missing.written = m.problems['write-bytes'] ?? 'has no write-bytes';
      o.output = o.written ?? o.input;
      if (!hasConsumers) o.output = o.input;
    }
    if (m.durationMs !== undefined) o.seconds = m.durationMs / 1000;
    else o.missing.duration = m.problems.duration ?? 'has no duration';

    const io = (inBytes: number, outBytes: number) => (opts.io === null ? 0 : ioSeconds(inBytes, hasConsumers ? outBytes : 0, opts.io));
    const samples = v.subtasks?.samples ?? [];
    if (o.seconds !== undefined && samples.length > 0) {
      o.level = 'subtask';
      for (const s of samples) {
        const bytes = bv.inputs.length === 0 ? (s.writeBytes ?? o.input / p) : (s.readBytes ?? o.input / p);
        const written = s.writeBytes ?? o.output / p;
        const point: FitPoint = { bytes, seconds: s.durationMs / 1000, ioSeconds: io(bytes, written) };
        if (s.accountedMs !== undefined) point.overheadSeconds = (s.durationMs - s.accountedMs) / 1000;
        o.points.push(point);
      }
      const read = samples.reduce((sum, x) => sum + (x.readBytes ?? NaN), 0);
      const indexes = new Set(samples.map((x) => x.index));
      if (samples.length === p && read > 0 && indexes.size === p && [...indexes].every((i) => i >= 0 && i < p)) {
        o.shares = new Array<number>(p);
        for (const x of samples) o.shares[x.index] = x.readBytes! / read;
      }
    } else if (o.seconds !== undefined) {
      o.level = 'vertex';
      o.points.push({ bytes: o.input / p, seconds: o.seconds, ioSeconds: io(o.input / p, o.output / p) });
    }
    out.set(bv.key, o);
  }
  return out;
}

function short(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}
