//! batchsim's public API.

export { simulate, simulateWorkload, type SimulateOptions, type RunOutput, type WorkloadOutput } from './sim/simulate.js';
export { loadJobScenario, loadScenario, type JobScenario, type LoadOptions, type Scenario, type WorkloadScenario } from './scenario/load.js';
export { expandJobs, jobSeed } from './scenario/expand-jobs.js';
export { capacityUnits } from './model/capacity-units.js';
export { ScenarioError, type ScenarioIssue } from './scenario/issues.js';
export type * from './model/run-result.js';
export type * from './model/spec.js';
export type * from './model/workload-spec.js';
