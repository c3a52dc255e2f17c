// Renders the HTML report of a scenario in headless Chromium and saves a PNG for the README.
// Usage: npm run build && node scripts/readme-screenshot.mjs [scenario] [out.png]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { loadScenario } from '../dist/scenario/load.js';
import { simulate } from '../dist/sim/simulate.js';
import { renderHtmlReport } from '../dist/report/html-report.js';
import { readFileSync } from 'node:fs';

const scenarioFile = process.argv[2] ?? 'sim-scenarios/lost-taskmanager-local.yaml';
const out = resolve(process.argv[3] ?? 'docs/report.png');
const spec = loadScenario(readFileSync(scenarioFile, 'utf8'), scenarioFile).spec;
const { result, timeline } = simulate(spec, { recordTimeline: true });
const page = join(mkdtempSync(join(tmpdir(), 'batchsim-shot-')), 'report.html');
writeFileSync(page, renderHtmlReport(result, timeline, { title: result.scenario }));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1500, height: 900 }, deviceScaleFactor: 1 });
  await tab.goto(`file://${page}`);
  await tab.screenshot({ path: out, fullPage: true });
  console.log(`${out}: screenshot of the report of ${scenarioFile}`);
} finally {
  await browser.close();
}
