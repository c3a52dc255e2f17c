//! A run as one self-contained HTML page: summary, Gantt chart, cluster charts and tables, all inline.

import { createHash } from 'node:crypto';
import type { AttemptRecord, MetricsSample, RunResult, Timeline } from '../model/run-result.js';
import { heldBackBy } from './summary.js';

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /** Page title and heading; defaults to the scenario's name. */
  title?: string;
}

/** Most attempt bars drawn in the Gantt chart; beyond it the bars are sampled (failed ones first). */
export const GANTT_MAX_ATTEMPTS = 20_000;
/** Most slot rows in the Gantt chart; beyond it whole TaskManagers are sampled evenly. */
export const GANTT_MAX_ROWS = 320;
/** Height, px, a TaskManager's band of the Gantt chart needs for its label. */
const TM_LABEL_PX = 12;
/** Most points drawn per line-chart series; beyond it each series is reduced to its envelope. */
export const CHART_MAX_POINTS = 3_000;
/** Most TaskManagers drawn in the disk chart; the fullest ones are kept. */
export const DISK_MAX_SERIES = 16;
/** Most rows of the failures table. */
export const FAILURES_MAX_ROWS = 1_000;

// ---------------------------------------------------------------------------
// Escaping

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 * Every string that comes from a scenario goes through here before it reaches the page.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Serialises a value as JSON that is safe inside a `<script>` element: `<`, `>` and `&`
 * become `\u003c`-style escapes so that no `</script>` or `<!--` can end or confuse the
 * element, and U+2028/U+2029 are escaped for older JavaScript parsers. `JSON.parse` of
 * the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---------------------------------------------------------------------------
// Formatting (fixed, not locale-dependent, so the page is the same on every machine)

export function groupThousands(n: number, decimals = 0): string {
  const fixed = Math.abs(n).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 && Number(fixed) !== 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * A human reading of a number of seconds: `850 ms`, `12.3 s`, `4 min 5.2 s`, `2 h 7 min 0.5 s`.
 * From a minute up it keeps tenths of a second, as the text summary and the compare table
 * do, so `73.2 s` in a table reads `1 min 13.2 s` here, never `1 min 13 s`.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s === 0) return '0 s';
  if (s < 1) return `${sign}${trimZeros((s * 1000).toFixed(s < 0.01 ? 2 : 0))} ms`;
  if (s < 60) return `${sign}${trimZeros(s.toFixed(s < 10 ? 2 : 1))} s`;
  // Round once, in tenths, then split: 119.97 s is 2 min 0 s, not 1 min 60 s.
  const tenths = Math.round(s * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const rest = `${trimZeros(((tenths % 600) / 10).toFixed(1))} s`;
  return `${sign}${h > 0 ? `${h} h ` : ''}${m} min ${rest}`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units with about three significant digits: `512 B`, `1.5 GiB`, `340 MiB`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${bytes < 0 ? '-' : ''}${trimZeros(v.toFixed(digits))} ${BYTE_UNITS[u]}`;
}

/** Largest value, 0 for none; a loop because spreading a long array into Math.max overflows the stack. */
function maxOf(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** Coordinates with at most two decimals keep the SVG small without visible loss. */
export function c2(n: number): string {
  const r = Math.round(n * 100) / 100;
  return String(r === 0 ? 0 : r);
}

// ---------------------------------------------------------------------------
// Colours

// Hand-picked for distinctness on white; red is left out because it marks failures.
const PALETTE = [
  '#3b7dd8', '#f0a030', '#2fa37a', '#8a63d2', '#e0609e', '#1fa5a8',
  '#8fb339', '#5563c9', '#e07a38', '#3fb0e0', '#a67c3d', '#6b7a90',
];

/** Colour of the vertex at `index`; past the palette, hues spread by the golden angle. */
export function vertexColor(index: number): string {
  if (index < PALETTE.length) return PALETTE[index];
  const hue = Math.round(((index - PALETTE.length) * 137.508 + 20) % 360);
  const light = 42 + ((index * 7) % 3) * 8;
  return `hsl(${hue}, 58%, ${light}%)`;
}

export const FAILED_COLOR = '#d62828';

// ---------------------------------------------------------------------------
// Axes and scales

export interface Linear {
  (v: number): number;
}

export function linear(d0: number, d1: number, r0: number, r1: number): Linear {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v: number) => r0 + (v - d0) * k;
}

/** A step of 1, 2 or 5 times a power of ten that splits `span` into about `count` parts. */
function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function ticks(max: number, step: number): number[] {
  const out: number[] = [];
  // The epsilon keeps a tick that lands on `max` despite float error.
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) out.push(i * step);
  return out;
}

export interface TimeAxis {
  unit: string;
  div: number;
  values: number[];
}

/** Seconds, minutes or hours, whichever reads best for the run's length. */
export function timeAxis(horizon: number, count: number): TimeAxis {
  const [unit, div] = horizon <= 180 ? ['s', 1] : horizon <= 3 * 3600 ? ['min', 60] : ['h', 3600];
  const step = niceStep(horizon / div, count) * div;
  return { unit, div, values: ticks(horizon, step) };
}

function timeLabel(t: number, axis: TimeAxis): string {
  return `${trimZeros((t / axis.div).toFixed(6))} ${axis.unit}`;
}

export interface ValueAxis {
  values: number[];
  max: number;
  label: (v: number) => string;
}

export function countAxis(maxValue: number): ValueAxis {
  const step = Math.max(1, niceStep(Math.max(1, maxValue), 4));
  const max = Math.max(step, Math.ceil(maxValue / step) * step);
  return { values: ticks(max, step), max, label: (v) => groupThousands(v) };
}

function bytesAxis(maxValue: number): ValueAxis {
  let u = 0;
  let div = 1;
  while (maxValue / div >= 1024 && u < BYTE_UNITS.length - 1) {
    div *= 1024;
    u++;
  }
  const step = niceStep(Math.max(maxValue / div, 1e-9), 4) * div;
  const max = Math.max(step, Math.ceil(maxValue / step - 1e-9) * step);
  return {
    values: ticks(max, step),
    max,
    label: (v) => (v === 0 ? '0' : `${trimZeros((v / div).toFixed(3))} ${BYTE_UNITS[u]}`),
  };
}

export const W = 1100;

// ---------------------------------------------------------------------------
// Line charts

export interface Point {
  time: number;
  value: number;
}

export interface Series {
  key: string;
  label: string;
  color: string;
  points: Point[];
  /** Filled down to zero under the step line. */
  area?: boolean;
  dashed?: boolean;
  /** Straight lines between points (a quantity that changes steadily in between, like disk use), not steps. */
  linear?: boolean;
}

/**
 * Reduces a long series to at most about {@link CHART_MAX_POINTS} points by keeping, per
 * time bucket, the lowest and highest points and the last one, so peaks survive.
 */
function reduce(points: Point[], horizon: number): { points: Point[]; reduced: boolean } {
  if (points.length <= CHART_MAX_POINTS) return { points, reduced: false };
  const buckets = Math.floor(CHART_MAX_POINTS / 3);
  const t0 = points[0].time;
  const span = Math.max(horizon - t0, 1e-9);
  const keep = new Set<number>();
  let b = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  const flush = (): void => {
    if (b >= 0) for (const i of [lo, hi, last]) keep.add(i);
  };
  points.forEach((p, i) => {
    const pb = Math.min(buckets - 1, Math.floor(((p.time - t0) / span) * buckets));
    if (pb !== b) {
      flush();
      b = pb;
      lo = hi = i;
    }
    if (p.value < points[lo].value) lo = i;
    if (p.value > points[hi].value) hi = i;
    last = i;
  });
  flush();
  return { points: [...keep].sort((x, y) => x - y).map((i) => points[i]), reduced: true };
}

/** Keeps the last of points sharing a time: the state after every change at that moment. */
export function lastPerTime(points: Point[]): Point[] {
  const out: Point[] = [];
  // Timelines are recorded in time order; sorting (stable, so ties keep their order) is only a fallback.
  let sorted = true;
  for (let i = 1; i < points.length && sorted; i++) sorted = points[i - 1].time <= points[i].time;
  for (const p of sorted ? points : [...points].sort((a, b) => a.time - b.time)) {
    if (out.length > 0 && out[out.length - 1].time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

export interface ChartSpec {
  id: string;
  label: string;
  series: Series[];
  horizon: number;
  yAxis: ValueAxis;
  /** Horizontal reference lines (e.g. disk capacity). */
  refs?: { value: number; label: string; cls: string }[];
  height?: number;
}

export function lineChart(spec: ChartSpec): string {
  const H = spec.height ?? 230;
  const ml = 74;
  const mr = 16;
  const mt = 12;
  const mb = 30;
  const x = linear(0, spec.horizon, ml, W - mr);
  const y = linear(0, spec.yAxis.max, H - mb, mt);
  const tAxis = timeAxis(spec.horizon, 10);
  const parts: string[] = [];
  let anyReduced = false;

  parts.push(`<g class="grid">`);
  for (const v of spec.yAxis.values) {
    parts.push(`<line x1="${ml}" x2="${W - mr}" y1="${c2(y(v))}" y2="${c2(y(v))}"/>`);
  }
  parts.push(`</g><g class="axis y-axis">`);
  for (const v of spec.yAxis.values) {
    parts.push(`<text x="${ml - 8}" y="${c2(y(v) + 4)}" text-anchor="end">${escapeHtml(spec.yAxis.label(v))}</text>`);
  }
  parts.push(`</g>`);
  parts.push(timeAxisSvg(tAxis, x, H - mb, mt));

  for (const s of spec.series) {
    if (s.points.length === 0) continue;
    const r = reduce(s.points, spec.horizon);
    anyReduced ||= r.reduced;
    const pts = r.points;
    // A step function: each value holds until the next point, the last until the horizon.
    let d = `M${c2(x(pts[0].time))} ${c2(y(pts[0].value))}`;
    for (let i = 1; i < pts.length; i++) {
      d += s.linear ? `L${c2(x(pts[i].time))} ${c2(y(pts[i].value))}` : `H${c2(x(pts[i].time))}V${c2(y(pts[i].value))}`;
    }
    d += `H${c2(x(spec.horizon))}`;
    if (s.area) {
      const area = `${d}V${c2(y(0))}H${c2(x(pts[0].time))}Z`;
      parts.push(`<path class="area" d="${area}" fill="${s.color}" fill-opacity="0.16"/>`);
    }
    parts.push(
      `<path class="series" data-series="${escapeHtml(s.key)}" data-points="${pts.length}" d="${d}" ` +
        `stroke="${s.color}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}><title>${escapeHtml(s.label)}</title></path>`,
    );
  }
  for (const ref of spec.refs ?? []) {
    const ry = c2(y(ref.value));
    parts.push(
      `<line class="${ref.cls}" x1="${ml}" x2="${W - mr}" y1="${ry}" y2="${ry}"/>` +
        `<text class="${ref.cls}-label" x="${W - mr - 4}" y="${c2(y(ref.value) - 5)}" text-anchor="end">${escapeHtml(ref.label)}</text>`,
    );
  }

  const svg =
    `<svg class="chart" id="${spec.id}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(spec.label)}" ` +
    `data-reduced="${anyReduced}">${parts.join('')}</svg>`;
  const legend = spec.series
    .map(
      (s) =>
        `<li><svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" stroke="${s.color}" stroke-width="2.5"` +
        `${s.dashed ? ' stroke-dasharray="5 3"' : ''}/></svg>${escapeHtml(s.label)}</li>`,
    )
    .concat(
      (spec.refs ?? []).map(
        (r) =>
          `<li><svg width="22" height="10" aria-hidden="true"><line class="${r.cls}" x1="1" x2="21" y1="5" y2="5"/></svg>${escapeHtml(r.label)}</li>`,
      ),
    )
    .join('');
  const note = anyReduced
    ? `<p class="note">Long series are drawn from their envelope (lowest, highest and last value per ${escapeHtml(
        formatDuration(spec.horizon / Math.floor(CHART_MAX_POINTS / 3)),
      )}).</p>`
    : '';
  return `${svg}<ul class="line-legend">${legend}</ul>${note}`;
}

export function timeAxisSvg(axis: TimeAxis, x: Linear, yBase: number, yTop: number): string {
  const parts = [`<g class="axis x-axis">`, `<line class="baseline" x1="${c2(x(0))}" x2="${c2(x(axis.values.at(-1) ?? 0))}" y1="${yBase}" y2="${yBase}"/>`];
  for (const t of axis.values) {
    const tx = c2(x(t));
    parts.push(
      `<line class="tick-grid" x1="${tx}" x2="${tx}" y1="${yTop}" y2="${yBase}"/>` +
        `<line x1="${tx}" x2="${tx}" y1="${yBase}" y2="${yBase + 4}"/>` +
        `<text x="${tx}" y="${yBase + 17}" text-anchor="middle">${escapeHtml(timeLabel(t, axis))}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

// ---------------------------------------------------------------------------
// Gantt chart

interface Row {
  tm: number;
  slot: number;
}

export interface GanttLayout {
  svg: string;
  note: string;
  shown: number;
  total: number;
}

function attemptLabel(a: AttemptRecord): string {
  return `${a.vertex}[${a.subtask}]#${a.attempt}`;
}

export function gantt(timeline: Timeline, horizon: number, vertexIndex: Map<string, number>): GanttLayout {
  const total = timeline.attempts.length;
  // Rows: every slot of every TaskManager that existed, plus any slot an attempt names.
  const slotsByTm = new Map<number, number>();
  for (const t of timeline.taskManagers) slotsByTm.set(t.index, Math.max(slotsByTm.get(t.index) ?? 0, t.slots));
  for (const a of timeline.attempts) slotsByTm.set(a.tm, Math.max(slotsByTm.get(a.tm) ?? 0, a.slot + 1));
  const allTms = [...slotsByTm.keys()].sort((a, b) => a - b);
  if (allTms.length === 0) {
    return { svg: `<p class="empty">No TaskManagers or attempts were recorded.</p>`, note: '', shown: 0, total };
  }
  const totalRows = allTms.reduce((n, tm) => n + Math.max(1, slotsByTm.get(tm) ?? 0), 0);

  // Too many rows to read: keep every k-th TaskManager, whole, so its slots stay together.
  let tms = allTms;
  if (totalRows > GANTT_MAX_ROWS) {
    const k = Math.ceil(totalRows / GANTT_MAX_ROWS);
    tms = allTms.filter((_, i) => i % k === 0);
  }
  const tmSet = new Set(tms);
  const rows: Row[] = [];
  const rowOf = new Map<string, number>();
  for (const tm of tms) {
    const n = Math.max(1, slotsByTm.get(tm) ?? 0);
    for (let s = 0; s < n; s++) {
      rowOf.set(`${tm}:${s}`, rows.length);
      rows.push({ tm, slot: s });
    }
  }

  let attempts = timeline.attempts.filter((a) => tmSet.has(a.tm));
  const onShownTms = attempts.length;
  if (attempts.length > GANTT_MAX_ATTEMPTS) {
    // Failed attempts are the ones people look for, so they are kept first; the rest
    // are taken at an even stride (deterministic, unlike random sampling).
    const failed = attempts.filter((a) => a.outcome === 'failed').slice(0, GANTT_MAX_ATTEMPTS);
    const others = attempts.filter((a) => a.outcome !== 'failed');
    const room = GANTT_MAX_ATTEMPTS - failed.length;
    const picked: AttemptRecord[] = [];
    // room < others.length here, so the strided indices are distinct.
    for (let j = 0; j < room; j++) picked.push(others[Math.floor((j * others.length) / room)]);
    attempts = [...failed, ...picked];
  }
  const shown = attempts.length;

  // Rows share about 640 px, but every TaskManager's band stays tall enough for its label
  // (the chart grows instead): at most GANTT_MAX_ROWS rows, so at most a few thousand px.
  const fewestSlots = Math.min(...tms.map((tm) => Math.max(1, slotsByTm.get(tm) ?? 0)));
  const rowH = Math.max(3, Math.ceil(TM_LABEL_PX / fewestSlots), Math.min(26, Math.floor(640 / rows.length)));
  const ml = 96;
  const mr = 16;
  const mt = 6;
  const mb = 30;
  const plotH = rows.length * rowH;
  const H = mt + plotH + mb;
  const x = linear(0, horizon, ml, W - mr);
  const tAxis = timeAxis(horizon, 10);
  const parts: string[] = [];

  parts.push(
    `<defs><pattern id="hatch-failed" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
      `<rect width="2.4" height="6" fill="#ffffff" fill-opacity="0.7"/></pattern>` +
      `<pattern id="hatch-starting" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
      `<rect width="2" height="6" fill="#e8b04a" fill-opacity="0.45"/></pattern></defs>`,
  );

  // TaskManager bands: zebra background, the start-up phase and the time it was alive.
  const tmRecords = new Map(timeline.taskManagers.map((t) => [t.index, t]));
  parts.push(`<g class="tm-bands">`);
  tms.forEach((tm, i) => {
    // Indices come from the timeline, which may have been read from a file: escaped like any input.
    const tmText = escapeHtml(String(tm));
    const first = rowOf.get(`${tm}:0`) ?? 0;
    const n = Math.max(1, slotsByTm.get(tm) ?? 0);
    const y0 = mt + first * rowH;
    const h = n * rowH;
    if (i % 2 === 1) parts.push(`<rect class="zebra" x="${ml}" y="${y0}" width="${W - mr - ml}" height="${h}"/>`);
    const rec = tmRecords.get(tm);
    if (rec) {
      const ready = rec.readyAt ?? rec.releasedAt ?? horizon;
      const end = rec.goneAt ?? rec.releasedAt ?? horizon;
      if (ready > rec.requestedAt) {
        parts.push(
          `<rect class="tm-starting" x="${c2(x(rec.requestedAt))}" y="${y0}" width="${c2(Math.max(0.5, x(ready) - x(rec.requestedAt)))}" height="${h}">` +
            `<title>TaskManager ${tmText} starting: requested at ${escapeHtml(formatDuration(rec.requestedAt))}${
              rec.readyAt === null ? ', never ready' : `, ready at ${escapeHtml(formatDuration(rec.readyAt))}`
            }</title></rect>`,
        );
      }
      if (rec.readyAt !== null) {
        parts.push(
          `<rect class="tm-alive" x="${c2(x(rec.readyAt))}" y="${y0}" width="${c2(Math.max(0.5, x(end) - x(rec.readyAt)))}" height="${h}">` +
            `<title>TaskManager ${tmText}: ready ${escapeHtml(formatDuration(rec.readyAt))}, ${
              rec.releasedAt === null ? 'never released' : `${rec.endReason === 'lost' ? 'lost' : 'released'} ${escapeHtml(formatDuration(rec.releasedAt))}`
            }${rec.endReason ? ` (${escapeHtml(rec.endReason)})` : ''}</title></rect>`,
        );
      }
      if (rec.endReason === 'lost' && rec.releasedAt !== null) {
        // A bold red bar across the band and the word, so the loss reads at a glance.
        const lx = x(rec.releasedAt);
        const tip = `<title>TaskManager ${tmText} lost at ${escapeHtml(formatDuration(rec.releasedAt))}</title>`;
        const labelLeft = lx + 52 > W - mr;
        parts.push(
          `<g class="tm-lost-mark"><line class="tm-lost" x1="${c2(lx)}" x2="${c2(lx)}" y1="${y0}" y2="${y0 + h}">${tip}</line>` +
            `<text class="tm-lost-label" x="${c2(labelLeft ? lx - 5 : lx + 5)}" y="${c2(y0 + Math.min(h, 26) / 2 + 4)}"${labelLeft ? ' text-anchor="end"' : ''}>✕ lost${tip}</text></g>`,
        );
      }
    }
    if (i > 0) parts.push(`<line class="tm-sep" x1="4" x2="${W - mr}" y1="${y0}" y2="${y0}"/>`);
    parts.push(`<text class="tm-label${h < 16 ? ' small' : ''}" x="8" y="${c2(y0 + Math.min(h, 26) / 2 + (h < 16 ? 3.5 : 4))}">TM ${tmText}</text>`);
    if (rowH >= 12 && n > 1) {
      for (let s = 0; s < n; s++) {
        parts.push(`<text class="slot-label" x="${ml - 6}" y="${c2(y0 + s * rowH + rowH / 2 + 3.5)}" text-anchor="end">slot ${s}</text>`);
      }
    }
  });
  parts.push(`</g>`);
  parts.push(timeAxisSvg(tAxis, x, mt + plotH, mt));

  // Attempt bars, drawn in a fixed order so the output is deterministic.
  const ordered = [...attempts].sort((a, b) => a.tm - b.tm || a.slot - b.slot || a.start - b.start || a.end - b.end);
  const barPad = rowH >= 8 ? 1.5 : rowH >= 5 ? 0.75 : 0.25;
  parts.push(`<g class="attempts">`);
  const hatches: string[] = [];
  for (const a of ordered) {
    const row = rowOf.get(`${a.tm}:${a.slot}`);
    if (row === undefined) continue;
    const v = vertexIndex.get(a.vertex) ?? 0;
    const bx = x(a.start);
    // Very short attempts still get a visible sliver.
    const bw = Math.max(0.8, x(a.end) - bx);
    const by = mt + row * rowH + barPad;
    const bh = Math.max(0.5, rowH - 2 * barPad);
    const tip =
      `${attemptLabel(a)} · TM ${a.tm} slot ${a.slot}\n${formatDuration(a.start)} → ${formatDuration(a.end)} ` +
      `(${formatDuration(a.end - a.start)}) · ${a.outcome}${a.cause ? `: ${a.cause}` : ''}\n` +
      `in ${formatBytes(a.inputBytes)} · out ${formatBytes(a.outputBytes)}`;
    parts.push(
      `<rect class="attempt ${escapeHtml(a.outcome)}" data-outcome="${escapeHtml(a.outcome)}" data-v="${v}" x="${c2(bx)}" y="${c2(by)}" ` +
        `width="${c2(bw)}" height="${c2(bh)}" fill="${vertexColor(v)}"><title>${escapeHtml(tip)}</title></rect>`,
    );
    if (a.outcome === 'failed') {
      hatches.push(`<rect class="failed-hatch" x="${c2(bx)}" y="${c2(by)}" width="${c2(bw)}" height="${c2(bh)}" fill="url(#hatch-failed)"/>`);
    }
  }
  parts.push(`</g><g class="failed-marks">${hatches.join('')}</g>`);

  const svg =
    `<svg class="chart" id="gantt" viewBox="0 0 ${W} ${H}" role="img" aria-label="Attempts by TaskManager and slot" ` +
    `data-attempts-total="${total}" data-attempts-shown="${shown}" data-rows="${rows.length}">${parts.join('')}</svg>`;

  const notes: string[] = [];
  if (tms.length < allTms.length) {
    notes.push(
      `Sampled: ${groupThousands(tms.length)} of ${groupThousands(allTms.length)} TaskManagers are drawn (one in ` +
        `${Math.ceil(totalRows / GANTT_MAX_ROWS)}, in index order), to keep the chart near ${groupThousands(GANTT_MAX_ROWS)} rows.`,
    );
  }
  if (shown < onShownTms) {
    notes.push(
      `Sampled: ${groupThousands(shown)} of ${groupThousands(onShownTms)} attempts on those rows are drawn ` +
        `(all failed attempts first, the rest at an even stride).`,
    );
  }
  const note = notes.length ? `<p class="note sampled" id="gantt-sampled">${notes.join(' ')}</p>` : '';
  return { svg, note, shown, total };
}

// ---------------------------------------------------------------------------
// Page sections

function summarySection(result: RunResult): string {
  const tm = result.taskManagers;
  const ok = result.status === 'FINISHED';
  const unit = (text: string): string => ` <span class="unit">${text}</span>`;
  // Decimals only where they say something; large totals read better whole.
  const amount = (n: number): string => groupThousands(n, Math.abs(n) >= 100 ? 0 : 1);
  const card = (label: string, value: string, sub = ''): string =>
    `<div class="card"><div class="card-label">${label}</div><div class="card-value">${value}</div>${sub ? `<div class="card-sub">${sub}</div>` : ''}</div>`;
  const cards = [
    card('Status', `<span class="status ${ok ? 'ok' : 'bad'}" id="status">${escapeHtml(result.status)}</span>`),
    card('Makespan', escapeHtml(formatDuration(result.makespan)), `${escapeHtml(groupThousands(result.makespan, 3))} s`),
    card('TaskManagers', `${groupThousands(tm.created)}${unit('created')}`, `peak ${groupThousands(tm.peak)} at once · ${groupThousands(tm.slotsPerTaskManager)} slot${tm.slotsPerTaskManager === 1 ? '' : 's'} each`),
    card('Slot time', `${amount(result.slotSeconds)}${unit('slot·s')}`, 'slots busy with attempts'),
    card(
      'Memory per slot',
      `${escapeHtml(formatBytes(tm.memory.managedPerSlot))}${unit('managed')}`,
      `task heap ${escapeHtml(formatBytes(tm.memory.taskHeapPerSlot))} · TaskManager of ${escapeHtml(formatBytes(tm.memory.process))}: ` +
        `network ${escapeHtml(formatBytes(tm.memory.network))}, framework ${escapeHtml(formatBytes(tm.memory.frameworkHeap + tm.memory.frameworkOffHeap))}, ` +
        `JVM ${escapeHtml(formatBytes(tm.memory.jvmMetaspace + tm.memory.jvmOverhead))}`,
    ),
    card('Cost', `${amount(result.cost.coreSeconds)}${unit('core·s')}`, `${amount(result.cost.gibSeconds)} GiB·s of memory`),
    card('Restarts', groupThousands(result.restarts), `${groupThousands(result.failures.length)} failure${result.failures.length === 1 ? '' : 's'} recorded`),
    card(
      'Peak disk',
      escapeHtml(formatBytes(result.disk.peakBytesOneTaskManager)),
      `fullest TM, of ${escapeHtml(formatBytes(tm.diskBytes))} · ${escapeHtml(formatBytes(result.disk.peakBytesTotal))} in total`,
    ),
  ];
  const cause = result.failureCause
    ? `<p class="cause" id="failure-cause"><strong>Cause:</strong> ${escapeHtml(result.failureCause)}</p>`
    : '';
  const diagnosis = result.diagnosis.length
    ? `<div class="diagnosis" id="diagnosis"><h3>Diagnosis</h3><p class="sub">The brief's FAQ, "What do I do if a batch job is stuck?", on this run.</p><ul>${result.diagnosis
        .map((d) => `<li><strong>${escapeHtml(d.symptom)}.</strong> ${escapeHtml(d.evidence)}.<br><span class="action">→ ${escapeHtml(d.action)}.</span></li>`)
        .join('')}</ul></div>`
    : '';
  const warnings = result.warnings.length
    ? `<div class="warnings"><h3>Warnings</h3><ul>${result.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`
    : '';
  return `<section id="summary"><div class="cards">${cards.join('')}</div>${cause}${diagnosis}${warnings}</section>`;
}

function verticesTable(result: RunResult, vertexIndex: Map<string, number>): string {
  if (result.vertices.length === 0) return `<p class="empty">No vertices.</p>`;
  const num = (n: number | null, text: string): string =>
    `<td class="num"${n === null ? '' : ` title="${escapeHtml(String(n))}"`}>${escapeHtml(text)}</td>`;
  const rows = result.vertices.map((v) => {
    const color = vertexColor(vertexIndex.get(v.id) ?? 0);
    const d = v.decision;
    const decision =
      `<span class="origin">${escapeHtml(d.origin)}${d.boundBy ? ` · ${escapeHtml(d.boundBy)}` : ''}</span> ` +
      `<span class="reason">${escapeHtml(d.reason)}</span>`;
    return (
      `<tr><td class="vertex"><span class="swatch" style="background:${color}"></span>${escapeHtml(v.id)}</td>` +
      num(v.parallelism, v.parallelism === null ? '-' : groupThousands(v.parallelism)) +
      `<td class="decision">${decision}</td>` +
      num(v.attempts, groupThousands(v.attempts)) +
      num(v.start, formatDuration(v.start)) +
      num(v.end, formatDuration(v.end)) +
      num(v.busySlotSeconds, `${groupThousands(v.busySlotSeconds, 1)}`) +
      `<td class="held" title="${escapeHtml(`cpu ${v.heldBackSeconds.cpu.toFixed(1)} s, disk ${v.heldBackSeconds.disk.toFixed(1)} s, network ${v.heldBackSeconds.network.toFixed(1)} s`)}">${escapeHtml(heldBackBy(v))}</td>` +
      num(v.inputBytes, formatBytes(v.inputBytes)) +
      num(v.outputBytes, formatBytes(v.outputBytes)) +
      num(v.subtaskInputBytes.min, formatBytes(v.subtaskInputBytes.min)) +
      num(v.subtaskInputBytes.median, formatBytes(v.subtaskInputBytes.median)) +
      num(v.subtaskInputBytes.max, formatBytes(v.subtaskInputBytes.max)) +
      `</tr>`
    );
  });
  return (
    `<div class="table-wrap"><table id="vertices-table"><thead>` +
    `<tr><th rowspan="2">Vertex</th><th class="num" rowspan="2">Parallelism</th><th rowspan="2">Decision</th>` +
    `<th class="num" rowspan="2">Attempts</th><th class="num" rowspan="2">Start</th><th class="num" rowspan="2">End</th>` +
    `<th class="num" rowspan="2">Busy slot·s</th><th rowspan="2" title="The resource whose share held the vertex's attempts back longest, and its part of their time">Held back by</th><th class="num" rowspan="2">Input</th><th class="num" rowspan="2">Output</th>` +
    `<th class="group" colspan="3">Input per subtask</th></tr>` +
    `<tr><th class="num">min</th><th class="num">median</th><th class="num">max</th></tr>` +
    `</thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

function failuresTable(result: RunResult): string {
  if (result.failures.length === 0) return `<p class="empty" id="no-failures">No failures.</p>`;
  const shown = result.failures.slice(0, FAILURES_MAX_ROWS);
  const rows = shown.map((f, i) => {
    const restarted =
      f.restarted.length === 0
        ? '—'
        : f.restarted.slice(0, 8).map(escapeHtml).join(', ') + (f.restartedCount > Math.min(8, f.restarted.length) ? ', …' : '');
    return (
      `<tr class="action-${escapeHtml(f.action)}"><td class="num">${i + 1}</td>` +
      `<td class="num" title="${escapeHtml(String(f.time))}">${escapeHtml(formatDuration(f.time))}</td>` +
      `<td>${f.subtask === null ? '—' : escapeHtml(f.subtask)}</td>` +
      `<td class="num">${f.attempt === null ? '—' : escapeHtml(String(f.attempt))}</td>` +
      `<td class="num">${f.taskManager === null ? '—' : escapeHtml(String(f.taskManager))}</td>` +
      `<td class="cause-cell">${escapeHtml(f.cause)}</td>` +
      `<td><span class="action">${escapeHtml(f.action)}</span></td>` +
      `<td class="num">${groupThousands(f.restartedCount)}</td><td class="restarted">${restarted}</td>` +
      `<td class="num">${escapeHtml(formatDuration(f.delay))}</td></tr>`
    );
  });
  const more =
    result.failures.length > shown.length
      ? `<p class="note">The first ${groupThousands(shown.length)} of ${groupThousands(result.failures.length)} failures are listed.</p>`
      : '';
  return (
    `<div class="table-wrap"><table id="failures-table"><thead><tr><th class="num">#</th><th class="num">Time</th><th>Subtask</th>` +
    `<th class="num">Attempt</th><th class="num">TM</th><th>Cause</th><th>Action</th><th class="num">Restarted</th><th>Subtasks</th>` +
    `<th class="num">Delay</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}`
  );
}

/**
 * Cores, disk and network bandwidth in use as a share of what the running TaskManagers
 * have: the busiest resource is the one that holds the job back.
 */
function resourceSection(result: RunResult, samples: MetricsSample[], horizon: number): string {
  const tm = result.taskManagers;
  const coresPerSlot = tm.cpu / tm.slotsPerTaskManager;
  const running = (s: MetricsSample): number => (s.busySlots + s.freeSlots) / tm.slotsPerTaskManager;
  const percent = (used: number, capacity: number): number => (capacity > 0 ? Math.min(100, (100 * used) / capacity) : 0);
  const series = [sampleSeries(samples, 'cpu', 'CPU cores in use', '#3b7dd8', (s) => percent(s.cpuInUse, (s.busySlots + s.freeSlots) * coresPerSlot))];
  const unlimited: string[] = [];
  if (tm.diskBandwidth !== null) {
    const bw = tm.diskBandwidth;
    series.push(sampleSeries(samples, 'disk-io', 'disk bandwidth in use', '#e0663b', (s) => percent(s.diskBandwidthInUse, running(s) * bw)));
  } else unlimited.push('disk');
  if (tm.networkBandwidth !== null) {
    const bw = tm.networkBandwidth;
    series.push(sampleSeries(samples, 'net-io', 'network bandwidth in use', '#1f8a5b', (s) => percent(s.networkBandwidthInUse, running(s) * bw)));
  } else unlimited.push('network');
  const axis: ValueAxis = { values: [0, 25, 50, 75, 100], max: 100, label: (v) => `${v}%` };
  const note = unlimited.length > 0 ? `<p class="note">${unlimited.join(' and ')} bandwidth unlimited: not drawn.</p>` : '';
  return (
    `<section id="resources"><h2>CPU, disk and network in use</h2><p class="sub">Share of the running TaskManagers' cores, disk bandwidth and network bandwidth that attempts use; ` +
    `slots of one TaskManager share all three, and an attempt moves as fast as its scarcest share allows.</p>` +
    lineChart({ id: 'chart-resources', label: 'CPU, disk and network in use', series, horizon, yAxis: axis }) +
    note +
    `</section>`
  );
}

function sampleSeries(samples: MetricsSample[], key: string, label: string, color: string, pick: (s: MetricsSample) => number, extra: Partial<Series> = {}): Series {
  return { key, label, color, points: lastPerTime(samples.map((s) => ({ time: s.time, value: pick(s) }))), ...extra };
}

// ---------------------------------------------------------------------------
// The page

const STYLE = `
:root{--fg:#1d2433;--muted:#5b6577;--line:#e3e7ee;--bg:#f5f6f8;--card:#fff;--accent:#3b7dd8;--bad:${FAILED_COLOR};--ok:#1f8a5b}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","DejaVu Sans",sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1180px;margin:0 auto;padding:28px 24px 48px}
header h1{font-size:24px;font-weight:650;margin:0 0 2px;letter-spacing:-.01em;overflow-wrap:anywhere}
header .meta{color:var(--muted);margin:0 0 20px;overflow-wrap:anywhere}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(20,30,50,.04)}
section#summary{background:none;border:0;box-shadow:none;padding:0}
h2{font-size:16px;font-weight:620;margin:0 0 4px}
h3{font-size:14px;margin:12px 0 4px}
.sub{color:var(--muted);margin:0 0 12px;font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card-label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.card-value{font-size:20px;font-weight:620;margin-top:2px;font-variant-numeric:tabular-nums}
.card-value .unit{font-size:13px;font-weight:500;color:var(--muted)}
.card-sub{color:var(--muted);font-size:12.5px}
.status{display:inline-block;padding:1px 10px;border-radius:999px;font-size:15px}
.status.ok{background:#e3f4ec;color:var(--ok)}.status.bad{background:#fbe5e5;color:var(--bad)}
.cause{background:#fdf1f1;border:1px solid #f3c9c9;border-radius:8px;padding:8px 12px;margin:12px 0 0;overflow-wrap:anywhere}
.warnings{background:#fff8e6;border:1px solid #f1dfae;border-radius:8px;padding:2px 14px;margin:12px 0 0}
.warnings ul{margin:4px 0 10px;padding-left:18px}
svg.chart{display:block;width:100%;height:auto;font-size:11px}
svg.chart text{fill:#5b6577}
.axis line,.axis .baseline{stroke:#9aa3b2;stroke-width:1}
.axis .tick-grid,.grid line{stroke:#eef0f4;stroke-width:1}
path.series{fill:none;stroke-width:2;stroke-linejoin:round}
.capacity{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:6 4}
text.capacity-label{fill:var(--bad)!important;font-weight:600}
.zebra{fill:#f7f8fb}
.tm-alive{fill:#eef2f8}
.tm-starting{fill:url(#hatch-starting)}
.tm-sep{stroke:#dfe3ea;stroke-width:1}
.tm-lost{stroke:var(--bad);stroke-width:3.5}
text.tm-lost-label{fill:var(--bad)!important;font-weight:700;font-size:11.5px;paint-order:stroke;stroke:#fff;stroke-width:3px}
text.tm-label{fill:var(--fg)!important;font-weight:600}
text.tm-label.small{font-size:10px}
.swatch.lost{background:linear-gradient(90deg,#fff 0 4px,var(--bad) 4px 8px,#fff 8px)}
text.slot-label{font-size:9.5px}
rect.attempt{stroke:#fff;stroke-width:.5;transition:opacity .12s}
rect.attempt.failed{stroke:var(--bad);stroke-width:1.6}
rect.attempt.canceled{fill-opacity:.4;stroke:#6b7280;stroke-dasharray:2 2}
.failed-hatch{pointer-events:none}
#gantt.focus rect.attempt{opacity:.18}
#gantt.focus rect.attempt.hl{opacity:1}
.legend,.line-legend{list-style:none;margin:10px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:6px 14px;font-size:12.5px}
.legend li{display:flex;align-items:center;gap:6px;cursor:default;padding:1px 6px;border-radius:6px;overflow-wrap:anywhere}
.legend li[data-v]:hover,.legend li.active{background:#eef2f8}
.line-legend li{display:flex;align-items:center;gap:6px;color:var(--muted)}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;flex:none}
.swatch.failed{background:repeating-linear-gradient(45deg,#9aa3b2 0 3px,#fff 3px 5px);outline:1.6px solid var(--bad);outline-offset:-1.6px}
.swatch.canceled{background:#d5d9e0;outline:1px dashed #6b7280;outline-offset:-1px}
.swatch.starting{background:repeating-linear-gradient(45deg,#f3d9a6 0 2px,#fff 2px 5px)}
.swatch.alive{background:#eef2f8;outline:1px solid #dfe3ea}
.note{color:var(--muted);font-size:12.5px;margin:8px 0 0}
.note.sampled{color:#8a5a00;background:#fff8e6;border-radius:6px;padding:4px 8px;display:inline-block}
.empty{color:var(--muted);font-style:italic}
.grid2{display:grid;grid-template-columns:1fr;gap:18px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;white-space:nowrap;background:#fafbfc;vertical-align:bottom}
th.group{text-align:center;border-bottom:1px solid var(--line)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.vertex{font-weight:560;overflow-wrap:anywhere;min-width:120px}
td.vertex .swatch{margin-right:7px;vertical-align:-1px}
td.decision{min-width:180px}
td.held{white-space:nowrap}
.diagnosis{background:#fff8e6;border:1px solid #f0d48a;border-radius:10px;padding:10px 16px;margin-top:12px}
.diagnosis h3{margin:2px 0}
.diagnosis ul{margin:6px 0;padding-left:20px}
.diagnosis .action{color:#5b4a12}
.origin{display:inline-block;font-size:11.5px;background:#eef2f8;color:#3d4a60;border-radius:5px;padding:0 6px;margin-right:4px}
.reason{color:var(--muted)}
td.cause-cell,td.restarted{overflow-wrap:anywhere;max-width:340px}
.action{white-space:nowrap;font-size:12px;border-radius:5px;padding:0 6px;background:#eef2f8}
tr.action-job-failed .action{background:#fbe5e5;color:var(--bad)}
tr.action-restart .action{background:#fff1dc;color:#8a5a00}
tbody tr:hover td{background:#fafbfd}
footer{color:var(--muted);font-size:12px;text-align:center}
`;

// Legend interaction: hovering or clicking a vertex highlights its bars. It reads only
// numeric data attributes, never scenario text, so nothing from the scenario reaches JS.
const SCRIPT = `(function(){
var g=document.getElementById('gantt');if(!g)return;
var bars=g.querySelectorAll('rect.attempt');var pinned=null;
function show(v){g.classList.toggle('focus',v!==null);for(var i=0;i<bars.length;i++){bars[i].classList.toggle('hl',bars[i].getAttribute('data-v')===v);}}
var items=document.querySelectorAll('#gantt-legend li[data-v]');
for(var i=0;i<items.length;i++){(function(li){var v=li.getAttribute('data-v');
li.addEventListener('mouseenter',function(){if(pinned===null)show(v);});
li.addEventListener('mouseleave',function(){if(pinned===null)show(null);});
li.addEventListener('click',function(){pinned=pinned===v?null:v;for(var j=0;j<items.length;j++)items[j].classList.toggle('active',items[j].getAttribute('data-v')===pinned);show(pinned===null?v:pinned);});
})(items[i]);}
})();`;

/**
 * The start of a self-contained page up to `</head>`: a Content-Security-Policy that allows
 * no network access, inline styles and, when given, only the script with that hash.
 * @param scriptSource a CSP source such as `'sha256-...'`, or undefined for no script
 */
export function pageHead(title: string, style: string, scriptSource?: string): string {
  const script = scriptSource === undefined ? '' : ` script-src ${scriptSource};`;
  const csp = `default-src 'none'; style-src 'unsafe-inline';${script} base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="batchsim">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>`;
}

/**
 * Renders a run as one self-contained HTML page (no network access: inline CSS, inline
 * SVG charts built here, a small inline script, and a Content-Security-Policy that
 * allows nothing else).
 *
 * The page shows the summary, a Gantt chart of attempts by TaskManager and slot
 * (coloured by vertex, failed attempts outlined red and hatched, with a legend), the
 * number of TaskManagers over time, busy against live slots, disk used per TaskManager
 * against its capacity, the per-vertex table and the failures table. Chart elements
 * carry stable classes and data attributes (`svg#gantt rect.attempt[data-outcome]`,
 * `path.series[data-series][data-points]`) so tests can count them. The run summary is
 * embedded as JSON in `<script type="application/json" id="batchsim-result">`.
 *
 * Every string from the scenario is HTML-escaped. Large runs are capped (see
 * {@link GANTT_MAX_ATTEMPTS}, {@link GANTT_MAX_ROWS}, {@link CHART_MAX_POINTS}) and the
 * page says when it shows a sample.
 */
export function renderHtmlReport(result: RunResult, timeline: Timeline, opts: HtmlReportOptions = {}): string {
  const title = opts.title ?? `batchsim · ${result.scenario}`;

  // Vertex colours follow the job's vertex order; ids only seen in attempts come after.
  const vertexIndex = new Map<string, number>();
  for (const v of result.vertices) if (!vertexIndex.has(v.id)) vertexIndex.set(v.id, vertexIndex.size);
  for (const a of timeline.attempts) if (!vertexIndex.has(a.vertex)) vertexIndex.set(a.vertex, vertexIndex.size);

  let horizon = Number.isFinite(result.makespan) ? result.makespan : 0;
  for (const a of timeline.attempts) horizon = Math.max(horizon, a.end);
  for (const s of timeline.samples) horizon = Math.max(horizon, s.time);
  for (const d of timeline.disk) horizon = Math.max(horizon, d.time);
  for (const t of timeline.taskManagers) horizon = Math.max(horizon, t.goneAt ?? t.releasedAt ?? t.readyAt ?? t.requestedAt);
  if (!(horizon > 0)) horizon = 1;

  const g = gantt(timeline, horizon, vertexIndex);
  const legendItems = [...vertexIndex.entries()]
    .map(([id, i]) => `<li data-v="${i}"><span class="swatch" style="background:${vertexColor(i)}"></span>${escapeHtml(id)}</li>`)
    .concat([
      `<li class="key"><span class="swatch failed"></span>failed attempt</li>`,
      `<li class="key"><span class="swatch canceled"></span>canceled attempt</li>`,
      `<li class="key"><span class="swatch starting"></span>TaskManager starting</li>`,
      `<li class="key"><span class="swatch alive"></span>TaskManager alive</li>`,
      ...(timeline.taskManagers.some((t) => t.endReason === 'lost') ? [`<li class="key"><span class="swatch lost"></span>TaskManager lost</li>`] : []),
    ])
    .join('');

  const samples = timeline.samples;
  const charts: string[] = [];
  if (samples.length === 0) {
    charts.push(`<section id="cluster"><h2>Cluster over time</h2><p class="empty">No metrics samples were recorded.</p></section>`);
  } else {
    const tmSeries = [
      sampleSeries(samples, 'live', 'live TaskManagers', '#3b7dd8', (s) => s.liveTaskManagers),
      sampleSeries(samples, 'starting', 'starting TaskManagers', '#f0a030', (s) => s.startingTaskManagers, { dashed: true }),
      sampleSeries(samples, 'idle', 'idle TaskManagers', '#8a94a6', (s) => s.idleTaskManagers, { dashed: true }),
    ];
    const tmMax = maxOf(tmSeries.flatMap((s) => s.points.map((p) => p.value)));
    charts.push(
      `<section id="tms"><h2>TaskManagers over time</h2><p class="sub">Live, starting (requested, not yet ready) and idle TaskManagers.</p>` +
        lineChart({ id: 'chart-tms', label: 'TaskManagers over time', series: tmSeries, horizon, yAxis: countAxis(tmMax) }) +
        `</section>`,
    );
    const slotSeries = [
      sampleSeries(samples, 'live-slots', 'live slots', '#8a94a6', (s) => s.busySlots + s.freeSlots, { area: true }),
      sampleSeries(samples, 'busy', 'busy slots', '#3b7dd8', (s) => s.busySlots, { area: true }),
      sampleSeries(samples, 'pending', 'pending slot requests', '#f0a030', (s) => s.pendingRequests, { dashed: true }),
    ];
    const slotMax = maxOf(slotSeries.flatMap((s) => s.points.map((p) => p.value)));
    charts.push(
      `<section id="slots"><h2>Busy versus live slots</h2><p class="sub">Slots of live TaskManagers, the ones running an attempt, and slot requests waiting.</p>` +
        lineChart({ id: 'chart-slots', label: 'Busy versus live slots', series: slotSeries, horizon, yAxis: countAxis(slotMax) }) +
        `</section>`,
    );
    charts.push(resourceSection(result, samples, horizon));
  }

  const diskByTm = new Map<number, Point[]>();
  for (const d of timeline.disk) {
    let list = diskByTm.get(d.tm);
    if (!list) diskByTm.set(d.tm, (list = []));
    list.push({ time: d.time, value: d.bytes });
  }
  const capacity = result.taskManagers.diskBytes;
  if (diskByTm.size === 0) {
    charts.push(`<section id="disk"><h2>Disk per TaskManager</h2><p class="empty">No disk samples were recorded.</p></section>`);
  } else {
    const peaks = [...diskByTm.entries()].map(([tm, pts]) => ({ tm, peak: maxOf(pts.map((p) => p.value)) }));
    // The fullest TaskManagers are the ones that matter against capacity.
    const chosen = [...peaks].sort((a, b) => b.peak - a.peak || a.tm - b.tm).slice(0, DISK_MAX_SERIES).sort((a, b) => a.tm - b.tm);
    const diskSeries = chosen.map((c, i) => ({
      key: `tm-${c.tm}`,
      label: `TM ${c.tm}`,
      color: PALETTE[i % PALETTE.length],
      // Disk use is recorded at every change of the writes under way (and just before and after
      // every step), and grows steadily in between: straight lines, all points kept.
      points: [...(diskByTm.get(c.tm) ?? [])].sort((a, b) => a.time - b.time),
      linear: true,
    }));
    const peak = Math.max(1, ...chosen.map((c) => c.peak));
    // Far below capacity, the scale follows the data (the capacity line would flatten it).
    const showCapacity = capacity > 0 && peak >= capacity / 4;
    const maxDisk = showCapacity ? Math.max(capacity, peak) : peak;
    const capRefs = showCapacity ? [{ value: capacity, label: `capacity ${formatBytes(capacity)}`, cls: 'capacity' }] : [];
    const more =
      (chosen.length < diskByTm.size ? `<p class="note">The ${chosen.length} fullest of ${groupThousands(diskByTm.size)} TaskManagers are drawn.</p>` : '') +
      (!showCapacity && capacity > 0 ? `<p class="note">Capacity ${escapeHtml(formatBytes(capacity))} per TaskManager, above the chart: the fullest disk peaked at ${escapeHtml(formatBytes(peak))}.</p>` : '');
    charts.push(
      `<section id="disk"><h2>Disk per TaskManager</h2><p class="sub">Bytes on each TaskManager's disk (partial outputs included) against its capacity.</p>` +
        lineChart({ id: 'chart-disk', label: 'Disk used per TaskManager', series: diskSeries, horizon, yAxis: bytesAxis(maxDisk * 1.04), refs: capRefs }) +
        more +
        `</section>`,
    );
  }

  const scriptHash = createHash('sha256').update(SCRIPT, 'utf8').digest('base64');

  return `${pageHead(title, STYLE, `'sha256-${scriptHash}'`)}
<body>
<main>
<header><h1 id="title">${escapeHtml(title)}</h1>
<p class="meta">Scenario <strong id="scenario-name">${escapeHtml(result.scenario)}</strong> · seed ${escapeHtml(String(result.seed))} · ${escapeHtml(result.mode)} mode · ${groupThousands(result.vertices.length)} vert${result.vertices.length === 1 ? 'ex' : 'ices'} · ${groupThousands(g.total)} attempt${g.total === 1 ? '' : 's'}</p></header>
${summarySection(result)}
<section id="timeline"><h2>Attempts by TaskManager and slot</h2>
<p class="sub">Each bar is one subtask attempt, coloured by vertex; hover a bar for details, a legend entry to highlight its vertex.</p>
${g.svg}
<ul class="legend" id="gantt-legend">${legendItems}</ul>
${g.note}
</section>
${charts.join('\n')}
<section id="vertices"><h2>Vertices</h2><p class="sub">Parallelism and why, attempts, when each vertex ran, how evenly its input was spread over subtasks, and which resource held it back.</p>
${verticesTable(result, vertexIndex)}
</section>
<section id="failures"><h2>Failures</h2>
${failuresTable(result)}
</section>
<footer>Generated by batchsim. Times are seconds from job submission; bytes are binary units (1 KiB = 1024 B).</footer>
</main>
<script type="application/json" id="batchsim-result">${jsonForScript(result)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
