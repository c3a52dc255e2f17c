//! Telling a streaming job from a batch one, so that it is not simulated as batch without a word.
//!
//! The plan's own type (`plan.type`, `job-type`) decides when it is there. Execution plans have
//! none, so their operators are looked at: a source reading a message queue (Kafka, Kinesis,
//! Pulsar, RabbitMQ, a socket) or a continuous file/table monitor is unbounded unless configured
//! otherwise, and Flink SQL's mini-batch operators exist only in streaming mode.

import type { ImportGraph } from './to-scenario.js';

/** Operators of sources that are unbounded unless configured otherwise. */
const UNBOUNDED_SOURCE = /kafka|kinesis|pulsar|rabbitmq|socket|\bmonitor\b/i;
/** Operators that Flink SQL plans only in streaming mode. */
const STREAMING_ONLY = /\bMiniBatch/;

/** The first operator of the job that only a streaming job has, with the vertex holding it. */
export function findStreamingOperator(graph: ImportGraph, ids: ReadonlyMap<string, string>): { operator: string; vertex: string } | undefined {
  for (const v of graph.vertices) {
    const operators = v.name.split(' -> ');
    const hit = operators.find((op, i) => (v.inputs.length === 0 && i === 0 && UNBOUNDED_SOURCE.test(op)) || STREAMING_ONLY.test(op));
    if (hit !== undefined) return { operator: hit, vertex: ids.get(v.key)! };
  }
  return undefined;
}

/**
 * Sets the graph's mode to STREAMING when the plan has no type but an operator says so, and
 * warns whenever a streaming job or an unbounded source is imported.
 */
export function checkStreaming(graph: ImportGraph, ids: ReadonlyMap<string, string>): void {
  const found = findStreamingOperator(graph, ids);
  const where = found === undefined ? '' : `\`${found.operator}\` (vertex \`${found.vertex}\`)`;
  if (graph.mode === 'STREAMING') {
    graph.warnings.push(
      'the plan is a STREAMING job: imported as `execution.runtime-mode: STREAMING` (every vertex runs at once, pipelined)' +
        (found !== undefined ? `; ${where} is unbounded there` : '') +
        '; for a batch simulation make its sources bounded and set `execution.runtime-mode: BATCH`',
    );
  } else if (found !== undefined && graph.mode === undefined) {
    graph.mode = 'STREAMING';
    graph.warnings.push(
      `${where} is an unbounded source or a streaming-only operator: imported as \`execution.runtime-mode: STREAMING\`; ` +
        'for a batch simulation make the source bounded and set `execution.runtime-mode: BATCH`',
    );
  } else if (found !== undefined) {
    graph.warnings.push(`${where} is usually unbounded, but the plan is BATCH: it is simulated as a bounded source`);
  }
}
