//! batchsim's public API.

export { simulate, simulateWorkload, type SimulateOptions, type RunOutput, type WorkloadOutput } from './sim/simulate.js';
export { loadScenario, type Scenario } from './scenario/load.js';
export { ScenarioError, type ScenarioIssue } from './scenario/issues.js';
export type * from './model/run-result.js';
export type * from './model/spec.js';
