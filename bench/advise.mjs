// `batchsim advise` on TPC-H Q3 with 20 seeds: wall time of the whole command, and the runs
// its search made against the full grid's (settings x seeds).
//
// Usage: npm run build && node bench/advise.mjs   (also part of `npm run bench`, case advise-tpch-q3)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the case runs: the shipped scenario, a deadline it can meet, 20 seeds. */
export const ADVISE = { scenario: 'sim-scenarios/tpch-q3.yaml', deadline: '1min', seeds: 20 };

/** Runs the command `reps` times in fresh processes; the best time, and the search's counts (the same every time). */
export function measureAdvise(root, reps = 1) {
  const out = { case: 'advise-tpch-q3' };
  const cli = join(root, 'dist/cli/main.js');
  if (!existsSync(join(root, 'dist/advise/search.js'))) return { ...out, error: 'dist/advise/search.js not built' };
  const argv = [cli, 'advise', ADVISE.scenario, '--deadline', ADVISE.deadline, '--seeds', String(ADVISE.seeds), '--json'];
  out.how = `node dist/cli/main.js advise ${ADVISE.scenario} --deadline ${ADVISE.deadline} --seeds ${ADVISE.seeds} (whole process, default worker threads)`;
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const ms = performance.now() - t0;
    if (r.status !== 0) return { ...out, error: (r.stderr || `exit ${r.status}`).trim().split('\n')[0] };
    const a = JSON.parse(r.stdout);
    Object.assign(out, {
      runs: a.search.runs,
      settingsEvaluated: a.search.settingsEvaluated,
      gridSettings: a.search.gridSettings,
      gridRuns: a.search.gridRuns,
      outcome: a.outcome,
      recommended: a.recommendation?.settings ?? null,
    });
    best = Math.min(best, ms);
  }
  out.wallMs = best;
  return out;
}

/** One line for a person. */
export function adviseLine(a) {
  if (a.error !== undefined) return `advise tpch-q3, 20 seeds: ERROR ${a.error}`;
  return (
    `advise tpch-q3, 20 seeds: ${(a.wallMs / 1000).toFixed(2)} s; ${a.runs} runs of ${a.gridSettings} settings x ${ADVISE.seeds} seeds = ${a.gridRuns} ` +
    `(${((100 * a.runs) / a.gridRuns).toFixed(2)}% of the grid), ${a.settingsEvaluated} settings evaluated`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const a = measureAdvise(root);
  console.log(adviseLine(a));
  console.log(JSON.stringify(a));
}
