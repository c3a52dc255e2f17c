//! The HTML report opened in Debian's headless Chromium: no errors, countable charts, escaped names, a screenshot.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/run-result.js';
import { escapeHtml, jsonForScript } from '../../src/report/html-page.js';
import { CHART_MAX_POINTS, GANTT_MAX_ATTEMPTS, GANTT_MAX_ROWS, renderHtmlReport } from '../../src/report/html-report.js';
import { CSV_VERTEX, hostileRun, largeRun, smallRun, XSS_CAUSE, XSS_SCENARIO, XSS_VERTEX } from '../support/report-fixtures.js';

// Browser globals for the functions that run inside the page. Declared here, module-scoped,
// rather than adding the DOM lib to the whole project's compilation.
declare const document: any;
declare function getComputedStyle(element: unknown): { stroke: string };

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const hasBrowser = existsSync(CHROMIUM);
const requireBrowser = process.env.CI_REQUIRE_BROWSER === '1';
/** Where the screenshot goes; overwritten on every run so temp space does not fill up. */
const SCREENSHOT = join(tmpdir(), 'batchsim-report.png');

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

// ---------------------------------------------------------------------------
// Checks on the HTML string itself: these run with or without a browser.

describe('renderHtmlReport, as text', () => {
  it('shows one slot share of managed memory and task heap, and the TaskManager layout', () => {
    // Two slots of a 4 GiB TaskManager: 1438814063 / 2 bytes managed, 1530082070 / 2 task heap.
    const { result, timeline } = smallRun();
    const html = renderHtmlReport(result, timeline);
    expect(html).toContain('<div class="card-label">Memory per slot</div><div class="card-value">686 MiB <span class="unit">managed</span></div>');
    expect(html).toContain('task heap 730 MiB · TaskManager of 4 GiB: network 343 MiB, framework 256 MiB, JVM 666 MiB');
  });

  it('is self-contained: no external resources, no URLs at all', () => {
    for (const { result, timeline } of [smallRun(), hostileRun()]) {
      const html = renderHtmlReport(result, timeline);
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/@import/i);
      // Escaped scenario text may read like markup; real tags are the ones starting with a raw `<`.
      for (const [tag, name, attrs] of html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)) {
        expect(['link', 'iframe', 'img', 'object', 'embed', 'image', 'use', 'a'], tag).not.toContain(name.toLowerCase());
        expect(attrs, tag).not.toMatch(/\s(src|href|xlink:href)\s*=/i);
      }
      // The only url() references are to patterns in the page itself.
      for (const m of html.match(/url\([^)]*\)/g) ?? []) expect(m).toMatch(/^url\(#[a-z-]+\)$/);
    }
  });

  it('is deterministic', () => {
    const { result, timeline } = smallRun();
    expect(renderHtmlReport(result, timeline)).toBe(renderHtmlReport(result, timeline));
  });

  it('escapes every scenario string and keeps markup out of the embedded JSON', () => {
    const { result, timeline } = hostileRun();
    const html = renderHtmlReport(result, timeline);
    expect(html).not.toContain(XSS_VERTEX);
    expect(html).not.toContain(XSS_SCENARIO);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<svg onload');
    expect(html).toContain(escapeHtml(XSS_VERTEX));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // Two script elements: the JSON data block and the page's own script.
    expect(count(html, /<script\b/g)).toBe(2);
    expect(count(html, /<\/script>/g)).toBe(2);
    const json = /<script type="application\/json" id="batchsim-result">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(json).not.toMatch(/[<>]/);
    expect(JSON.parse(json)).toEqual(result);
  });

  it('serialises JSON for a script element without < > & and reads back the same', () => {
    const value = { a: '</script><!-- & \u2028 \u2029', b: [1, null, 'x'] };
    const s = jsonForScript(value);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(value);
  });

  it('uses a custom title when given one, escaped', () => {
    const { result, timeline } = smallRun();
    const html = renderHtmlReport(result, timeline, { title: 'Slots <4> & more' });
    expect(html).toContain('<title>Slots &lt;4&gt; &amp; more</title>');
  });

  it('caps the Gantt chart at the attempt limit, keeps failed attempts and says it sampled', () => {
    const { result, timeline } = largeRun(40, 4, 150); // 24,000 attempts on 160 rows
    const html = renderHtmlReport(result, timeline);
    expect(count(html, /<rect class="attempt /g)).toBe(GANTT_MAX_ATTEMPTS);
    const failedTotal = timeline.attempts.filter((a) => a.outcome === 'failed').length;
    expect(count(html, /data-outcome="failed"/g)).toBe(failedTotal);
    expect(html).toContain(`data-attempts-total="24000" data-attempts-shown="${GANTT_MAX_ATTEMPTS}"`);
    expect(html).toMatch(/id="gantt-sampled">Sampled: 20,000 of 24,000 attempts/);
    // 10,000 samples are more than a series may draw: reduced to its envelope, and said so.
    for (const m of html.matchAll(/data-points="(\d+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(CHART_MAX_POINTS);
    expect(html).toContain('data-reduced="true"');
  });

  it('draws very long series without overflowing the stack', () => {
    const { result, timeline } = smallRun();
    const base = timeline.samples[3];
    const samples = Array.from({ length: 300_000 }, (_, i) => ({ ...base, time: i / 20_000, busySlots: i % 4 }));
    // Empty disk but for one short spike, which the reduced series must still show.
    const disk = Array.from({ length: 300_000 }, (_, i) => ({ time: i / 20_000, tm: 0, bytes: i === 123_457 ? 900 : 0 }));
    const html = renderHtmlReport(result, { ...timeline, samples, disk });
    for (const m of html.matchAll(/data-points="(\d+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(CHART_MAX_POINTS);
    const d = /id="chart-disk"[\s\S]*?<path class="series" data-series="tm-0" data-points="\d+" d="([^"]*)"/.exec(html)?.[1] ?? '';
    // Disk use is drawn as straight lines between points: every point's height, M or L.
    const levels = new Set([...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => m[1]));
    expect(levels.size).toBe(2);
  });

  it('caps the Gantt chart rows by drawing whole TaskManagers at a stride', () => {
    const { result, timeline } = largeRun(100, 4, 2); // 400 rows
    const html = renderHtmlReport(result, timeline);
    const rows = Number(/data-rows="(\d+)"/.exec(html)?.[1]);
    expect(rows).toBeLessThanOrEqual(GANTT_MAX_ROWS);
    expect(rows).toBe(200);
    expect(html).toContain('Sampled: 50 of 100 TaskManagers are drawn');
    expect(count(html, /<rect class="attempt /g)).toBe(50 * 4 * 2);
  });

  it('labels the time axis in seconds, minutes or hours as the run’s length asks', () => {
    const { result, timeline } = smallRun();
    const axis = (makespan: number): string[] => {
      const html = renderHtmlReport({ ...result, makespan }, timeline);
      const gantt = /<svg class="chart" id="gantt"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
      const xAxis = /<g class="axis x-axis">([\s\S]*?)<\/g>/.exec(gantt)?.[1] ?? '';
      return [...xAxis.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    };
    expect(axis(15)).toEqual(['0 s', '2 s', '4 s', '6 s', '8 s', '10 s', '12 s', '14 s']);
    expect(axis(900)).toEqual(['0 min', '2 min', '4 min', '6 min', '8 min', '10 min', '12 min', '14 min']);
    expect(axis(5 * 3600).slice(0, 3)).toEqual(['0 h', '0.5 h', '1 h']);
  });

  it('does not sample a small run', () => {
    const { result, timeline } = smallRun();
    const html = renderHtmlReport(result, timeline);
    expect(html).not.toContain('gantt-sampled');
    expect(html).toContain('data-reduced="false"');
  });
});

// ---------------------------------------------------------------------------
// The real browser.

if (!hasBrowser) {
  if (requireBrowser) {
    describe('HTML report in headless Chromium', () => {
      it('needs Chromium because CI_REQUIRE_BROWSER=1', () => {
        throw new Error(`CI_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing; install it with .ci/install-chromium.sh.`);
      });
    });
  } else {
    console.warn(
      `[html-report.browser.test] SKIPPING the real-browser report tests: ${CHROMIUM} not found. ` +
        'Install it with .ci/install-chromium.sh; set CI_REQUIRE_BROWSER=1 to make its absence a failure.',
    );
  }
}

interface Opened {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  foreignRequests: string[];
}

describe.skipIf(!hasBrowser)(
  hasBrowser ? 'HTML report in headless Chromium' : `HTML report in headless Chromium (SKIPPED: ${CHROMIUM} not found)`,
  () => {
    let browser: Browser;
    let dir: string;
    const opened: Opened[] = [];

    beforeAll(async () => {
      // chromium.launch starts the browser with a fresh temporary profile (user-data-dir) of its own.
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      dir = mkdtempSync(join(tmpdir(), 'batchsim-report-'));
    });

    afterAll(async () => {
      for (const o of opened) await o.page.context().close();
      await browser?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Writes the page to a file and opens it as a user would, with all network blocked. */
    async function open(name: string, html: string): Promise<Opened> {
      const file = join(dir, name);
      writeFileSync(file, html);
      const url = pathToFileURL(file).href;
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const o: Opened = { page, consoleErrors: [], pageErrors: [], dialogs: [], foreignRequests: [] };
      opened.push(o);
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') o.consoleErrors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => o.pageErrors.push(String(e)));
      page.on('dialog', (d) => {
        o.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => {
        if (r.url() !== url) o.foreignRequests.push(r.url());
      });
      await context.route('**', (route) => (route.request().url() === url ? route.continue() : route.abort()));
      await page.goto(url, { waitUntil: 'load' });
      return o;
    }

    function expectClean(o: Opened): void {
      expect(o.consoleErrors).toEqual([]);
      expect(o.pageErrors).toEqual([]);
      expect(o.dialogs).toEqual([]);
      expect(o.foreignRequests).toEqual([]);
    }

    /** data-points of each series of a chart, and the number of points its path really has. */
    async function seriesPoints(page: Page, chart: string): Promise<Record<string, { declared: number; drawn: number }>> {
      return page.$$eval(`svg.chart#${chart} path.series`, (paths) =>
        Object.fromEntries(
          paths.map((p) => {
            const d = p.getAttribute('d') ?? '';
            // A step path is M, then H…V per further point, then a closing H to the horizon; a
            // straight-line path (disk use) is M, then L per further point.
            const drawn = (d.match(/M/g) ?? []).length + (d.match(/V/g) ?? []).length + (d.match(/L/g) ?? []).length;
            return [p.getAttribute('data-series') ?? '', { declared: Number(p.getAttribute('data-points')), drawn }];
          }),
        ),
      );
    }

    it('renders the small run: summary, Gantt bars, charts, tables, and a screenshot', async () => {
      const { result, timeline } = smallRun();
      const o = await open('small.html', renderHtmlReport(result, timeline));
      const { page } = o;

      expect(await page.title()).toBe('batchsim · two-tm-fixture');
      expect(await page.textContent('#status')).toBe('FINISHED');

      // Gantt: one bar per attempt, the failed one marked, each visibly inside the chart.
      expect(await page.locator('svg#gantt rect.attempt').count()).toBe(5);
      expect(await page.locator('svg#gantt rect.attempt[data-outcome="failed"]').count()).toBe(1);
      expect(await page.locator('svg#gantt rect.failed-hatch').count()).toBe(1);
      const failedStroke = await page.$eval('svg#gantt rect.attempt[data-outcome="failed"]', (r) => getComputedStyle(r).stroke);
      expect(failedStroke).toBe('rgb(214, 40, 40)');
      const boxes = await page.$$eval('svg#gantt rect.attempt', (rs) => {
        const svg = rs[0].ownerSVGElement!.getBoundingClientRect();
        return rs.map((r) => {
          const b = r.getBoundingClientRect();
          return { w: b.width, h: b.height, inside: b.left >= svg.left && b.right <= svg.right + 0.5 && b.top >= svg.top && b.bottom <= svg.bottom };
        });
      });
      for (const b of boxes) {
        expect(b.w).toBeGreaterThan(10);
        expect(b.h).toBeGreaterThan(5);
        expect(b.inside).toBe(true);
      }
      // Bars of the same vertex share a colour; the two vertices differ.
      const fills = await page.$$eval('svg#gantt rect.attempt', (rs) => rs.map((r) => [r.getAttribute('data-v'), r.getAttribute('fill')]));
      const byVertex = new Map<string, Set<string>>();
      for (const [v, f] of fills) byVertex.set(v!, (byVertex.get(v!) ?? new Set()).add(f!));
      expect([...byVertex.values()].map((s) => s.size)).toEqual([1, 1]);
      expect(new Set(fills.map((f) => f[1])).size).toBe(2);
      expect(await page.locator('#gantt-legend li[data-v]').allTextContents()).toEqual(['source', 'sink']);

      // Line charts: one point per sample (10 samples at distinct times), per TaskManager for disk.
      const tms = await seriesPoints(page, 'chart-tms');
      expect(tms).toEqual({ live: { declared: 10, drawn: 10 }, starting: { declared: 10, drawn: 10 }, idle: { declared: 10, drawn: 10 } });
      const slots = await seriesPoints(page, 'chart-slots');
      expect(Object.keys(slots)).toEqual(['live-slots', 'busy', 'pending']);
      for (const s of Object.values(slots)) expect(s).toEqual({ declared: 10, drawn: 10 });
      const disk = await seriesPoints(page, 'chart-disk');
      expect(disk).toEqual({ 'tm-0': { declared: 4, drawn: 4 }, 'tm-1': { declared: 5, drawn: 5 } });
      expect(await page.locator('svg#chart-disk line.capacity').count()).toBe(1);
      expect(await page.textContent('svg#chart-disk text.capacity-label')).toBe('capacity 1000 B');
      // The time axis reads in seconds.
      expect(await page.locator('svg#gantt .x-axis text').allTextContents()).toContain('10 s');

      // Tables.
      expect(await page.locator('#vertices-table tbody tr').count()).toBe(2);
      expect(await page.locator('#vertices-table tbody tr:first-child td').allTextContents()).toEqual([
        'source', '3', 'source-default Sources take the default source parallelism, 3.', '4', '2 s', '11 s', '14.0', '-',
        '600 B', '900 B', '100 B', '200 B', '300 B',
      ]);
      expect(await page.locator('#failures-table tbody tr').count()).toBe(1);
      expect(await page.locator('#failures-table tbody td.cause-cell').textContent()).toBe('injected fault');

      // The embedded summary reads back as the run's.
      const embedded = await page.$eval('#batchsim-result', (s) => JSON.parse(s.textContent ?? 'null') as RunResult);
      expect(embedded).toEqual(result);

      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      const png = readFileSync(SCREENSHOT);
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.length).toBeGreaterThan(10_000);

      // The legend highlights a vertex's bars (the page's script runs under its CSP).
      await page.hover('#gantt-legend li[data-v="1"]');
      expect(await page.locator('svg#gantt.focus rect.attempt.hl').count()).toBe(1);

      expectClean(o);
    });

    it('shows hostile names as text: nothing injected, no dialog, no script from the scenario', async () => {
      const { result, timeline } = hostileRun();
      const o = await open('hostile.html', renderHtmlReport(result, timeline));
      const { page } = o;
      // Give any injected handler (onerror, onload) a chance to fire before checking.
      await page.waitForTimeout(200);

      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain(XSS_VERTEX);
      expect(text).toContain(XSS_CAUSE);
      expect(text).toContain(CSV_VERTEX);
      expect(await page.textContent('#scenario-name')).toBe(XSS_SCENARIO);
      expect(await page.title()).toBe(`batchsim · ${XSS_SCENARIO}`);
      expect(await page.textContent('#failure-cause')).toBe(`Cause: ${XSS_CAUSE}`);
      expect(await page.locator('#gantt-legend li[data-v="0"]').textContent()).toBe(XSS_VERTEX);
      expect(await page.locator('#vertices-table td.vertex').first().textContent()).toBe(XSS_VERTEX);

      const dom = await page.evaluate(() => ({
        imgs: document.querySelectorAll('img').length,
        bold: document.querySelectorAll('b').length,
        scripts: document.querySelectorAll('script').length,
        handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
      }));
      expect(dom).toEqual({ imgs: 0, bold: 0, scripts: 2, handlers: [] });

      expect(await page.locator('svg#gantt rect.attempt').count()).toBe(2);
      expect(await page.locator('svg#gantt rect.attempt[data-outcome="failed"]').count()).toBe(1);
      expect(await page.locator('svg#gantt rect.attempt[data-outcome="canceled"]').count()).toBe(1);
      expect(await page.locator('svg#gantt line.tm-lost').count()).toBe(1);
      expect(await page.textContent('#status')).toBe('FAILED');
      expect(await page.locator('#failures-table tbody tr').count()).toBe(1);
      const embedded = await page.$eval('#batchsim-result', (s) => JSON.parse(s.textContent ?? 'null') as RunResult);
      expect(embedded).toEqual(result);

      expectClean(o);
    });

    it('loads a capped large run without errors', async () => {
      const { result, timeline } = largeRun(40, 4, 150);
      const o = await open('large.html', renderHtmlReport(result, timeline));
      expect(await o.page.locator('svg#gantt rect.attempt').count()).toBe(GANTT_MAX_ATTEMPTS);
      expect(await o.page.locator('#gantt-sampled').isVisible()).toBe(true);
      expect(await o.page.textContent('svg#gantt .x-axis text:last-of-type')).toBe('140 s');
      expectClean(o);
    });
  },
);
