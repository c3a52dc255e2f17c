//! Deciding a vertex's parallelism (fixed, default or inferred from its input bytes) and how its inputs split.

import type { JobGraph } from '../model/job/job-graph.js';
import type { ParallelismDecision } from '../model/run-result.js';
import type { ParallelismSpec } from '../model/spec.js';
import { formatBytes } from '../util/format.js';
import {
  decideParallelismAndInputs,
  rangeBytes,
  subpartitionCount,
  subpartitionWeights,
  type BlockingInput,
} from './parallelism-decider.js';

/** A vertex's decided parallelism and the share of each all-to-all input each subtask reads. */
export interface VertexDecision {
  parallelism: number;
  decision: ParallelismDecision;
  /** Per input: share of the producer's output per subtask, or null for an even split. */
  shares: (Float64Array | null)[];
}

/**
 * Decides vertex `v`. A fixed parallelism or a default needs nothing from the producers;
 * an inferred one (adaptive batch scheduler) reads the bytes its finished producers wrote.
 * @param parallelism decided parallelism of every vertex so far (0 = not yet)
 * @param totalOutput bytes each finished vertex wrote
 * @param outputsOf bytes each subtask of a finished vertex wrote
 */
export function decideVertex(
  v: number,
  graph: JobGraph,
  ps: ParallelismSpec,
  parallelism: Int32Array,
  totalOutput: Float64Array,
  outputsOf: (u: number) => Float64Array,
): VertexDecision {
  const spec = graph.vertices[v];
  const inputs = graph.inputs[v];
  const globalOr1 = ps.globalDefault ?? 1;
  if (spec.parallelism !== undefined) {
    return { parallelism: spec.parallelism, decision: { origin: 'fixed', reason: 'set in the scenario' }, shares: evenShares(graph, v, spec.parallelism) };
  }
  if (spec.sourceBytes !== undefined) {
    if (!ps.autoEnabled) {
      return { parallelism: globalOr1, decision: { origin: 'global-default', reason: `parallelism.default = ${globalOr1} (inference disabled)` }, shares: [] };
    }
    const p = Math.min(ps.defaultSourceParallelism, ps.maxParallelism);
    const capped = p < ps.defaultSourceParallelism;
    return {
      parallelism: p,
      decision: {
        origin: 'source-default',
        ...(capped && { boundBy: 'max' }),
        reason: capped
          ? `default-source-parallelism ${ps.defaultSourceParallelism} capped at the max parallelism ${ps.maxParallelism}`
          : `source: default-source-parallelism = ${p}`,
      },
      shares: [],
    };
  }
  if (!ps.autoEnabled) {
    return {
      parallelism: globalOr1,
      decision: { origin: 'global-default', reason: `parallelism.default = ${globalOr1} (inference disabled)` },
      shares: evenShares(graph, v, globalOr1),
    };
  }

  const blocking: BlockingInput[] = inputs.map((e) => {
    const u = e.vertex;
    const pu = parallelism[u];
    const total = totalOutput[u];
    const numSubpartitions = subpartitionCount(e.pattern, undefined, ps.maxParallelism, pu);
    const skew = graph.vertices[u].skew;
    const input: BlockingInput = {
      broadcast: e.pattern === 'broadcast',
      pointwise: e.pattern === 'pointwise',
      numPartitions: pu,
      numSubpartitions,
      totalBytes: total,
    };
    if (e.pattern === 'all-to-all' && skew !== undefined) {
      input.subpartitionBytes = subpartitionWeights(numSubpartitions, skew).map((w) => w * total);
    } else if (e.pattern !== 'all-to-all') {
      input.partitionBytes = outputsOf(u);
    }
    return input;
  });
  const r = decideParallelismAndInputs(blocking, undefined, {
    minParallelism: ps.minParallelism,
    maxParallelism: ps.maxParallelism,
    avgDataVolumePerTask: ps.avgDataVolumePerTask,
    version: ps.deciderVersion,
  });
  const p = r.parallelism;
  const shares = inputs.map((e, k) => {
    const total = blocking[k].totalBytes;
    if (e.pattern !== 'all-to-all' || !(total > 0)) return null;
    const s = new Float64Array(p);
    for (let j = 0; j < p; j++) s[j] = rangeBytes(blocking[k], r.inputRanges[k][j]) / total;
    return s;
  });
  // Packing by bytes cannot exceed the subpartitions producers wrote (the max parallelism):
  // when the data asks for more, the max is what bound it.
  const wanted = Math.ceil(r.bytesConsumed / ps.avgDataVolumePerTask);
  const hitMax = r.boundBy === 'max' || (r.rule === 'balanced' && p === ps.maxParallelism && wanted > p);
  const boundBy = hitMax ? (ps.globalDefault !== undefined && ps.maxParallelism === ps.globalDefault ? 'global' : 'max') : r.boundBy;
  return {
    parallelism: p,
    decision: { origin: 'inferred', bytesConsumed: r.bytesConsumed, boundBy, reason: explain(r.rule, boundBy, r.bytesConsumed, p, ps) },
    shares,
  };
}

/** Shares for a vertex whose parallelism did not come from its data: even, or by the producer's key skew. */
function evenShares(graph: JobGraph, v: number, p: number): (Float64Array | null)[] {
  return graph.inputs[v].map((e) => {
    const skew = graph.vertices[e.vertex].skew;
    return e.pattern === 'all-to-all' && skew !== undefined ? subpartitionWeights(p, skew) : null;
  });
}

function explain(rule: string, boundBy: string, bytes: number, p: number, ps: ParallelismSpec): string {
  const vol = formatBytes(ps.avgDataVolumePerTask);
  const data = `${formatBytes(bytes)} consumed / ${vol} per task`;
  switch (boundBy) {
    case 'min':
      return `${data}, raised to min-parallelism ${ps.minParallelism}`;
    case 'max':
      return `${data}, capped at max-parallelism ${ps.maxParallelism}`;
    case 'global':
      return `${data}, capped at parallelism.default ${ps.maxParallelism}`;
    case 'all-broadcast':
      return `only broadcast inputs: min-parallelism ${ps.minParallelism}`;
    case 'subpartition-limit':
      return `raised so no subtask reads more than 32768 subpartitions of one input`;
    case 'balanced':
      return `${data}: subpartitions packed by bytes into ${p} ranges of at most ${vol}`;
    default:
      return rule === 'balanced' ? `${data}: ${p} balanced ranges` : `ceil(${data}) = ${p}`;
  }
}
