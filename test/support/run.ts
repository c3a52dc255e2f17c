//! Test helpers: build scenarios from YAML or objects and run them.

import { parse, stringify } from 'yaml';
import { loadJobScenario } from '../../src/scenario/load.js';
import { simulate, type RunOutput } from '../../src/sim/simulate.js';

/** Loads a scenario from YAML text or a plain object. */
export function scenario(doc: string | object) {
  const text = typeof doc === 'string' ? doc : stringify(doc);
  return loadJobScenario(text, 'test.yaml').spec;
}

/** Loads and runs a scenario, recording the timeline. */
export function run(doc: string | object, seed?: number): Required<RunOutput> {
  const out = simulate(scenario(doc), { recordTimeline: true, checkInvariants: true, ...(seed !== undefined && { seed }) });
  if (out.timeline === undefined) throw new Error('no timeline');
  return out as Required<RunOutput>;
}

/** The result of a vertex by id. */
export function vertex(out: RunOutput, id: string) {
  const v = out.result.vertices.find((x) => x.id === id);
  if (v === undefined) throw new Error(`no vertex ${id}`);
  return v;
}

/**
 * The scenario with unlimited disk and network bandwidth on its TaskManagers (unless it sets
 * them): with a core per slot every attempt then takes exactly `fixed + bytes / rate`, the
 * times tests of scheduling semantics compute by hand.
 */
export function withUnlimitedIo(doc: string | object): object {
  const d = (typeof doc === 'string' ? parse(doc) : doc) as { cluster?: { taskmanager?: Record<string, unknown> } };
  const taskmanager = { diskBandwidth: 'unlimited', networkBandwidth: 'unlimited', ...(d.cluster?.taskmanager ?? {}) };
  return { ...d, cluster: { ...(d.cluster ?? {}), taskmanager } };
}

/** {@link run} with unlimited disk and network bandwidth: for hand-computed scheduling times. */
export function runHandComputed(doc: string | object, seed?: number): Required<RunOutput> {
  return run(withUnlimitedIo(doc), seed);
}
