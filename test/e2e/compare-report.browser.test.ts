//! The compare page in headless Chromium: a failed choice does not set the scale, and 24 rows stay inside 1400 px.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComparison, type RunSummary } from '../../src/compare/aggregate.js';
import { buildGrid, type ChoiceSettings, type GridAxes } from '../../src/compare/grid.js';
import { renderCompareHtml } from '../../src/report/compare-report.js';

declare const document: any;
declare const window: any;

const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
const MIB = 2 ** 20;
const base: ChoiceSettings = { slots: 2, cpuPerSlot: 1, memoryPerSlot: 4 * 2 ** 30, diskBandwidth: Infinity, networkBandwidth: Infinity, maxSlots: Infinity, shuffle: 'local', avgVolume: 16 * MIB, mode: 'BATCH' };

/** A comparison of the grid `axes` over 3 seeds; choice `failIndex` fails every run after `failAt` seconds. */
function comparison(axes: GridAxes, failIndex: number, failAt: number) {
  const choices = buildGrid(base, axes);
  const seeds = [1, 2, 3];
  const summaries: RunSummary[] = choices.flatMap((ch) =>
    seeds.map((seed) => {
      const failed = ch.index === failIndex;
      const makespan = failed ? failAt : 60 + ch.index * 2 + seed;
      return {
        seed,
        status: failed ? 'FAILED' : 'FINISHED',
        failureCause: failed ? 'No space left on device' : null,
        makespan,
        tmsCreated: 4,
        tmsPeak: 4,
        coreSeconds: makespan * 4,
        gibSeconds: makespan * 16,
        peakDiskBytes: 0,
        restarts: failed ? 50 : 0,
      } satisfies RunSummary;
    }),
  );
  return buildComparison({ scenario: 'grid', file: 'grid.yaml', seeds, swept: Object.keys(axes) as (keyof GridAxes)[], base, choices, summaries });
}

const bars = (html: string, chart: string) => {
  const svg = new RegExp(`<svg class="chart" id="${chart}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';
  const axisMax = Number(/data-axis-max="([\d.]+)"/.exec(svg)?.[1]);
  const widths = [...svg.matchAll(/<rect class="bar([^"]*)" data-choice="(\d+)" data-value="[^"]*" x="[^"]*" y="[^"]*" width="([\d.]+)"/g)].map((m) => ({ cls: m[1], choice: Number(m[2]), width: Number(m[3]) }));
  return { axisMax, widths };
};

describe('the compare page, as text', () => {
  it('a failed choice does not stretch the scale: the others keep their lengths, the failed bar is cut with a break mark', () => {
    const c = comparison({ slots: [1, 2, 4] }, 2, 3600);
    const html = renderCompareHtml(c);
    const m = bars(html, 'chart-makespan');
    // Largest finished run: choice 1, seed 3 = 60 + 2 + 3 = 65 s (the whisker, p95); time steps give 30 s ticks up to 90 s.
    expect(m.axisMax).toBe(90);
    expect(m.widths.map((w) => w.width)).toEqual([(62 / 90) * 500, (64 / 90) * 500, 500].map((v) => Math.round(v * 100) / 100));
    expect(m.widths[2].cls).toBe(' failed clipped');
    expect(html.match(/<line class="break"/g)).toHaveLength(4); // two strokes in each of the two charts
    expect(html).toContain('class="clipped-value"');
    // Without the failed choice, the same scale.
    const clean = renderCompareHtml(comparison({ slots: [1, 2, 4] }, -1, 0));
    expect(bars(clean, 'chart-makespan').widths.slice(0, 2)).toEqual(m.widths.slice(0, 2));
  });

  it('when every choice failed, the scale covers them all', () => {
    const c = comparison({ slots: [1] }, 0, 3600);
    const m = bars(renderCompareHtml(c), 'chart-makespan');
    expect(m.axisMax).toBeGreaterThanOrEqual(3600);
    expect(m.widths[0].cls).toBe(' failed');
  });

  it('durations read as the text table reads them: 73.2 s is 1 min 13.2 s, not 1 min 13 s', () => {
    const c = comparison({ slots: [1] }, -1, 0);
    c.choices[0].stats.makespanMedian = 73.2;
    const html = renderCompareHtml(c);
    expect(html).toContain('1 min 13.2 s');
    expect(html).not.toContain('1 min 13 s');
  });
});

describe.skipIf(!hasBrowser)(hasBrowser ? 'the compare page in headless Chromium' : `the compare page in headless Chromium (SKIPPED: ${CHROMIUM} not found)`, () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    dir = mkdtempSync(join(tmpdir(), 'batchsim-compare-page-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('24 choices with long labels at 1400 px: nothing scrolls sideways, the badges and every chart text stay inside', async () => {
    const c = comparison({ slots: [1, 2, 4], shuffle: ['local', 'remote'], avgVolume: [8 * MIB, 16 * MIB], mode: ['BATCH', 'STREAMING'] }, 16, 3460);
    expect(c.choices).toHaveLength(24);
    const file = join(dir, 'grid24.html');
    writeFileSync(file, renderCompareHtml(c));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    const layout = await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap');
      const wrapBox = wrap.getBoundingClientRect();
      const marks = [...document.querySelectorAll('.mark')].map((m: any) => m.getBoundingClientRect().right);
      const texts = [...document.querySelectorAll('svg.chart')].flatMap((svg: any) => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].map((t: any) => {
          const b = t.getBoundingClientRect();
          return b.left >= box.left - 0.5 && b.right <= box.right + 0.5;
        });
      });
      return {
        sideways: wrap.scrollWidth - wrap.clientWidth,
        pageSideways: document.documentElement.scrollWidth - window.innerWidth,
        marksInside: marks.every((r: number) => r <= wrapBox.right && r <= window.innerWidth),
        marks: marks.length,
        textsInside: texts.every(Boolean),
        texts: texts.length,
      };
    });
    expect(layout).toMatchObject({ sideways: 0, pageSideways: 0, marksInside: true, marks: 2, textsInside: true });
    expect(layout.texts).toBeGreaterThan(24 * 2 * 2);
    await page.screenshot({ path: join(tmpdir(), 'batchsim-compare-24.png'), fullPage: true });
    await page.close();
  });
});
