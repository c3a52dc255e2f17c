//! A run as one self-contained HTML page: summary, Gantt chart, cluster charts and tables, all inline.

import { createHash } from 'node:crypto';
import type { AttemptRecord, MetricsSample, RunResult, Timeline } from '../model/run-result.js';
import { BINARY_UNITS, formatBytesTrimmed, formatDuration, trimZeros } from '../util/format.js';
import { escapeHtml, jsonForScript, pageAsset, pageHead, PALETTE, svgNumber, vertexColor } from './html-page.js';
import { heldBackBy } from './summary.js';
import { diskPointsByTaskManager, lastPerTime, type TimePoint } from './time-series.js';

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
// Formatting (fixed, not locale-dependent, so the page is the same on every machine)

export function groupThousands(n: number, decimals = 0): string {
  const fixed = Math.abs(n).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 && Number(fixed) !== 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** Largest value, 0 for none; a loop because spreading a long array into Math.max overflows the stack. */
function maxOf(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}

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
  while (maxValue / div >= 1024 && u < BINARY_UNITS.length - 1) {
    div *= 1024;
    u++;
  }
  const step = niceStep(Math.max(maxValue / div, 1e-9), 4) * div;
  const max = Math.max(step, Math.ceil(maxValue / step - 1e-9) * step);
  return {
    values: ticks(max, step),
    max,
    label: (v) => (v === 0 ? '0' : `${trimZeros((v / div).toFixed(3))} ${BINARY_UNITS[u]}`),
  };
}

export const CHART_WIDTH = 1100;

// ---------------------------------------------------------------------------
// Line charts

export interface Series {
  key: string;
  label: string;
  color: string;
  points: TimePoint[];
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
function reduce(points: TimePoint[], horizon: number): { points: TimePoint[]; reduced: boolean } {
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
  const x = linear(0, spec.horizon, ml, CHART_WIDTH - mr);
  const y = linear(0, spec.yAxis.max, H - mb, mt);
  const tAxis = timeAxis(spec.horizon, 10);
  const parts: string[] = [];
  let anyReduced = false;

  parts.push(`<g class="grid">`);
  for (const v of spec.yAxis.values) {
    parts.push(`<line x1="${ml}" x2="${CHART_WIDTH - mr}" y1="${svgNumber(y(v))}" y2="${svgNumber(y(v))}"/>`);
  }
  parts.push(`</g><g class="axis y-axis">`);
  for (const v of spec.yAxis.values) {
    parts.push(`<text x="${ml - 8}" y="${svgNumber(y(v) + 4)}" text-anchor="end">${escapeHtml(spec.yAxis.label(v))}</text>`);
  }
  parts.push(`</g>`);
  parts.push(timeAxisSvg(tAxis, x, H - mb, mt));

  for (const s of spec.series) {
    if (s.points.length === 0) continue;
    const r = reduce(s.points, spec.horizon);
    anyReduced ||= r.reduced;
    const pts = r.points;
    // A step function: each value holds until the next point, the last until the horizon.
    let d = `M${svgNumber(x(pts[0].time))} ${svgNumber(y(pts[0].value))}`;
    for (let i = 1; i < pts.length; i++) {
      d += s.linear ? `L${svgNumber(x(pts[i].time))} ${svgNumber(y(pts[i].value))}` : `H${svgNumber(x(pts[i].time))}V${svgNumber(y(pts[i].value))}`;
    }
    d += `H${svgNumber(x(spec.horizon))}`;
    if (s.area) {
      const area = `${d}V${svgNumber(y(0))}H${svgNumber(x(pts[0].time))}Z`;
      parts.push(`<path class="area" d="${area}" fill="${s.color}" fill-opacity="0.16"/>`);
    }
    parts.push(
      `<path class="series" data-series="${escapeHtml(s.key)}" data-points="${pts.length}" d="${d}" ` +
        `stroke="${s.color}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}><title>${escapeHtml(s.label)}</title></path>`,
    );
  }
  for (const ref of spec.refs ?? []) {
    const ry = svgNumber(y(ref.value));
    parts.push(
      `<line class="${ref.cls}" x1="${ml}" x2="${CHART_WIDTH - mr}" y1="${ry}" y2="${ry}"/>` +
        `<text class="${ref.cls}-label" x="${CHART_WIDTH - mr - 4}" y="${svgNumber(y(ref.value) - 5)}" text-anchor="end">${escapeHtml(ref.label)}</text>`,
    );
  }

  const svg =
    `<svg class="chart" id="${spec.id}" viewBox="0 0 ${CHART_WIDTH} ${H}" role="img" aria-label="${escapeHtml(spec.label)}" ` +
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
  const parts = [`<g class="axis x-axis">`, `<line class="baseline" x1="${svgNumber(x(0))}" x2="${svgNumber(x(axis.values.at(-1) ?? 0))}" y1="${yBase}" y2="${yBase}"/>`];
  for (const t of axis.values) {
    const tx = svgNumber(x(t));
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
  const x = linear(0, horizon, ml, CHART_WIDTH - mr);
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
    if (i % 2 === 1) parts.push(`<rect class="zebra" x="${ml}" y="${y0}" width="${CHART_WIDTH - mr - ml}" height="${h}"/>`);
    const rec = tmRecords.get(tm);
    if (rec) {
      const ready = rec.readyAt ?? rec.releasedAt ?? horizon;
      const end = rec.goneAt ?? rec.releasedAt ?? horizon;
      if (ready > rec.requestedAt) {
        parts.push(
          `<rect class="tm-starting" x="${svgNumber(x(rec.requestedAt))}" y="${y0}" width="${svgNumber(Math.max(0.5, x(ready) - x(rec.requestedAt)))}" height="${h}">` +
            `<title>TaskManager ${tmText} starting: requested at ${escapeHtml(formatDuration(rec.requestedAt))}${
              rec.readyAt === null ? ', never ready' : `, ready at ${escapeHtml(formatDuration(rec.readyAt))}`
            }</title></rect>`,
        );
      }
      if (rec.readyAt !== null) {
        parts.push(
          `<rect class="tm-alive" x="${svgNumber(x(rec.readyAt))}" y="${y0}" width="${svgNumber(Math.max(0.5, x(end) - x(rec.readyAt)))}" height="${h}">` +
            `<title>TaskManager ${tmText}: ready ${escapeHtml(formatDuration(rec.readyAt))}, ${
              rec.releasedAt === null ? 'never released' : `${rec.endReason === 'lost' ? 'lost' : 'released'} ${escapeHtml(formatDuration(rec.releasedAt))}`
            }${rec.endReason ? ` (${escapeHtml(rec.endReason)})` : ''}</title></rect>`,
        );
      }
      if (rec.endReason === 'lost' && rec.releasedAt !== null) {
        // A bold red bar across the band and the word, so the loss reads at a glance.
        const lx = x(rec.releasedAt);
        const tip = `<title>TaskManager ${tmText} lost at ${escapeHtml(formatDuration(rec.releasedAt))}</title>`;
        const labelLeft = lx + 52 > CHART_WIDTH - mr;
        parts.push(
          `<g class="tm-lost-mark"><line class="tm-lost" x1="${svgNumber(lx)}" x2="${svgNumber(lx)}" y1="${y0}" y2="${y0 + h}">${tip}</line>` +
            `<text class="tm-lost-label" x="${svgNumber(labelLeft ? lx - 5 : lx + 5)}" y="${svgNumber(y0 + Math.min(h, 26) / 2 + 4)}"${labelLeft ? ' text-anchor="end"' : ''}>✕ lost${tip}</text></g>`,
        );
      }
    }
    if (i > 0) parts.push(`<line class="tm-sep" x1="4" x2="${CHART_WIDTH - mr}" y1="${y0}" y2="${y0}"/>`);
    parts.push(`<text class="tm-label${h < 16 ? ' small' : ''}" x="8" y="${svgNumber(y0 + Math.min(h, 26) / 2 + (h < 16 ? 3.5 : 4))}">TM ${tmText}</text>`);
    if (rowH >= 12 && n > 1) {
      for (let s = 0; s < n; s++) {
        parts.push(`<text class="slot-label" x="${ml - 6}" y="${svgNumber(y0 + s * rowH + rowH / 2 + 3.5)}" text-anchor="end">slot ${s}</text>`);
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
      `in ${formatBytesTrimmed(a.inputBytes)} · out ${formatBytesTrimmed(a.outputBytes)}`;
    parts.push(
      `<rect class="attempt ${escapeHtml(a.outcome)}" data-outcome="${escapeHtml(a.outcome)}" data-v="${v}" x="${svgNumber(bx)}" y="${svgNumber(by)}" ` +
        `width="${svgNumber(bw)}" height="${svgNumber(bh)}" fill="${vertexColor(v)}"><title>${escapeHtml(tip)}</title></rect>`,
    );
    if (a.outcome === 'failed') {
      hatches.push(`<rect class="failed-hatch" x="${svgNumber(bx)}" y="${svgNumber(by)}" width="${svgNumber(bw)}" height="${svgNumber(bh)}" fill="url(#hatch-failed)"/>`);
    }
  }
  parts.push(`</g><g class="failed-marks">${hatches.join('')}</g>`);

  const svg =
    `<svg class="chart" id="gantt" viewBox="0 0 ${CHART_WIDTH} ${H}" role="img" aria-label="Attempts by TaskManager and slot" ` +
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
      `${escapeHtml(formatBytesTrimmed(tm.memory.managedPerSlot))}${unit('managed')}`,
      `task heap ${escapeHtml(formatBytesTrimmed(tm.memory.taskHeapPerSlot))} · TaskManager of ${escapeHtml(formatBytesTrimmed(tm.memory.process))}: ` +
        `network ${escapeHtml(formatBytesTrimmed(tm.memory.network))}, framework ${escapeHtml(formatBytesTrimmed(tm.memory.frameworkHeap + tm.memory.frameworkOffHeap))}, ` +
        `JVM ${escapeHtml(formatBytesTrimmed(tm.memory.jvmMetaspace + tm.memory.jvmOverhead))}`,
    ),
    card('Cost', `${amount(result.cost.coreSeconds)}${unit('core·s')}`, `${amount(result.cost.gibSeconds)} GiB·s of memory`),
    card('Restarts', groupThousands(result.restarts), `${groupThousands(result.failures.length)} failure${result.failures.length === 1 ? '' : 's'} recorded`),
    card(
      'Peak disk',
      escapeHtml(formatBytesTrimmed(result.disk.peakBytesOneTaskManager)),
      `fullest TM, of ${escapeHtml(formatBytesTrimmed(tm.diskBytes))} · ${escapeHtml(formatBytesTrimmed(result.disk.peakBytesTotal))} in total`,
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
      num(v.inputBytes, formatBytesTrimmed(v.inputBytes)) +
      num(v.outputBytes, formatBytesTrimmed(v.outputBytes)) +
      num(v.subtaskInputBytes.min, formatBytesTrimmed(v.subtaskInputBytes.min)) +
      num(v.subtaskInputBytes.median, formatBytesTrimmed(v.subtaskInputBytes.median)) +
      num(v.subtaskInputBytes.max, formatBytesTrimmed(v.subtaskInputBytes.max)) +
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
// The page (its stylesheet is assets/run-report.css)

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

  const diskByTm = diskPointsByTaskManager(timeline.disk);
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
    const capRefs = showCapacity ? [{ value: capacity, label: `capacity ${formatBytesTrimmed(capacity)}`, cls: 'capacity' }] : [];
    const more =
      (chosen.length < diskByTm.size ? `<p class="note">The ${chosen.length} fullest of ${groupThousands(diskByTm.size)} TaskManagers are drawn.</p>` : '') +
      (!showCapacity && capacity > 0 ? `<p class="note">Capacity ${escapeHtml(formatBytesTrimmed(capacity))} per TaskManager, above the chart: the fullest disk peaked at ${escapeHtml(formatBytesTrimmed(peak))}.</p>` : '');
    charts.push(
      `<section id="disk"><h2>Disk per TaskManager</h2><p class="sub">Bytes on each TaskManager's disk (partial outputs included) against its capacity.</p>` +
        lineChart({ id: 'chart-disk', label: 'Disk used per TaskManager', series: diskSeries, horizon, yAxis: bytesAxis(maxDisk * 1.04), refs: capRefs }) +
        more +
        `</section>`,
    );
  }

  // Legend interaction: hovering or clicking a vertex highlights its bars. The script reads only
  // numeric data attributes, never scenario text, so nothing from the scenario reaches JS.
  const script = pageAsset('gantt-legend.js');
  const scriptHash = createHash('sha256').update(script, 'utf8').digest('base64');

  return `${pageHead(title, pageAsset('run-report.css'), `'sha256-${scriptHash}'`)}
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
<script>${script}</script>
</body>
</html>
`;
}
