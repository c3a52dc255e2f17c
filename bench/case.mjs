// Runs one benchmark case in a fresh process and prints its measurements as one JSON line.
//
// Usage: node --expose-gc bench/case.mjs <case> [--bare] | compare-inline | <scale cliff>
// A process per case keeps peak RSS (a high-water mark the process cannot reset) per case.

import { loadScenario, ScenarioError, simulate, simulateWorkload } from '../dist/index.js';
import { importPlan } from '../dist/import/index.js';
import { recordEventShape, replayBare, replayEngine } from './baseline.mjs';
import { CASES, CLIFFS, COMPARE, compareScenario } from './scenarios.mjs';

const gc = globalThis.gc ?? (() => {});
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

function runCase(name, withBare) {
  const c = CASES[name];
  if (c === undefined) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES).join(', ')}`);
  if (c.workload) return runWorkloadCase(name, c);
  const yaml = c.yaml();
  gc();

  // Cold: the first run in this process, as a CLI user gets it (JIT warm-up included).
  const t0 = performance.now();
  const scenario = loadScenario(yaml, `${name}.yaml`);
  const t1 = performance.now();
  const { result } = simulate(scenario.spec);
  const t2 = performance.now();
  const peakRss = maxRssBytes();
  const subtasks = result.vertices.reduce((s, v) => s + v.parallelism, 0);

  // Warm: the same again once the code is compiled, compared with the (also warm) bare loop.
  // V8 keeps optimizing for several runs (the 1M-subtask job's third run is still ~15% slower
  // than its sixth), so at least five runs, and up to ten within four seconds; best kept.
  let warmLoadMs = Infinity;
  let warmSimulateMs = Infinity;
  let warmRuns = 0;
  for (let spent = 0; warmRuns < 5 || (warmRuns < 10 && spent < 4000); warmRuns++) {
    gc();
    const w0 = performance.now();
    const warmSpec = loadScenario(yaml, `${name}.yaml`).spec;
    const w1 = performance.now();
    const again = simulate(warmSpec).result;
    const w2 = performance.now();
    if (again.stats.events !== result.stats.events) throw new Error('the simulator is not deterministic');
    warmLoadMs = Math.min(warmLoadMs, w1 - w0);
    warmSimulateMs = Math.min(warmSimulateMs, w2 - w1);
    spent += w2 - w0;
  }

  // The bare loop over the very same event sequence, best of several, in this process; and the
  // engine alone (no-op handlers) over it, to split the gap into engine and model costs.
  let bare = null;
  let engine = null;
  let shape = null;
  if (withBare) {
    gc();
    shape = recordEventShape(() => simulate(scenario.spec));
    if (shape.pops !== result.stats.events) throw new Error(`recorded ${shape.pops} events, the run reported ${result.stats.events}`);
    // At least three replays; short ones more, so timer noise and warm-up do not decide.
    for (let i = 0, spent = 0; i < 3 || (i < 20 && spent < 500); i++) {
      gc();
      const r = replayBare(shape);
      spent += r.ms;
      if (bare === null || r.ms < bare.ms) bare = r;
    }
    for (let i = 0, spent = 0; i < 3 || (i < 20 && spent < 500); i++) {
      gc();
      const r = replayEngine(shape);
      spent += r.ms;
      if (engine === null || r.ms < engine.ms) engine = r;
    }
  }

  return {
    case: name,
    status: result.status,
    ...(result.failureCause !== undefined && { failureCause: result.failureCause }),
    subtasks,
    events: result.stats.events,
    loadMs: t1 - t0,
    simulateMs: t2 - t1,
    wallMs: t2 - t0,
    warmLoadMs,
    warmSimulateMs,
    warmRuns,
    peakRssBytes: peakRss,
    ...(bare !== null && { bareMs: bare.ms, engineMs: engine.ms, barePushes: shape.pushes, barePeakQueue: shape.peakQueue }),
    makespanS: result.makespan,
    taskManagersCreated: result.taskManagers.created,
    restarts: result.restarts,
  };
}

/** A multi-job case: loading and running every job, cold (as the CLI gets it) and warm (best of three). */
function runWorkloadCase(name, c) {
  const text = c.yaml();
  const file = c.file ?? `${name}.yaml`;
  gc();
  const t0 = performance.now();
  const scenario = loadScenario(text, file);
  const t1 = performance.now();
  const { result } = simulateWorkload(scenario.workload);
  const t2 = performance.now();
  const peakRss = maxRssBytes();
  let warmLoadMs = Infinity;
  let warmSimulateMs = Infinity;
  for (let i = 0; i < 3; i++) {
    gc();
    const w0 = performance.now();
    const again = loadScenario(text, file).workload;
    const w1 = performance.now();
    if (simulateWorkload(again).result.stats.events !== result.stats.events) throw new Error('the simulator is not deterministic');
    warmLoadMs = Math.min(warmLoadMs, w1 - w0);
    warmSimulateMs = Math.min(warmSimulateMs, performance.now() - w1);
  }
  const count = (status) => result.jobs.filter((j) => j.status === status).length;
  return {
    case: name,
    status: result.status,
    jobs: result.jobs.length,
    finished: count('FINISHED'),
    failed: count('FAILED'),
    subtasks: result.jobs.reduce((n, j) => n + j.vertices.reduce((m, v) => m + (v.parallelism ?? 0), 0), 0),
    events: result.stats.events,
    loadMs: t1 - t0,
    simulateMs: t2 - t1,
    wallMs: t2 - t0,
    warmLoadMs,
    warmSimulateMs,
    warmRuns: 3,
    peakRssBytes: peakRss,
    makespanS: result.makespan,
    meanWaitS: result.jobs.reduce((s, j) => s + j.waited, 0) / result.jobs.length,
    queues: result.queues,
    taskManagersCreated: result.jobs.reduce((n, j) => n + j.taskManagers.created, 0),
    restarts: 0,
  };
}

/**
 * The compare sweep without the compare command: 3 slot choices x 20 seeds as sequential
 * simulate() calls on one thread, each choice's scenario loaded once (as compare does).
 */
function compareInline() {
  const yaml = compareScenario();
  const base = loadScenario(yaml, 'compare-10k.yaml').spec;
  const t0 = performance.now();
  let runs = 0;
  let events = 0;
  for (const slots of COMPARE.slots) {
    // Changing the slots in the text, not the spec, so derived values (the auto disk) follow.
    const spec = loadScenario(yaml.replace(`slots: ${base.cluster.slotsPerTaskManager},`, `slots: ${slots},`), 'compare-10k.yaml').spec;
    if (spec.cluster.slotsPerTaskManager !== slots) throw new Error('could not set the slots in the compare scenario');
    for (let s = 0; s < COMPARE.seeds; s++) {
      events += simulate(spec, { seed: base.seed + s }).result.stats.events;
      runs++;
    }
  }
  return { case: 'compare-inline', runs, events, wallMs: performance.now() - t0, peakRssBytes: maxRssBytes() };
}

/**
 * A scale cliff: the whole operation (load and simulate, import, or rejection) timed cold,
 * then warm (best of three in the same process).
 */
function runCliff(name) {
  const c = CLIFFS[name];
  const text = c.text();
  const once = () => {
    if (c.kind === 'simulate') return simulate(loadScenario(text, c.file).spec).result.status;
    if (c.kind === 'record') return `${simulate(loadScenario(text, c.file).spec, { recordTimeline: true }).timeline.samples.length} samples`;
    if (c.kind === 'import') return `${importPlan(text, c.file).scenario.job.vertices.length} vertices`;
    try {
      loadScenario(text, c.file);
    } catch (err) {
      if (err instanceof ScenarioError) return err.issues[0].message;
      throw err;
    }
    throw new Error(`${name}: the loader accepted what it must reject`);
  };
  gc();
  const t0 = performance.now();
  const outcome = once();
  const coldMs = performance.now() - t0;
  let warmMs = Infinity;
  for (let i = 0; i < 3; i++) {
    gc();
    const w0 = performance.now();
    once();
    warmMs = Math.min(warmMs, performance.now() - w0);
  }
  return { case: name, series: c.series, n: c.n, kind: c.kind, inputBytes: text.length, outcome, coldMs, warmMs, peakRssBytes: maxRssBytes() };
}

const name = process.argv[2];
const out =
  name === 'compare-inline' ? compareInline() : CLIFFS[name] !== undefined ? runCliff(name) : runCase(name, process.argv.includes('--bare'));
process.stdout.write(`${JSON.stringify(out)}\n`);
