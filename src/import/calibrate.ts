//! Calibration: from one or more measured runs of the same job (REST job details), each vertex's
//! `fixed`, CPU `rate`, jitter and selectivity, and the scenario for any one run's sizes.
//!
//! Per run, vertices are walked in topological order:
//! - a source reads `source.bytes` = the bytes it wrote (write-bytes);
//! - a vertex's input is what its producers write in the scenario (for a broadcast input, p times
//!   that), so the simulated input matches the simulated producers exactly;
//! - its output is what it wrote (write-bytes), so selectivity = sum written / sum read over runs.
//! The time points are the subtasks (when the details carry `subtasks`) or else the vertex as a
//! whole: its duration as the time of a subtask handling input / p (under blocking batch execution
//! a vertex starts when its producers have finished, and every subtask has its own slot). Fixed +
//! bytes / rate is fitted to them (fit.ts); the simulator overlaps I/O with the CPU, so `rate` is
//! the CPU part, and a vertex whose bytes moved faster than the model's I/O allows is a warning.
//! One size fitted as a rate below 1 MiB/s is overhead, not processing: it becomes `fixed`, and the
//! bytes get the default rate. The measured split of an all-to-all input becomes the producer's skew.
//! A metric that is missing, `"NaN"`, marked incomplete, or belongs to a vertex that has not
//! finished is replaced by the defaults, with a warning naming the vertex.

import { describeMethod, fitPoints, type VertexFit } from './fit.js';
import { slotBandwidths, type IoCluster } from './io-time.js';
import { align, observe, type Observation, type RunGraph } from './observe.js';
import { assignIds, consumerCounts, type ImportGraph, type ImportVertex } from './to-scenario.js';
import { formatBytesPrecise, formatFlinkDuration, formatFlinkRate, formatMegabytesPerSecond } from '../util/format.js';

export type { RunGraph } from './observe.js';

const MIB = 2 ** 20;
/** Below this CPU rate per core a vertex's time is most likely not processing at all. */
export const SLOW_RATE = MIB;

export interface CalibrationOptions {
  defaults: { sourceBytes: number; rate: number };
  /** The TaskManager whose I/O bounds the simulated times, to warn where it would set them; null: no check. */
  io: IoCluster | null;
}

/** The fit of one vertex, for the residual report. */
export interface FitReport {
  id: string;
  /** How the time was fitted; `overhead`: one size too slow to be processing, kept as fixed time. */
  method: VertexFit['method'] | 'default' | 'zero' | 'overhead';
  points: number;
  runs: number;
  fixedSeconds: number;
  /** Bytes per second per subtask (CPU); Infinity when unlimited, undefined when defaulted. */
  rate?: number;
  sigma?: number;
  rmsSeconds?: number;
  meanSeconds?: number;
}

/** A calibrated job: ask it for the scenario of any run's sizes, fitted from any subset of runs. */
export interface Calibration {
  runs: readonly RunGraph[];
  /** Scenario ids of the base run's vertices, by file key. */
  ids: ReadonlyMap<string, string>;
  /**
   * The graph with values filled in: sizes and parallelism of run `target`, fitted from `from`.
   * @param warnings receives what the user should know (defaults used, suspicious fits)
   */
  graphFor(target: number, from: readonly number[], warnings?: string[]): { graph: ImportGraph; fits: FitReport[] };
  /** Run `r`'s measured durations by scenario id; undefined when the job had not ended. */
  measured(r: number): Measured | undefined;
}

/** What Flink measured in one run, keyed by scenario vertex id. */
export interface Measured {
  durationSeconds: number;
  vertices: { id: string; durationSeconds: number }[];
}

/**
 * Aligns the runs on the first one's vertices and reads every observation.
 * @throws ScenarioError when a run is not of the same job (a vertex or an input is missing)
 */
export function calibrateRuns(runs: readonly RunGraph[], opts: CalibrationOptions): Calibration {
  const base = runs[0].graph;
  const ids = assignIds(base.vertices);
  const consumers = consumerCounts(base.vertices);
  const aligned = runs.map((run, r) => (r === 0 ? new Map(base.vertices.map((v) => [v.key, v])) : align(base, run)));
  const observations = aligned.map((byKey) => observe(base, byKey, consumers, opts));
  const multi = runs.length > 1;

  return {
    runs,
    ids,
    graphFor(target, from, warnings = []) {
      const targetObs = observations[target];
      const fits: FitReport[] = [];
      let oneSize = false;
      const vertices = base.vertices.map((bv): ImportVertex => {
        const v: ImportVertex = { ...bv, notes: [...bv.notes], assumed: {}, inputs: bv.inputs };
        delete v.rate;
        delete v.fixedSeconds;
        delete v.selectivity;
        delete v.jitterSigma;
        delete v.sourceBytes;
        delete v.skewWeights;
        const id = ids.get(v.key)!;
        const own = targetObs.get(v.key)!;
        const used = from.map((r) => ({ run: r, observation: observations[r].get(v.key)! }));
        const tag = (r: number, why: string) => (multi ? `${runs[r].file}: ${why}` : why);
        const reasons = new Set<string>();
        const defaulted: string[] = [];
        v.parallelism = own.parallelism;
        for (const { run: r, observation: o } of used) {
          if (o.skipped.length > 0) {
            warnings.push(
              `${multi ? `${runs[r].file}: ` : ''}vertex \`${id}\`: subtask${o.skipped.length > 1 ? 's' : ''} ${o.skipped.join(', ')} left out of the fit: ` +
                'only FINISHED subtasks with a duration count',
            );
          }
          if (o.readMismatch === undefined) continue;
          warnings.push(
            `${multi ? `${runs[r].file}: ` : ''}vertex \`${id}\` read ${formatBytesPrecise(o.readMismatch)} but its producers write ${formatBytesPrecise(o.input)} in the scenario; ` +
              'rate and selectivity are computed from the latter so that the simulated vertex takes the measured time',
          );
        }
        const isSource = v.inputs.length === 0;
        const ctx: VertexContext = { vertex: v, id, used, warnings, reasons, defaulted, tag };

        if (isSource) {
          if (own.missing.sourceBytes === undefined) {
            v.sourceBytes = own.input;
            v.notes.push(`source.bytes: what it wrote (write-bytes ${formatBytesPrecise(own.input)})`);
          } else {
            v.sourceBytes = opts.defaults.sourceBytes;
            v.assumed.sourceBytes = true;
            reasons.add(tag(target, own.missing.sourceBytes));
            defaulted.push(`source.bytes ${formatBytesPrecise(opts.defaults.sourceBytes)}`);
          }
        }

        const report = fitTime(ctx, opts);
        if (report.method === 'one-size') oneSize = true;
        fits.push(report);

        if (!isSource && (consumers.get(v.key) ?? 0) > 0) fitSelectivity(ctx);

        if (defaulted.length > 0) {
          warnings.push(`vertex \`${id}\` (Flink "${short(v.name)}") ${[...reasons].join('; ')}: using the default ${defaulted.join(', ')}`);
        }
        return v;
      });

      addSkew(vertices, consumers, from.map((r) => observations[r]), ids);

      const header = [
        `Calibrated from ${from.length === 1 ? `the measured run ${baseName(runs[from[0]].file)}` : `${from.length} measured runs (${from.map((r) => baseName(runs[r].file)).join(', ')})`}:`,
        'per vertex, fixed + input / rate fitted to each subtask\'s duration (the vertex\'s without subtask details),',
        'jitter from the spread across subtasks, selectivity = bytes written / bytes read, source.bytes = bytes the source wrote.',
      ];
      if (from.length > 1 || target !== from[0]) header.push(`Sizes and parallelism are those of ${baseName(runs[target].file)}.`);
      if (oneSize) {
        warnings.push(
          'one run at one size cannot tell fixed overhead from throughput: vertices without busy time have all their time on the rate ' +
            '(`batchsim import run1.json run2.json ...` with runs at other sizes fits both)',
        );
      }
      if (base.mode === 'STREAMING' && fits.some((f) => f.method !== 'default' && f.method !== 'zero')) {
        warnings.push(
          'the plan is STREAMING: its vertices ran at the same time, so a vertex duration spans more than its own work ' +
            'and the calibrated rates are lower bounds',
        );
      }
      const startups = from.map((r) => runs[r].graph.startupSeconds).filter((s): s is number => s !== undefined);
      const graph: ImportGraph = {
        ...base,
        vertices,
        header: [...base.header.filter((l) => !multi || !l.startsWith('Measured: ')), ...header],
        warnings: [],
      };
      delete graph.startupSeconds;
      if (startups.length > 0) graph.startupSeconds = startups.reduce((s, x) => s + x, 0) / startups.length;
      return { graph, fits };
    },
    measured(r) {
      const m = runs[r].graph.measured;
      if (m === undefined) return undefined;
      const keyOf = new Map([...aligned[r]].map(([baseKey, v]) => [v.key, baseKey]));
      return {
        durationSeconds: m.durationSeconds,
        vertices: base.vertices.flatMap((bv) => {
          const x = m.vertices.find((mv) => keyOf.get(mv.key) === bv.key);
          return x === undefined ? [] : [{ id: ids.get(bv.key)!, durationSeconds: x.durationSeconds }];
        }),
      };
    },
  };
}

/** What the per-vertex steps share: the vertex being filled, its runs, and where findings go. */
interface VertexContext {
  vertex: ImportVertex;
  id: string;
  /** The observations of the runs fitted from, with their run index. */
  used: { run: number; observation: Observation }[];
  warnings: string[];
  /** Why defaults were needed, and which (for one warning per vertex). */
  reasons: Set<string>;
  defaulted: string[];
  /** Prefixes a reason with its run's file when there are several runs. */
  tag: (r: number, why: string) => string;
}

/** Fills `fixed`, `rate` and jitter of a vertex from the time points of its runs; returns the fit report. */
function fitTime(ctx: VertexContext, opts: CalibrationOptions): FitReport {
  const { vertex: v, id, used, warnings, reasons, defaulted, tag } = ctx;
  const points = used.flatMap(({ observation: o }) => o.points);
  const timed = used.filter(({ observation: o }) => o.level !== 'none');
  const report: FitReport = { id, method: 'default', points: points.length, runs: timed.length, fixedSeconds: 0 };
  if (points.length === 0) {
    v.rate = opts.defaults.rate;
    v.assumed.rate = true;
    report.rate = opts.defaults.rate;
    for (const { run: r, observation: o } of used) reasons.add(tag(r, o.missing.duration ?? 'has no duration'));
    defaulted.push(`rate ${formatFlinkRate(opts.defaults.rate)}`);
  } else if (points.every((p) => p.seconds === 0)) {
    report.method = 'zero';
    v.notes.push('measured duration 0 ms: no rate (data takes no time)');
  } else {
    const fit = fitPoints(points);
    Object.assign(report, {
      method: fit.method,
      fixedSeconds: fit.fixedSeconds,
      rate: fit.secondsPerByte > 0 ? 1 / fit.secondsPerByte : Infinity,
      rmsSeconds: fit.rmsSeconds,
      meanSeconds: fit.meanSeconds,
    });
    if (fit.fixedSeconds > 0) v.fixedSeconds = fit.fixedSeconds;
    if (fit.secondsPerByte > 0) v.rate = 1 / fit.secondsPerByte;
    const subtaskLevel = timed.every(({ observation: o }) => o.level === 'subtask');
    if (subtaskLevel && fit.sigma !== undefined) {
      v.jitterSigma = fit.sigma;
      report.sigma = fit.sigma;
    }
    const notes = fitNotes(fit, timed.length, subtaskLevel, opts.io);
    if (fit.method === 'one-size' && v.rate !== undefined && v.rate < SLOW_RATE) {
      // Slower than any CPU: the time is overhead. Keep it as fixed, with the default rate for the bytes.
      const bytes = points.reduce((sum, p) => sum + p.bytes, 0) / points.length;
      const slow = v.rate;
      v.fixedSeconds = Math.max(0, bytes / slow - bytes / opts.defaults.rate);
      v.rate = opts.defaults.rate;
      v.assumed.rate = true;
      Object.assign(report, { method: 'overhead', fixedSeconds: v.fixedSeconds, rate: v.rate });
      notes[0] = `fit: ${formatBytesPrecise(bytes)} per subtask in ${formatFlinkDuration(bytes / slow)} is too slow for processing: kept as fixed time`;
      warnings.push(
        `vertex \`${id}\`: ${formatBytesPrecise(bytes)} per subtask in ${formatFlinkDuration(bytes / slow)} would be a rate of ${formatFlinkRate(slow)}, ` +
          'below 1 MiB/s per core: the time is most likely start-up and scheduling overhead of a small input, not processing; ' +
          `it becomes \`fixed\` and the bytes get the default rate ${formatFlinkRate(opts.defaults.rate)} (--rate); ` +
          'runs at other sizes would fit both',
      );
    } else if (v.rate !== undefined && v.rate < SLOW_RATE) {
      warnings.push(
        `vertex \`${id}\`: calibrated rate ${formatFlinkRate(v.rate)} is below 1 MiB/s per core: its time was most likely not ` +
          'processing (start-up and scheduling overhead, or waiting on inputs in a pipelined or STREAMING run)',
      );
    }
    v.notes.push(...notes);
    if (fit.ioBound > 0 && opts.io !== null) {
      const bw = slotBandwidths(opts.io);
      warnings.push(
        `vertex \`${id}\`: in ${fit.ioBound} of ${fit.points} measured times the bytes moved faster than the model's I/O allows ` +
          `(network ${formatMegabytesPerSecond(bw.network)}, disk ${formatMegabytesPerSecond(bw.disk)} per slot by default): the simulated vertex will be slower; ` +
          'set `cluster.taskmanager.networkBandwidth` / `diskBandwidth` to what the cluster has',
      );
    }
  }
  return report;
}

/** Fills the selectivity of a vertex with consumers: bytes written / bytes read over its runs. */
function fitSelectivity(ctx: VertexContext): void {
  const { vertex: v, used, reasons, defaulted, tag } = ctx;
  const measured = used.filter(({ observation: o }) => o.written !== undefined && o.input > 0);
  if (measured.length > 0) {
    const written = measured.reduce((s, { observation: o }) => s + o.written!, 0);
    const read = measured.reduce((s, { observation: o }) => s + o.input, 0);
    v.selectivity = written / read;
    v.notes.push(
      measured.length === 1
        ? `selectivity: wrote ${formatBytesPrecise(written)} of ${formatBytesPrecise(read)} read`
        : `selectivity: wrote ${formatBytesPrecise(written)} of ${formatBytesPrecise(read)} read in ${measured.length} runs`,
    );
  } else if (used.some(({ observation: o }) => o.input > 0)) {
    v.selectivity = 1;
    v.assumed.selectivity = true;
    for (const { run: r, observation: o } of used) if (o.missing.written !== undefined) reasons.add(tag(r, o.missing.written));
    defaulted.push('selectivity 1');
  }
}

/** Subtask shares further than this (relative) from an even split are worth modelling. */
const UNEVEN = 0.02;

/**
 * Key skew: when a vertex's only input is an all-to-all edge from a producer it alone consumes,
 * the measured split of its read-bytes over its subtasks becomes the producer's `skew` weights
 * (averaged over runs), so that the simulated subtasks get the measured uneven inputs.
 */
function addSkew(
  vertices: ImportVertex[],
  consumers: ReadonlyMap<string, number>,
  observations: readonly Map<string, Observation>[],
  ids: ReadonlyMap<string, string>,
): void {
  const byKey = new Map(vertices.map((v) => [v.key, v]));
  for (const v of vertices) {
    if (v.inputs.length !== 1 || v.inputs[0].pattern !== 'all-to-all' || consumers.get(v.inputs[0].from) !== 1) continue;
    const p = v.parallelism!;
    const runs = observations.map((o) => o.get(v.key)!).filter((o) => o.parallelism === p && o.shares !== undefined);
    if (runs.length === 0) continue;
    const weights = Array.from({ length: p }, (_, i) => runs.reduce((sum, o) => sum + o.shares![i], 0) / runs.length);
    if (weights.every((w) => Math.abs(w * p - 1) <= UNEVEN)) continue;
    const producer = byKey.get(v.inputs[0].from)!;
    producer.skewWeights = weights;
    producer.notes.push(
      `skew: how \`${ids.get(v.key)}\`'s ${p} subtasks shared its input (read-bytes${runs.length > 1 ? `, mean of ${runs.length} runs` : ''})`,
    );
  }
}

/** Comment lines on a vertex's fit. */
function fitNotes(fit: VertexFit, runs: number, subtaskLevel: boolean, io: IoCluster | null): string[] {
  const what = `${fit.points} ${subtaskLevel ? 'subtask' : 'vertex'} time${fit.points === 1 ? '' : 's'}${runs > 1 ? ` from ${runs} runs` : ''}`;
  const lines = [`fit: ${describeMethod(fit.method)} (${what})`];
  if (io !== null) {
    const bw = slotBandwidths(io);
    lines.push(`rate is the CPU's: the simulator moves the bytes at the slower of it and I/O (network ${formatMegabytesPerSecond(bw.network)}, disk ${formatMegabytesPerSecond(bw.disk)} per slot)`);
  }
  if (fit.points > 1) {
    lines.push(
      `residual: rms ${formatFlinkDuration(fit.rmsSeconds)} (${pct(fit.rmsSeconds / fit.meanSeconds)} of the mean ${formatFlinkDuration(fit.meanSeconds)})`,
    );
  }
  return lines;
}

function pct(x: number): string {
  return `${+(x * 100).toPrecision(3)}%`;
}

function baseName(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

function short(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}
