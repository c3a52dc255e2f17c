// Generated benchmark jobs, written as scenario YAML text so loading is part of what is measured.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * Each case builds the YAML a user could have written. The jobs are sized to stress one
 * thing each (width, depth, TaskManager churn, failures); all use fixed parallelism so the
 * subtask count is known up front and bytes per subtask can be computed.
 */

/** Cluster block shared by the scale cases: 4-slot TaskManagers, at most 1,000 slots. */
function cluster({ slots = 4, maxSlots = 1000, startup = '5s', idle = '30s', shuffle = 'local', bandwidth = '' } = {}) {
  // Disk is set far above what the jobs write so the disk-full path does not end the scale runs.
  // Bandwidths are the defaults (auto) unless `bandwidth` says otherwise, e.g. `unlimited`.
  const io = bandwidth === '' ? '' : `, diskBandwidth: ${bandwidth}, networkBandwidth: ${bandwidth}`;
  return [
    'cluster:',
    `  taskmanager: { slots: ${slots}, startup: ${startup}, idleTimeout: ${idle}, disk: 1000TiB${io} }`,
    `  maxSlots: ${maxSlots}`,
    `  shuffle: ${shuffle}`,
  ].join('\n');
}

/** One vertex entry; `input` is null for the source. */
function vertex(id, parallelism, input, { pattern = 'all-to-all', fixed = '1s', sigma = 0.2, bytes, rate = '100MiB/s' } = {}) {
  const lines = [`    - id: ${id}`, `      parallelism: ${parallelism}`, `      rate: ${rate}`, `      fixed: ${fixed}`];
  if (sigma > 0) lines.push(`      jitter: { sigma: ${sigma} }`);
  if (input === null) lines.push(`      source: { bytes: ${bytes ?? `${parallelism}GiB`} }`);
  else lines.push(`      inputs: [{ from: ${input}, pattern: ${pattern} }]`);
  return lines.join('\n');
}

/** A chain of `n` vertices of parallelism `p`, each reading the previous one all-to-all. */
function chain(name, n, p, clusterOptions = {}, extra = '', vertexOptions = {}) {
  const vs = [];
  for (let v = 0; v < n; v++) vs.push(vertex(`v${v}`, p, v === 0 ? null : `v${v - 1}`, vertexOptions));
  return [`name: ${name}`, 'seed: 1', cluster(clusterOptions), 'job:', '  vertices:', ...vs, extra].join('\n') + '\n';
}

/** TaskManager churn: wide and narrow stages alternate, so 1-slot TaskManagers go idle, are released and come back. */
function churn(stages = 40) {
  const vs = [];
  for (let v = 0; v < stages; v++) {
    const p = v % 2 === 0 ? 5000 : 500;
    vs.push(vertex(`v${v}`, p, v === 0 ? null : `v${v - 1}`, { fixed: '5s', sigma: 0.5 }));
  }
  return [
    'name: tm-churn',
    'seed: 1',
    cluster({ slots: 1, maxSlots: 2000, startup: '1s', idle: '500ms', shuffle: 'remote' }),
    'job:',
    '  vertices:',
    ...vs,
  ].join('\n') + '\n';
}

/**
 * Failure-heavy: 5% of attempts fail at random, and four TaskManagers are lost while they
 * hold local shuffle files, so lost outputs are recomputed. Pointwise edges keep most
 * failovers local; one all-to-all edge in the middle makes some of them wide.
 */
function failures() {
  const p = 20000;
  const vs = [
    vertex('src', p, null),
    vertex('map', p, 'src', { pattern: 'pointwise' }),
    vertex('shuffle', p, 'map', { pattern: 'all-to-all' }),
    vertex('agg', p, 'shuffle', { pattern: 'pointwise' }),
    vertex('sink', p, 'agg', { pattern: 'pointwise' }),
  ];
  const faults = [
    'faults:',
    '  - { type: random-subtask, probability: 0.05 }',
    '  - { type: taskmanager, at: 30s, tm: 3 }',
    '  - { type: taskmanager, at: 60s, tm: 100 }',
    '  - { type: taskmanager, at: 120s, tm: 7 }',
    '  - { type: taskmanager, at: 200s, tm: 42 }',
  ];
  const config = [
    'config:',
    '  restart-strategy.type: fixed-delay',
    '  restart-strategy.fixed-delay.attempts: 1000000',
    '  restart-strategy.fixed-delay.delay: 1s',
    '  batchsim.max-restarts-without-progress: 1000',
  ];
  return [
    'name: failure-heavy',
    'seed: 1',
    cluster({ shuffle: 'local' }),
    ...config,
    'job:',
    '  vertices:',
    ...vs,
    ...faults,
  ].join('\n') + '\n';
}

/**
 * Eight slots per TaskManager sharing its disk and network: vertices alternate between
 * I/O-heavy (a fast operator, bound by the shared disk) and CPU-heavy (a slow one, bound by
 * its core), so shares change at nearly every attempt start and end.
 */
function mixed() {
  const vs = [];
  for (let v = 0; v < 10; v++) {
    const rate = v % 2 === 0 ? '1GiB/s' : '20MiB/s';
    vs.push(vertex(`v${v}`, 20_000, v === 0 ? null : `v${v - 1}`, { rate, fixed: '200ms', bytes: '200GiB' }));
  }
  return ['name: mixed-8-slots', 'seed: 1', cluster({ slots: 8, maxSlots: 1000 }), 'job:', '  vertices:', ...vs].join('\n') + '\n';
}

/**
 * A day of Alibaba-shaped batch jobs through 4 queues: `jobs` jobs, each the shape of one of
 * the 87 jobs of sim-scenarios/alibaba-sample.yaml (picked in a fixed stride), their
 * parallelism scaled so the whole replay has about a million subtasks; submitted evenly over
 * 24 hours, round robin over 4 queues of 64 CU. As JSON (the YAML parser would dominate).
 */
function replay(jobs = 10_000, queues = 4) {
  const sample = parseYaml(readFileSync(new URL('../sim-scenarios/alibaba-sample.yaml', import.meta.url), 'utf8'));
  const shapes = sample.jobs;
  const subtasksOf = (shape) => shape.job.vertices.reduce((n, v) => n + v.parallelism, 0);
  const mean = shapes.reduce((n, shape) => n + subtasksOf(shape), 0) / shapes.length;
  const scale = 1_000_000 / (jobs * mean);
  const out = [];
  for (let i = 0; i < jobs; i++) {
    const shape = shapes[(i * 31) % shapes.length];
    const vertices = shape.job.vertices.map((v) => ({ ...v, parallelism: Math.max(1, Math.round(v.parallelism * scale)) }));
    out.push({ name: `${shape.name}-${i}`, submit: `${Math.round((i * 86_400) / jobs)}s`, queue: `q${i % queues}`, config: shape.config, job: { vertices } });
  }
  return JSON.stringify({
    name: 'replay-10k-jobs',
    seed: 1,
    cluster: sample.cluster,
    queues: Array.from({ length: queues }, (_, q) => ({ name: `q${q}`, capacity: 64 })),
    jobs: out,
  });
}

/**
 * The cases, by name. `yaml()` builds the scenario text; `subtasks` is the job's size.
 * `growth` marks the cases of one shape (10 all-to-all vertices) at three sizes.
 */
export const CASES = {
  // 1M subtasks as 40 vertices of 25,000: Flink caps a vertex's parallelism at 32,768.
  'wide-40x25k': { yaml: () => chain('wide-40x25k', 40, 25_000), subtasks: 1_000_000, growth: true, target1M: true },
  // The same job without jitter: every attempt of a vertex takes the same time.
  'wide-40x25k-steady': { yaml: () => chain('wide-40x25k-steady', 40, 25_000, {}, '', { sigma: 0 }), subtasks: 1_000_000, target1M: true },
  // The same job with unlimited disk and network bandwidth: the resource model's shares never slow an attempt.
  'wide-40x25k-unlimited': { yaml: () => chain('wide-40x25k-unlimited', 40, 25_000, { bandwidth: 'unlimited' }), subtasks: 1_000_000, target1M: true },
  'mixed-8-slots': { yaml: mixed, subtasks: 200_000 },
  'grid-1000x1000': { yaml: () => chain('grid-1000x1000', 1000, 1000), subtasks: 1_000_000 },
  'chain-10000x1': { yaml: () => chain('chain-10000x1', 10_000, 1), subtasks: 10_000, perVertex: true },
  'tm-churn': { yaml: () => churn(), subtasks: 20 * 5000 + 20 * 500 },
  'failure-heavy': { yaml: failures, subtasks: 5 * 20000 },
  // Several jobs: 10,000 jobs (about a million subtasks) through 4 queues.
  'replay-10k-jobs': { yaml: () => replay(), file: 'replay-10k-jobs.json', subtasks: 1_000_000, workload: true },
  'wide-40x250': { yaml: () => chain('wide-40x250', 40, 250), subtasks: 10_000, growth: true },
  'wide-40x2500': { yaml: () => chain('wide-40x2500', 40, 2500), subtasks: 100_000, growth: true },
};

/** The job the compare sweep runs: 10 all-to-all vertices of 1,000 subtasks (10,000 subtasks). */
export function compareScenario() {
  return chain('compare-10k', 10, 1000, { maxSlots: 64 });
}

/** The compare sweep: slots per TaskManager to try, and seeds per choice. */
export const COMPARE = { slots: [1, 2, 4], seeds: 20 };

/** One source read all-to-all by `n` vertices of one subtask each, as JSON (the YAML parser would dominate). */
function fanOut(n) {
  const vertices = [{ id: 'src', parallelism: 1, rate: '100MiB/s', source: { bytes: '1GiB' } }];
  for (let i = 0; i < n; i++) vertices.push({ id: `v${i}`, parallelism: 1, rate: '100MiB/s', inputs: [{ from: 'src' }] });
  return JSON.stringify({
    name: `fan-out-${n}`,
    seed: 1,
    cluster: { taskmanager: { slots: 4, startup: '5s', idleTimeout: '30s' }, maxSlots: 1000 },
    job: { vertices },
  });
}

/** A Flink REST job plan: one source and `n` operators all described as `Map`, each reading the source over HASH. */
function sameNamePlan(n) {
  const hex = (i) => i.toString(16).padStart(32, '0');
  const nodes = [{ id: hex(0), parallelism: 1, description: 'Source: s', inputs: [] }];
  for (let i = 1; i <= n; i++) nodes.push({ id: hex(i), parallelism: 1, description: 'Map', inputs: [{ num: 0, id: hex(0), ship_strategy: 'HASH' }] });
  return JSON.stringify({ jid: hex(n + 1), name: `same-name-${n}`, nodes });
}

/**
 * Scale cliffs: inputs whose cost once grew quadratically, each at two sizes of one `series`
 * so the growth shows. `kind` is what a fresh process times: `simulate` (load the scenario and
 * simulate it), `import` (turn the plan into a scenario) or `reject` (the loader must refuse it).
 */
export const CLIFFS = {
  // The topological order re-sorted its ready list for every vertex: 37 s at 40,000.
  'fan-out-10k': { series: 'fan-out', n: 10_000, kind: 'simulate', file: 'fan-out.json', text: () => fanOut(10_000) },
  'fan-out-40k': { series: 'fan-out', n: 40_000, kind: 'simulate', file: 'fan-out.json', text: () => fanOut(40_000) },
  // Ids probed map-2, map-3, ... from 2 for every operator, and the plan's order re-sorted: 85 s at 16,000.
  'import-same-name-4k': { series: 'import-same-name', n: 4000, kind: 'import', file: 'plan.json', text: () => sameNamePlan(4000) },
  'import-same-name-16k': { series: 'import-same-name', n: 16_000, kind: 'import', file: 'plan.json', text: () => sameNamePlan(16_000) },
  // The YAML parser recursed per bracket until out of stack: 1 to 60 s to reject 128 KB.
  // Recording the timeline (traces, metrics, reports) of a job that creates n TaskManagers over its life.
  // The tm-churn job recorded (as for a trace, metrics or report), at 10 and 40 stages: about 12,500 and 50,000 TaskManagers over its life.
  'record-churn-10': { series: 'record-churn', n: 10, kind: 'record', file: 'churn.yaml', text: () => churn(10) },
  'record-churn-40': { series: 'record-churn', n: 40, kind: 'record', file: 'churn.yaml', text: () => churn(40) },
  'nested-16k': { series: 'nested-brackets', n: 16 * 1024, kind: 'reject', file: 'nested.yaml', text: () => '['.repeat(16 * 1024) },
  'nested-128k': { series: 'nested-brackets', n: 128 * 1024, kind: 'reject', file: 'nested.yaml', text: () => '['.repeat(128 * 1024) },
};
