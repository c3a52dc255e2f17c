//! Reads a scenario file's text: one job (a validated SimulationSpec) or several (a WorkloadSpec).

import type { SimulationSpec } from '../model/spec.js';
import type { WorkloadSpec } from '../model/workload-spec.js';
import { ScenarioError } from './issues.js';
import { parseScenarioText, resolveJobDocument, type LoadOptions } from './job-document.js';
import { loadWorkload } from './workload.js';

export { STDIN_LABEL, type LoadOptions } from './job-document.js';

/** A single-job scenario ready to simulate, with the name of the file it came from. */
export interface JobScenario {
  kind: 'job';
  file: string;
  spec: SimulationSpec;
}

/** A multi-job scenario (`jobs:`), with the name of the file it came from. */
export interface WorkloadScenario {
  kind: 'workload';
  file: string;
  workload: WorkloadSpec;
}

/** What a scenario file holds: one job, or several sharing a cluster. */
export type Scenario = JobScenario | WorkloadScenario;

/**
 * Parses and validates a scenario.
 * @param text the file's content (YAML or JSON)
 * @param file the file's name, for messages and the default scenario name
 * @throws ScenarioError with every problem found
 */
export function loadScenario(text: string, file: string, options: LoadOptions = {}): Scenario {
  const raw = parseScenarioText(text, file);
  if (Object.hasOwn(raw, 'jobs')) return { kind: 'workload', file, workload: loadWorkload(raw, file, options) };
  const resolved = resolveJobDocument(raw, file);
  if ('issues' in resolved) throw new ScenarioError(file, resolved.issues);
  return { kind: 'job', file, spec: resolved.spec };
}

/**
 * Loads a scenario that must describe a single job (`job:`).
 * @param command what needs the single job, for the message (`compare`)
 * @throws ScenarioError as {@link loadScenario}, and for a multi-job scenario
 */
export function loadJobScenario(text: string, file: string, command = 'this command'): JobScenario {
  return requireJob(loadScenario(text, file), command);
}

/**
 * The scenario when it holds a single job.
 * @throws ScenarioError saying that `command` does not support multi-job scenarios yet
 */
export function requireJob(scenario: Scenario, command: string): JobScenario {
  if (scenario.kind === 'job') return scenario;
  throw new ScenarioError(scenario.file, [{ path: 'jobs', message: `multi-job scenarios are not supported by ${command} yet` }]);
}

