//! The multi-job HTML report opened in headless Chromium: no errors, a bar per job, the job highlight, a screenshot.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderWorkloadHtmlReport } from '../../src/report/workload-html-report.js';
import { nightlyWorkload } from '../support/workload-fixtures.js';

// Browser globals for the functions that run inside the page.
declare const document: any;
declare const window: any;

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
/** Where the screenshot goes; overwritten on every run. */
const SCREENSHOT = join(tmpdir(), 'batchsim-workload-report.png');

if (!hasBrowser) console.warn(`[workload-html-report.browser.test] SKIPPING: ${CHROMIUM} not found.`);

describe.skipIf(!hasBrowser)('multi-job HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    dir = mkdtempSync(join(tmpdir(), 'batchsim-workload-report-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders ten jobs in two queues without errors, and highlights a job in both Gantt charts', async () => {
    const { result, timeline } = nightlyWorkload();
    const file = join(dir, 'workload.html');
    writeFileSync(file, renderWorkloadHtmlReport(result, timeline));
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => {
      if (r.url() !== url) problems.push(`request ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });

    const attempts = timeline.jobs.reduce((n, t) => n + (t?.attempts.length ?? 0), 0);
    expect(await page.$$eval('#jobs-gantt g.job', (g) => g.length)).toBe(result.jobs.length);
    expect(await page.$$eval('#gantt rect.attempt', (r) => r.length)).toBe(attempts);
    // Nothing wider than the window: the tables and charts fit.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // Hovering a job's legend entry fades the others in both charts (the script ran under the CSP).
    const job = result.jobs.findIndex((j) => j.name === 'backfill-2025');
    await page.hover(`#tm-legend li[data-v="${job}"]`);
    const state = await page.evaluate((v: number) => {
      const hl = (sel: string) => Array.from(document.querySelectorAll(sel)).filter((e: any) => e.classList.contains('hl')).length;
      return {
        focus: ['gantt', 'jobs-gantt'].map((id) => document.getElementById(id).classList.contains('focus')),
        bars: hl(`#gantt rect.attempt[data-v="${v}"]`),
        others: hl(`#gantt rect.attempt:not([data-v="${v}"])`),
        job: hl(`#jobs-gantt g.job[data-v="${v}"]`),
      };
    }, job);
    const own = timeline.jobs[job]?.attempts.length ?? 0;
    expect(own).toBeGreaterThan(0);
    expect(state).toEqual({ focus: [true, true], bars: own, others: 0, job: 1 });
    await page.mouse.move(0, 0);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
