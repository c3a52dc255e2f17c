// The benchmark suite: runs every case in its own process, writes bench/results.json and prints a table.
//
// Usage: npm run bench [-- --reps N] [-- --only case1,case2]
// Each case runs N times (default 3), each time in a fresh process so that peak RSS is the
// case's own; the best time of the N is kept, and the highest peak RSS (the conservative one).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adviseLine, measureAdvise } from './advise.mjs';
import { CASES, CLIFFS, COMPARE, compareScenario } from './scenarios.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const GIB = 2 ** 30;

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const reps = Number(flag('--reps') ?? 3);
const only = flag('--only')?.split(',');
const names = Object.keys(CASES).filter((n) => only === undefined || only.includes(n));
const cliffNames = Object.keys(CLIFFS).filter((n) => only === undefined || only.includes(n));
// `--only` with scale cliffs alone (or other cases) leaves the compare sweep out unless it names it.
const withCompare = only === undefined || only.includes('compare-3x20');
const withAdvise = only === undefined || only.includes('advise-tpch-q3');

/** Runs one case in a child process; returns its JSON, or the error it died of. */
function child(caseName, extra = []) {
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'case.mjs'), caseName, ...extra], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status === 0) return JSON.parse(r.stdout.trim().split('\n').pop());
  const err = (r.stderr || '').split('\n').find((l) => /Error|error:/.test(l)) ?? `exit ${r.status} ${r.signal ?? ''}`;
  return { case: caseName, error: err.trim() };
}

/** Peak RSS of a node process that does nothing, the floor every case's RSS includes. */
function emptyNodeRss() {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS * 1024))'], { encoding: 'utf8' });
    best = Math.min(best, Number(out));
  }
  return best;
}

function machine() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  return { nproc: Number(nproc), availableParallelism: availableParallelism(), cpu: model, node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** Runs a case `reps` times and keeps the best of each time and the worst RSS. */
function measure(name) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    // The bare loop is replayed in the first process only: it is stable and costs a run.
    const r = child(name, i === 0 ? ['--bare'] : []);
    if (r.error !== undefined) return { case: name, error: r.error };
    runs.push(r);
    process.stderr.write(`  ${name} #${i + 1}: ${r.wallMs.toFixed(0)} ms cold, ${r.warmSimulateMs.toFixed(0)} ms warm simulate\n`);
  }
  const min = (k) => Math.min(...runs.map((r) => r[k]));
  const first = runs[0];
  return {
    ...first,
    wallMs: min('wallMs'),
    loadMs: min('loadMs'),
    simulateMs: min('simulateMs'),
    warmLoadMs: min('warmLoadMs'),
    warmSimulateMs: min('warmSimulateMs'),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    reps: runs.length,
  };
}

/** The compare sweep: the real `batchsim compare` when it is built, and the one-thread equivalent always. */
function measureCompare() {
  const out = { case: 'compare-3x20', subtasks: 10_000, runs: COMPARE.slots.length * COMPARE.seeds };
  const inline = [];
  for (let i = 0; i < reps; i++) inline.push(child('compare-inline'));
  const okInline = inline.filter((r) => r.error === undefined);
  if (okInline.length > 0) {
    out.inlineMs = Math.min(...okInline.map((r) => r.wallMs));
    out.events = okInline[0].events;
  } else {
    out.inlineError = inline[0].error;
  }
  const cli = join(root, 'dist/cli/commands/compare.js');
  if (!existsSync(join(root, 'dist/compare/run-grid.js')) || !existsSync(cli)) {
    out.how = 'dist/compare/run-grid.js not built: 60 sequential simulate() calls in one process';
    out.wallMs = out.inlineMs;
    return out;
  }
  // The command as a user runs it, process start-up and worker threads included.
  const dir = mkdtempSync(join(tmpdir(), 'batchsim-bench-'));
  try {
    const file = join(dir, 'compare-10k.yaml');
    writeFileSync(file, compareScenario());
    const argv = [join(root, 'dist/cli/main.js'), 'compare', file, '--slots', COMPARE.slots.join(','), '--seeds', String(COMPARE.seeds)];
    let best = Infinity;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const ms = performance.now() - t0;
      if (r.status !== 0) {
        out.cliError = (r.stderr || `exit ${r.status}`).trim().split('\n')[0];
        break;
      }
      best = Math.min(best, ms);
    }
    if (Number.isFinite(best)) {
      out.how = `node dist/cli/main.js compare --slots ${COMPARE.slots.join(',')} --seeds ${COMPARE.seeds} (whole process, default worker threads)`;
      out.wallMs = best;
    } else {
      out.how = '60 sequential simulate() calls in one process (the compare command failed)';
      out.wallMs = out.inlineMs;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** A scale cliff `reps` times, each in a fresh process: the best cold and warm times, the highest RSS. */
function measureCliff(name) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const r = child(name);
    if (r.error !== undefined) return { case: name, series: CLIFFS[name].series, n: CLIFFS[name].n, error: r.error };
    runs.push(r);
    process.stderr.write(`  ${name} #${i + 1}: ${r.coldMs.toFixed(0)} ms cold, ${r.warmMs.toFixed(0)} ms warm\n`);
  }
  return {
    ...runs[0],
    coldMs: Math.min(...runs.map((r) => r.coldMs)),
    warmMs: Math.min(...runs.map((r) => r.warmMs)),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    reps: runs.length,
  };
}

/** Growth of each scale cliff's series from its smallest to its largest size (warm and cold). */
function cliffGrowth(cliffs) {
  const bySeries = new Map();
  for (const r of cliffs) if (r.error === undefined) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
  const out = [];
  for (const [series, rs] of bySeries) {
    if (rs.length < 2) continue;
    rs.sort((a, b) => a.n - b.n);
    const [lo, hi] = [rs[0], rs[rs.length - 1]];
    out.push({
      series,
      from: lo.n,
      to: hi.n,
      warmTimeRatio: hi.warmMs / lo.warmMs,
      coldTimeRatio: hi.coldMs / lo.coldMs,
      nlognRatio: (hi.n * Math.log(hi.n)) / (lo.n * Math.log(lo.n)),
      warmExponent: exponent(lo.n, lo.warmMs, hi.n, hi.warmMs),
      coldExponent: exponent(lo.n, lo.coldMs, hi.n, hi.coldMs),
    });
  }
  return out;
}

/** Exponent k in time ~ n^k between two sizes. */
const exponent = (n1, t1, n2, t2) => Math.log(t2 / t1) / Math.log(n2 / n1);

function growthFit(results) {
  const g = results.filter((r) => CASES[r.case]?.growth && r.error === undefined).sort((a, b) => a.subtasks - b.subtasks);
  if (g.length < 2) return null;
  const pairs = [];
  for (let i = 1; i < g.length; i++) {
    const [a, b] = [g[i - 1], g[i]];
    pairs.push({
      from: a.subtasks,
      to: b.subtasks,
      warmExponent: exponent(a.subtasks, a.warmSimulateMs, b.subtasks, b.warmSimulateMs),
      coldExponent: exponent(a.subtasks, a.wallMs, b.subtasks, b.wallMs),
    });
  }
  const [lo, hi] = [g[0], g[g.length - 1]];
  const nlogn = (hi.subtasks * Math.log(hi.subtasks)) / (lo.subtasks * Math.log(lo.subtasks));
  const ratioWarm = hi.warmSimulateMs / lo.warmSimulateMs;
  return {
    sizes: g.map((r) => ({ case: r.case, subtasks: r.subtasks, events: r.events, warmSimulateMs: r.warmSimulateMs, coldWallMs: r.wallMs })),
    pairs,
    overall: {
      from: lo.subtasks,
      to: hi.subtasks,
      warmTimeRatio: ratioWarm,
      nlognRatio: nlogn,
      warmExponent: exponent(lo.subtasks, lo.warmSimulateMs, hi.subtasks, hi.warmSimulateMs),
      coldExponent: exponent(lo.subtasks, lo.wallMs, hi.subtasks, hi.wallMs),
    },
  };
}

function targets(results, growth, compare, cliffSeries = [], advice = null) {
  const t = [];
  if (advice?.wallMs !== undefined) {
    t.push({ target: 'advise tpch-q3 with 20 seeds < 20 s', value: `${(advice.wallMs / 1000).toFixed(2)} s`, met: advice.wallMs < 20_000 });
    t.push({ target: 'advise tpch-q3: at most a tenth of the full grid\'s runs', value: `${advice.runs} of ${advice.gridRuns}`, met: advice.runs * 10 <= advice.gridRuns });
  }
  for (const g of cliffSeries) {
    t.push({
      target: `scale cliff ${g.series}: cost grows no faster than n log n from ${g.from} to ${g.to}`,
      value: `x${g.warmTimeRatio.toFixed(1)} warm, x${g.coldTimeRatio.toFixed(1)} cold for x${g.to / g.from} (n log n: x${g.nlognRatio.toFixed(1)})`,
      met: g.warmTimeRatio <= g.nlognRatio,
    });
  }
  const big = results.find((r) => CASES[r.case]?.target1M);
  if (big !== undefined && big.error === undefined) {
    t.push({ target: '1M-subtask job end to end (load + simulate, cold process) < 5 s', value: `${(big.wallMs / 1000).toFixed(2)} s`, met: big.wallMs < 5000 });
    t.push({ target: '1M-subtask job peak RSS < 1 GiB', value: `${(big.peakRssBytes / 2 ** 20).toFixed(0)} MiB`, met: big.peakRssBytes < GIB });
  }
  const ratios = results.filter((r) => r.ratio !== undefined);
  for (const r of ratios) {
    if (CASES[r.case]?.perVertex) {
      // One event per vertex: the queue replay takes microseconds, and what the run costs is
      // per-vertex work (graph, initialization, result), which a ratio of events cannot judge.
      const us = (r.warmSimulateMs * 1000) / r.subtasks;
      t.push({ target: `${r.case}: events/s ratio (one event per vertex: measures per-vertex work)`, value: `${r.ratio.toFixed(3)}; ${us.toFixed(1)} us per vertex`, met: null });
      continue;
    }
    t.push({ target: `${r.case}: simulator events/s >= 0.3 x bare loop (both warm)`, value: r.ratio.toFixed(2), met: r.ratio >= 0.3 });
  }
  if (growth !== null) {
    const o = growth.overall;
    t.push({
      target: `cost grows no faster than n log n from ${o.from} to ${o.to} subtasks (warm simulate time)`,
      value: `x${o.warmTimeRatio.toFixed(0)} for x${o.to / o.from} subtasks (n log n: x${o.nlognRatio.toFixed(0)}); exponent ${o.warmExponent.toFixed(2)}`,
      met: o.warmTimeRatio <= o.nlognRatio,
    });
  }
  if (compare?.wallMs !== undefined) {
    t.push({ target: 'compare 3 slot choices x 20 seeds on 10,000 subtasks < 10 s', value: `${(compare.wallMs / 1000).toFixed(2)} s (${compare.how})`, met: compare.wallMs < 10_000 });
  }
  return t;
}

const pad = (s, n) => String(s).padStart(n);
const fmt = (x, d = 0) => (x === undefined || x === null || Number.isNaN(x) ? '-' : x.toFixed(d));
const perSec = (n, ms) => (n / ms) * 1000;
const mega = (x) => (x === undefined ? '-' : (x / 1e6).toFixed(2));

function table(results, compare) {
  const head = ['case', 'subtasks', 'events', 'wall ms', 'load ms', 'sim ms', 'warm ms', 'Mev/s', 'warm Mev/s', 'engine Mev/s', 'bare Mev/s', 'ratio', 'RSS MiB', 'B/subtask'];
  const w = [16, 9, 9, 8, 8, 8, 8, 7, 10, 12, 10, 6, 8, 9];
  const lines = [head.map((h, i) => (i === 0 ? h.padEnd(w[i]) : pad(h, w[i]))).join(' ')];
  for (const r of results) {
    if (r.error !== undefined) {
      lines.push(`${r.case.padEnd(w[0])} ERROR ${r.error}`);
      continue;
    }
    lines.push(
      [
        r.case.padEnd(w[0]),
        pad(r.subtasks, w[1]),
        pad(r.events, w[2]),
        pad(fmt(r.wallMs), w[3]),
        pad(fmt(r.loadMs), w[4]),
        pad(fmt(r.simulateMs), w[5]),
        pad(fmt(r.warmSimulateMs), w[6]),
        pad(mega(r.eventsPerSec), w[7]),
        pad(mega(r.warmEventsPerSec), w[8]),
        pad(mega(r.engineEventsPerSec), w[9]),
        pad(mega(r.bareEventsPerSec), w[10]),
        pad(fmt(r.ratio, 2), w[11]),
        pad(fmt(r.peakRssBytes / 2 ** 20), w[12]),
        pad(fmt(r.bytesPerSubtask), w[13]),
      ].join(' '),
    );
  }
  if (compare === null) return lines.join('\n');
  lines.push('');
  lines.push(`compare 3x20 (10k subtasks): ${compare.wallMs === undefined ? 'not measured' : `${fmt(compare.wallMs)} ms`} via ${compare.how ?? '-'}`);
  if (compare.inlineMs !== undefined) lines.push(`  one thread, 60 sequential simulate() calls: ${fmt(compare.inlineMs)} ms, ${compare.events} events`);
  if (compare.cliError !== undefined) lines.push(`  compare command failed: ${compare.cliError}`);
  return lines.join('\n');
}

const started = new Date();
process.stderr.write(`batchsim bench: ${names.length + cliffNames.length} cases x ${reps} processes\n`);
const emptyRss = emptyNodeRss();
const results = [];
for (const name of names) {
  const r = measure(name);
  if (r.error === undefined) {
    r.eventsPerSec = perSec(r.events, r.simulateMs);
    r.warmEventsPerSec = perSec(r.events, r.warmSimulateMs);
    if (r.bareMs !== undefined) {
      r.bareEventsPerSec = perSec(r.events, r.bareMs);
      r.engineEventsPerSec = perSec(r.events, r.engineMs);
      r.ratio = r.warmEventsPerSec / r.bareEventsPerSec;
    }
    r.bytesPerSubtask = (r.peakRssBytes - emptyRss) / r.subtasks;
  }
  results.push(r);
}
const cliffs = cliffNames.map(measureCliff);
const cliffSeries = cliffGrowth(cliffs);
let compare = null;
if (withCompare) {
  process.stderr.write('  compare sweep\n');
  compare = measureCompare();
}
let advice = null;
if (withAdvise) {
  process.stderr.write('  advise search\n');
  advice = measureAdvise(root, 1);
}
const growth = growthFit(results);
const tgs = targets(results, growth, compare, cliffSeries, advice);

const report = {
  date: started.toISOString(),
  machine: machine(),
  reps,
  emptyNodeRssBytes: emptyRss,
  notes: [
    'wall = loadScenario + simulate in a fresh process (JIT warm-up included), best of reps.',
    'warm = the same simulate once compiled in that process (best of up to 10 runs), best of reps.',
    'Mev/s = events / cold simulate time; warm Mev/s = events / warm simulate time.',
    'bare = the same event sequence (pushes, delays, pops) replayed on a bare fastpriorityqueue, best of >= 3 in-process replays.',
    'engine = the same sequence through the simulator\'s Simulation class with a no-op handler.',
    'ratio = warm simulator events/s over bare-loop events/s.',
    'RSS = process peak (getrusage maxrss), the highest of the reps; B/subtask = (RSS - empty node RSS) / subtasks.',
  ],
  cases: results,
  growth,
  cliffs,
  cliffGrowth: cliffSeries,
  compare,
  advise: advice,
  targets: tgs,
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);

const m = report.machine;
console.log(`batchsim bench, ${report.date}, ${m.cpu}, ${m.nproc} cores, Node ${m.node}; best of ${reps} processes per case`);
console.log(`empty node process peak RSS: ${(emptyRss / 2 ** 20).toFixed(1)} MiB\n`);
if (results.length > 0 || compare !== null) console.log(table(results, compare));
if (advice !== null) console.log(`\n${adviseLine(advice)}`);
if (cliffs.length > 0) {
  console.log('\nscale cliffs (whole operation: cold = first in a fresh process, warm = best of 3 after):');
  for (const r of cliffs) {
    if (r.error !== undefined) console.log(`  ${r.case.padEnd(22)} ERROR ${r.error}`);
    else console.log(`  ${r.case.padEnd(22)} ${r.kind.padEnd(8)} n=${String(r.n).padStart(6)}  cold ${fmt(r.coldMs, 1).padStart(8)} ms  warm ${fmt(r.warmMs, 1).padStart(8)} ms  RSS ${fmt(r.peakRssBytes / 2 ** 20)} MiB`);
  }
  for (const g of cliffSeries) {
    console.log(`  growth ${g.series}: x${g.to / g.from} n -> x${g.warmTimeRatio.toFixed(2)} warm (exponent ${g.warmExponent.toFixed(2)}), x${g.coldTimeRatio.toFixed(2)} cold (exponent ${g.coldExponent.toFixed(2)}); n log n: x${g.nlognRatio.toFixed(1)}`);
  }
}
if (growth !== null) {
  console.log('\ngrowth (wide-40xN, warm simulate):');
  for (const p of growth.pairs) console.log(`  ${p.from} -> ${p.to} subtasks: exponent ${p.warmExponent.toFixed(2)} warm, ${p.coldExponent.toFixed(2)} cold`);
}
console.log('\ntargets:');
for (const t of tgs) console.log(`  [${t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED'}] ${t.target}: ${t.value}`);
console.log('\nwrote bench/results.json');
