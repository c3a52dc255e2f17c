//! The simulator's entry point: one scenario in, one run's result (and optionally its timeline) out.

import type { SimulationSpec } from '../model/spec.js';
import { BatchScheduler, type RunOutput } from '../scheduler/batch-scheduler.js';
import { StreamingScheduler } from '../scheduler/streaming-scheduler.js';

export type { RunOutput } from '../scheduler/batch-scheduler.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Records the timeline for traces, metrics and reports (costs memory; off by default). */
  recordTimeline?: boolean;
}

/**
 * Simulates one run of the job in the mode its configuration asks for
 * (`execution.runtime-mode`, BATCH by default). Deterministic: the same spec and seed
 * give the same result, byte for byte.
 */
export function simulate(input: SimulationSpec | { spec: SimulationSpec }, options: SimulateOptions = {}): RunOutput {
  const spec = 'spec' in input ? input.spec : input;
  const s = options.seed === undefined ? spec : { ...spec, seed: options.seed };
  const record = options.recordTimeline === true;
  return s.mode === 'STREAMING' ? new StreamingScheduler(s, { record }).run() : new BatchScheduler(s, { record }).run();
}
