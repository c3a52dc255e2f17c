//! `batchsim compare` on a multi-job scenario end to end: worker threads give the inline results, bad flags exit 2 from the real command, and the page in headless Chromium.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

declare const document: any;
declare const window: any;

const root = resolve(import.meta.dirname, '../..');
const nightly = join(root, 'sim-scenarios/nightly-workflow.yaml');
const dir = mkdtempSync(join(tmpdir(), 'batchsim-workload-compare-e2e-'));
// The threaded path needs compiled JavaScript; a build of its own, so that no other test's
// build of dist/ is read half-written, under node_modules so that it finds the packages.
const build = join(root, 'node_modules/.cache', `batchsim-workload-compare-${process.pid}`);
const CHROMIUM = '/usr/bin/chromium';

beforeAll(() => {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', build], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    // Type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal.
    if (!existsSync(join(build, 'compare/workload-worker.js'))) throw err;
  }
  // The pages' stylesheets, as `npm run build` copies them beside the compiled modules.
  cpSync(join(root, 'src'), build, { recursive: true, filter: (p) => statSync(p).isDirectory() || !p.endsWith('.ts') });
}, 240_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

/** `batchsim ARGS` as a process, from the private build. */
function batchsim(args: string[]) {
  const r = spawnSync(process.execPath, [join(build, 'cli/main.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('worker threads', () => {
  it('the same JSON with 1 worker and with 2, and the threads really run', async () => {
    const args = ['compare', nightly, '--queue-capacity', 'etl=32,64', '--max-slots', '16,unlimited', '--seeds', '2'];
    const one = batchsim([...args, '--workers', '1', '--json', '-']);
    const two = batchsim([...args, '--workers', '2', '--json', '-']);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const json = JSON.parse(one.stdout) as { choices: { label: string; jobs: { finished: number } }[] };
    expect(json.choices.map((c) => c.label)).toEqual(['etl 32 CU, max slots 16', 'etl 32 CU, max slots unlimited', 'etl 64 CU, max slots 16', 'etl 64 CU, max slots unlimited']);
    // 35 jobs a run (5 in the workflow, 30 ad-hoc queries), 2 seeds.
    for (const c of json.choices) expect(c.jobs.finished).toBe(70);

    const load = (p: string) => import(pathToFileURL(join(build, p)).href);
    const { runGridWith, workerModuleUrl } = await load('compare/run-grid.js');
    const { WorkloadChoiceRunner, WORKLOAD_WORKER_KIND } = await load('compare/workload-worker.js');
    const text = readFileSync(nightly, 'utf8');
    const overrides = [{ capacity: { etl: 32 } }, { maxSlots: 8 }];
    const runs = [0, 1].flatMap((choice) => [7, 8].map((seed, i) => ({ index: choice * 2 + i, choice, seed })));
    const runners = (url: URL | null) => ({ inline: () => new WorkloadChoiceRunner(text, nightly, overrides), workerUrl: url, init: { kind: WORKLOAD_WORKER_KIND, text, file: nightly, overrides } });
    const threaded = await runGridWith(runs, runners(workerModuleUrl('./workload-worker.js')), { workers: 2 });
    const inline = await runGridWith(runs, runners(null), { workers: 2 });
    expect(threaded.threads).toBe(2);
    expect(inline.threads).toBe(0);
    expect(threaded.summaries).toEqual(inline.summaries);
    expect(threaded.summaries.map((s: { seed: number }) => s.seed)).toEqual([7, 8, 7, 8]);
  }, 120_000);
});

describe('the same numbers as run', () => {
  it('a choice as in the scenario, one seed: every job and the cost as `run --json` gives them', () => {
    const cmp = batchsim(['compare', nightly, '--seeds', '1', '--json', '-']);
    const run = batchsim(['run', nightly, '--json']);
    expect(cmp.status, cmp.stderr).toBe(0);
    expect(run.status, run.stderr).toBe(0);
    type Job = { name: string; status: string; makespan: number; waited: number };
    const r = JSON.parse(run.stdout) as { seed: number; makespan: number; cost: { coreSeconds: number }; jobs: Job[] };
    const c = (JSON.parse(cmp.stdout) as { choices: { runs: { seed: number; makespan: number; cost: { coreSeconds: number }; jobs: Job[] }[] }[] }).choices[0].runs[0];
    expect(c.seed).toBe(r.seed);
    expect(c.makespan).toBe(r.makespan);
    expect(c.cost.coreSeconds).toBe(r.cost.coreSeconds);
    expect(c.jobs).toEqual(r.jobs.map((j) => ({ name: j.name, status: j.status, makespan: j.makespan, waited: j.waited })));
  });
});

describe('exit status of the command', () => {
  it.each([
    [['--queue-capacity', '0'], /option '--queue-capacity <list>' argument '0' is invalid\. expected a capacity in CU \(a number > 0\) or `unlimited`, got `0`/],
    [['--queue-capacity', 'fast'], /got `fast`/],
    [['--queue-capacity', 'etl=-5'], /got `-5`/],
    [['--queue-capacity', 'batch=32'], /the scenario has no queue `batch`; its queues are `etl`, `adhoc`/],
    [['--queue-capacity', 'adhoc=4'], /job `adhoc \(template `lookup`\)` needs 5 CU to start/],
    [['--slots', '2'], /--slots does not apply to a multi-job scenario/],
  ])('%j exits 2 with the reason and no stack trace', (flags, message) => {
    const r = batchsim(['compare', nightly, ...flags, '--seeds', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('--queue-capacity on a single-job scenario exits 2', () => {
    const r = batchsim(['compare', join(root, 'sim-scenarios/default.yaml'), '--queue-capacity', '32']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--queue-capacity sweeps the queues of a multi-job scenario/);
  });
});

describe.skipIf(!existsSync(CHROMIUM))(existsSync(CHROMIUM) ? 'the page in headless Chromium' : `the page in headless Chromium (SKIPPED: ${CHROMIUM} not found)`, () => {
  it('no error, nothing scrolls sideways at 1300 px, a bar per choice in each chart, the marks shown', async () => {
    const page = join(dir, 'nightly.html');
    const r = batchsim(['compare', nightly, '--queue-capacity', 'etl=32,64', '--max-slots', '16,unlimited', '--seeds', '2', '--report', page]);
    expect(r.status, r.stderr).toBe(0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await tab.goto(pathToFileURL(page).href);
      const seen = await tab.evaluate(() => ({
        sideways: [...document.querySelectorAll('.table-wrap')].map((w: any) => w.scrollWidth - w.clientWidth),
        pageSideways: document.documentElement.scrollWidth - window.innerWidth,
        bars: [...document.querySelectorAll('svg.chart')].map((svg: any) => svg.querySelectorAll('rect.bar').length),
        marks: [...document.querySelectorAll('.mark')].map((m: any) => m.textContent),
        perJobRows: document.querySelectorAll('#per-job-table tbody tr').length,
      }));
      expect(errors).toEqual([]);
      expect(seen.sideways.every((s: number) => s === 0)).toBe(true);
      expect(seen.pageSideways).toBe(0);
      expect(seen.bars).toEqual([4, 4, 4]);
      expect([...seen.marks].sort()).toEqual(['cheapest', 'fastest']);
      // 4 choices x 6 entries (ingest, clean, enrich, aggregate, report, adhoc).
      expect(seen.perJobRows).toBe(24);
      await tab.screenshot({ path: join(tmpdir(), 'batchsim-compare-queues.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
