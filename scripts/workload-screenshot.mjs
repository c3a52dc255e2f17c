// Renders the HTML report of a multi-job (`jobs:`) scenario in headless Chromium and saves a PNG.
// Usage: npm run build && node scripts/workload-screenshot.mjs [scenario] [out.png]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { loadScenario } from '../dist/scenario/load.js';
import { simulateWorkload } from '../dist/sim/simulate.js';
import { renderWorkloadHtmlReport } from '../dist/report/workload-html-report.js';

const scenarioFile = process.argv[2] ?? 'sim-scenarios/nightly-workflow.yaml';
const out = resolve(process.argv[3] ?? 'docs/workload-report.png');
const scenario = loadScenario(readFileSync(scenarioFile, 'utf8'), scenarioFile);
if (scenario.kind !== 'workload') throw new Error(`${scenarioFile}: not a multi-job scenario (no jobs:)`);
const { result, timeline } = simulateWorkload(scenario.workload, { recordTimeline: true });
const page = join(mkdtempSync(join(tmpdir(), 'batchsim-shot-')), 'report.html');
writeFileSync(page, renderWorkloadHtmlReport(result, timeline, { title: result.scenario }));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1500, height: 900 }, deviceScaleFactor: 1 });
  await tab.goto(`file://${page}`);
  await tab.screenshot({ path: out, fullPage: true });
  console.log(`${out}: screenshot of the report of ${scenarioFile} (${page})`);
} finally {
  await browser.close();
}
