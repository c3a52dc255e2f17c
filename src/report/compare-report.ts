//! A comparison as text (the table `batchsim compare` prints), CSV, a JSON document and a self-contained HTML page.

import type { ComparedChoice, Comparison, MarkedStats, RunSummary } from '../compare/aggregate.js';
import { DIMENSIONS, describeSetting, formatBandwidth, formatMaxSlots, type ChoiceSettings, type Dimension } from '../compare/grid.js';
import { formatBytes, formatDuration } from '../util/format.js';
import { escapeHtml, jsonForScript, pageAsset, pageHead, svgNumber, vertexColor } from './html-page.js';
import { table } from './summary.js';

/** How each statistic is computed, said once for the table's footnote, the JSON and the page. */
export const STATISTICS_NOTE =
  'makespan: median (p50) and 95th percentile (nearest rank) over the seeds; TMs created, core-s, GiB-s: median; ' +
  'peak TMs and disk peak/TM: largest over the seeds; restarts: total over the seeds; failed: runs that ended FAILED ' +
  '(failed runs count in every statistic). fastest / cheapest: lowest median makespan / core-seconds among choices with no failed run.';

const DIMENSION_HEADERS: Record<Dimension, string> = {
  slots: 'slots',
  cpuPerSlot: 'cores/slot',
  diskBandwidth: 'disk bw',
  networkBandwidth: 'network bw',
  memoryPerSlot: 'memory/slot',
  maxSlots: 'max slots',
  shuffle: 'shuffle',
  avgVolume: 'avg volume',
  mode: 'mode',
};

/** A setting's value alone, as a table cell. */
function settingValue(d: Dimension, s: ChoiceSettings): string {
  switch (d) {
    case 'slots':
      return String(s.slots);
    case 'cpuPerSlot':
      return String(s.cpuPerSlot);
    case 'diskBandwidth':
      return formatBandwidth(s.diskBandwidth);
    case 'networkBandwidth':
      return formatBandwidth(s.networkBandwidth);
    case 'memoryPerSlot':
      return formatBytes(s.memoryPerSlot);
    case 'maxSlots':
      return formatMaxSlots(s.maxSlots);
    case 'shuffle':
      return s.shuffle;
    case 'avgVolume':
      return formatBytes(s.avgVolume);
    case 'mode':
      return s.mode.toLowerCase();
  }
}

/** Columns for the settings: the swept ones, or slots alone when nothing is swept. */
function settingColumns(c: Comparison): Dimension[] {
  return c.swept.length === 0 ? ['slots'] : c.swept;
}

/** What a bar chart and the marks need of a row: a single job's choice, or a multi-job one. */
export interface ChartChoice {
  index: number;
  label: string;
  stats: { failed: number; fastest: boolean; cheapest: boolean };
}

/** The words that mark a choice: `fastest`, `cheapest`, both, or none. */
export function marks(choice: ChartChoice): string[] {
  const out: string[] = [];
  if (choice.stats.fastest) out.push('fastest');
  if (choice.stats.cheapest) out.push('cheapest');
  return out;
}

/** A count that is a median may end in .5; show the decimal only then. */
function count(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

const oneDecimal = (n: number): string => n.toFixed(1);

/**
 * With remote shuffle, or in streaming mode, no shuffle file is written to local disks (only a
 * spill could be): when nothing was, a dash says "not applicable" better than 0 B.
 */
function diskCell(ch: ComparedChoice): string {
  const noDisk = ch.settings.shuffle === 'remote' || ch.settings.mode === 'STREAMING';
  return noDisk && ch.stats.peakDiskBytesMax === 0 ? '-' : formatBytes(ch.stats.peakDiskBytesMax);
}

/** The heading lines above the table: scenario, grid size, seeds and the settings not swept. */
function heading(c: Comparison): string[] {
  const n = c.seeds.length;
  const seeds = n === 1 ? String(c.seeds[0]) : `${c.seeds[0]}..${c.seeds[n - 1]}`;
  const lines = [`${c.scenario}: ${c.choices.length} choice${c.choices.length === 1 ? '' : 's'} x ${n} seed${n === 1 ? '' : 's'} (${seeds})`];
  const fixed = DIMENSIONS.filter((d) => !c.swept.includes(d));
  if (fixed.length > 0) lines.push(`as in the scenario: ${fixed.map((d) => describeSetting(d, c.base)).join(', ')}`);
  return lines;
}

/** Options of {@link formatCompareTable}. */
export interface TableOptions {
  /** Wraps the mark words in ANSI colour (only for a terminal, and never with NO_COLOR). */
  color?: boolean;
}

/**
 * The comparison as plain text: a heading, one row per choice and one column per
 * statistic, the fastest and cheapest choices marked with words (so the marks survive
 * without colour), and a footnote that says how each statistic is computed. Contains no
 * timing of the comparison itself, so the same seeds give the same text.
 */
export function formatCompareTable(c: Comparison, opts: TableOptions = {}): string {
  const dims = settingColumns(c);
  const header = [
    ...dims.map((d) => DIMENSION_HEADERS[d]),
    'makespan p50',
    'p95',
    'TMs created',
    'peak TMs',
    'core-s',
    'GiB-s',
    'disk peak/TM',
    'restarts',
    'failed',
    '',
  ];
  const rows = [header];
  for (const ch of c.choices) {
    const s = ch.stats;
    rows.push([
      ...dims.map((d) => settingValue(d, ch.settings)),
      `${oneDecimal(s.makespanMedian)} s`,
      `${oneDecimal(s.makespanP95)} s`,
      count(s.tmsCreatedMedian),
      count(s.tmsPeakMax),
      oneDecimal(s.coreSecondsMedian),
      oneDecimal(s.gibSecondsMedian),
      diskCell(ch),
      String(s.restartsTotal),
      `${s.failed}/${s.runs}`,
      marks(ch).join(', '),
    ]);
  }
  const right = new Set<number>();
  for (let i = dims.length; i < header.length - 1; i++) right.add(i);
  dims.forEach((d, i) => {
    if (d !== 'shuffle') right.add(i);
  });
  let lines = table(rows, right).split('\n');
  if (opts.color === true) {
    // Colour after layout, so escape codes never count towards column widths.
    lines = lines.map((l, i) => (i === 0 ? l : l.replace(/\b(fastest|cheapest)\b/g, '\x1b[1;32m$1\x1b[0m')));
  }
  const failures = c.choices.filter((ch) => ch.stats.failed > 0);
  const out = [...heading(c), '', ...lines, ''];
  for (const ch of failures) {
    const cause = ch.runs.find((r) => r.failureCause !== null)?.failureCause ?? 'unknown';
    out.push(`${ch.label}: ${ch.stats.failed} of ${ch.stats.runs} runs failed; first cause: ${cause}`);
  }
  if (c.choices.every((ch) => ch.stats.failed > 0)) out.push('every choice had failed runs: none is marked fastest or cheapest');
  if (failures.length > 0) out.push('');
  out.push(...wrap(STATISTICS_NOTE, 100));
  return `${out.join('\n')}\n`;
}

/** Breaks a paragraph into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The CSV header `compareCsv` writes. */
export const COMPARE_CSV_HEADER = [
  'choice',
  'slots',
  'cpu_per_slot',
  'disk_bandwidth_bytes_per_s',
  'network_bandwidth_bytes_per_s',
  'memory_per_slot_bytes',
  'max_slots',
  'shuffle',
  'avg_volume_bytes',
  'mode',
  'runs',
  'failed_runs',
  'makespan_median_s',
  'makespan_p95_s',
  'tms_created_median',
  'tms_peak_max',
  'core_seconds_median',
  'gib_seconds_median',
  'disk_peak_bytes_max',
  'restarts_total',
  'fastest',
  'cheapest',
] as const;

/**
 * One row per choice with every setting (swept or not) and every statistic, in plain
 * units. An unlimited slot cap is written `inf`, which pandas and most CSV readers take as
 * a number (infinity). No field holds text from the scenario, so none needs quoting.
 */
export function compareCsv(c: Comparison): string {
  const lines = [COMPARE_CSV_HEADER.join(',')];
  for (const ch of c.choices) {
    const s = ch.stats;
    const st = ch.settings;
    lines.push(
      [
        ch.index,
        st.slots,
        st.cpuPerSlot,
        Number.isFinite(st.diskBandwidth) ? st.diskBandwidth : 'inf',
        Number.isFinite(st.networkBandwidth) ? st.networkBandwidth : 'inf',
        st.memoryPerSlot,
        Number.isFinite(st.maxSlots) ? st.maxSlots : 'inf',
        st.shuffle,
        st.avgVolume,
        st.mode,
        s.runs,
        s.failed,
        s.makespanMedian,
        s.makespanP95,
        s.tmsCreatedMedian,
        s.tmsPeakMax,
        s.coreSecondsMedian,
        s.gibSecondsMedian,
        s.peakDiskBytesMax,
        s.restartsTotal,
        s.fastest,
        s.cheapest,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON form of a choice's settings: an unlimited slot cap or bandwidth as `"unlimited"` (JSON has no Infinity). */
function jsonSettings(s: ChoiceSettings): Record<string, unknown> {
  const finite = (n: number) => (Number.isFinite(n) ? n : 'unlimited');
  return {
    slots: s.slots,
    cpuPerSlot: s.cpuPerSlot,
    memoryPerSlotBytes: s.memoryPerSlot,
    diskBandwidth: finite(s.diskBandwidth),
    networkBandwidth: finite(s.networkBandwidth),
    maxSlots: finite(s.maxSlots),
    shuffle: s.shuffle,
    avgVolumeBytes: s.avgVolume,
    mode: s.mode,
  };
}

/** A run of a comparison under the names `run --json` gives the same quantities. */
function jsonRun(r: RunSummary): Record<string, unknown> {
  return {
    seed: r.seed,
    status: r.status,
    failureCause: r.failureCause,
    makespan: r.makespan,
    taskManagers: { created: r.tmsCreated, peak: r.tmsPeak },
    cost: { coreSeconds: r.coreSeconds, gibSeconds: r.gibSeconds },
    disk: { peakBytesOneTaskManager: r.peakDiskBytes },
    restarts: r.restarts,
  };
}

/**
 * A choice's statistics under the names `run --json` gives the quantities, each holding
 * the statistic taken over the seeds: `makespan.median`, `taskManagers.created.median`,
 * `disk.peakBytesOneTaskManager.max`.
 */
function jsonStats(s: MarkedStats): Record<string, unknown> {
  return {
    failed: s.failed,
    makespan: { median: s.makespanMedian, p95: s.makespanP95 },
    taskManagers: { created: { median: s.tmsCreatedMedian }, peak: { max: s.tmsPeakMax } },
    cost: { coreSeconds: { median: s.coreSecondsMedian }, gibSeconds: { median: s.gibSecondsMedian } },
    disk: { peakBytesOneTaskManager: { max: s.peakDiskBytesMax } },
    restarts: { total: s.restartsTotal },
    fastest: s.fastest,
    cheapest: s.cheapest,
  };
}

/**
 * The comparison as one JSON-ready object (`batchsim schema compare` describes it):
 * scenario, seeds, swept dimensions, how the statistics are computed, and per choice its
 * settings, statistics, marks and every run's numbers, named as `run --json` names them.
 * It holds nothing about how the runs were scheduled (threads, wall time), so it is the
 * same for any number of workers.
 */
export function compareJson(c: Comparison): Record<string, unknown> {
  return {
    scenario: c.scenario,
    file: c.file,
    seeds: c.seeds,
    swept: c.swept,
    scenarioSettings: jsonSettings(c.base),
    statistics: STATISTICS_NOTE,
    choices: c.choices.map((ch) => ({
      choice: ch.index,
      label: ch.label,
      settings: jsonSettings(ch.settings),
      ...jsonStats(ch.stats),
      runs: ch.runs.map(jsonRun),
    })),
  };
}

// ---------------------------------------------------------------------------
// HTML (the page's stylesheet is assets/compare-report.css)

/** A step of 1, 2 or 5 times a power of ten that gives about `count` ticks up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Steps that read well on a time axis, seconds: whole seconds, minutes and hours. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The smallest time-friendly step that gives at most about `count` ticks up to `max` seconds. */
export function timeStep(max: number, count: number): number {
  return TIME_STEPS.find((st) => st >= max / count) ?? niceStep(max, count);
}

/** A tick label on a time axis: `30 s`, `5 min`, `2 h`. */
export function timeTick(t: number): string {
  if (t === 0) return '0';
  if (t % 3600 === 0) return `${t / 3600} h`;
  if (t % 60 === 0) return `${t / 60} min`;
  return `${t} s`;
}

export interface BarSpec<C extends ChartChoice = ComparedChoice> {
  id: string;
  title: string;
  unit: string;
  /** Bar length per choice, and an optional whisker end (p95). */
  value: (ch: C) => number;
  whisker?: (ch: C) => number;
  /** The row's label: the swept values alone. */
  short: (ch: C) => string;
  format: (n: number) => string;
  /** Tick spacing for an axis up to `max` (default: 1, 2 or 5 times a power of ten). */
  step?: (max: number) => number;
  /** Tick label (default: `format`). */
  tick?: (n: number) => string;
}

/** Times on a bar chart's axis: durations, ticks at round minutes and hours. */
export const TIME_AXIS = { format: (v: number) => formatDuration(v), step: (m: number) => timeStep(m, 4), tick: timeTick };

/** The chart of each choice's median core-seconds (both comparison pages have it). */
export function costChart<C extends ChartChoice & { stats: { coreSecondsMedian: number } }>(c: { choices: readonly C[] }, short: (ch: C) => string): string {
  return barChart(c, {
    id: 'chart-cost',
    title: 'Median core-seconds per choice',
    unit: 'core-s',
    value: (ch) => ch.stats.coreSecondsMedian,
    short,
    format: (v) => (v >= 100 ? v.toFixed(0) : String(Math.round(v * 10) / 10)),
  });
}

/** A choice's label for a chart row: the swept values alone, `1 slot · local · 8.00 MiB · batch`. */
function shortLabel(c: Comparison, ch: ComparedChoice): string {
  const dims = settingColumns(c);
  return dims.map((d) => (d === 'slots' ? describeSetting(d, ch.settings) : d === 'maxSlots' ? `max ${formatMaxSlots(ch.settings.maxSlots)}` : settingValue(d, ch.settings))).join(' · ');
}

/**
 * A horizontal bar chart, one bar per choice in grid order, so the two charts and the
 * table read in the same order. Choices with failed runs are hatched red. The scale
 * follows the choices with no failed run (all choices when every one failed): a run that
 * failed late (or ran until a guard stopped it) would otherwise squash every other bar. A
 * bar beyond the scale is cut at the edge with a break mark, its value written in red.
 */
export function barChart<C extends ChartChoice>(c: { choices: readonly C[] }, spec: BarSpec<C>): string {
  const labelW = 280;
  const valueW = 230;
  const plotW = 500;
  const rowH = 28;
  const top = 8;
  const axisH = 24;
  const h = top + rowH * c.choices.length + axisH;
  const w = labelW + plotW + valueW;
  const ok = c.choices.filter((ch) => ch.stats.failed === 0);
  const scaled = ok.length > 0 ? ok : c.choices;
  const maxValue = Math.max(...scaled.map((ch) => Math.max(spec.value(ch), spec.whisker?.(ch) ?? 0)), 0);
  const step = (spec.step ?? ((m: number) => niceStep(m, 4)))(maxValue > 0 ? maxValue : 1);
  const axisMax = Math.max(step, Math.ceil((maxValue > 0 ? maxValue : 1) / step) * step);
  const x = (v: number) => labelW + (Math.min(v, axisMax) / axisMax) * plotW;
  // One pattern per chart: ids must be unique in the page.
  const hatch = `${spec.id}-hatch`;
  const parts: string[] = [];
  const grid: string[] = [];
  // Ticks by index, not by adding steps, so rounding never adds or drops the last one.
  for (let k = 0; k * step <= axisMax + step / 2; k++) {
    const t = k * step;
    grid.push(`<line x1="${svgNumber(x(t))}" y1="${top}" x2="${svgNumber(x(t))}" y2="${top + rowH * c.choices.length}"/>`);
    parts.push(`<text x="${svgNumber(x(t))}" y="${h - 6}" text-anchor="middle">${escapeHtml((spec.tick ?? spec.format)(t))}</text>`);
  }
  const bars = c.choices.map((ch, i) => {
    const y = top + i * rowH;
    const v = spec.value(ch);
    const failed = ch.stats.failed > 0;
    const short = spec.short(ch);
    const label = short.length > 44 ? `${short.slice(0, 43)}…` : short;
    const whiskerEnd = spec.whisker?.(ch);
    const unit = spec.unit === '' ? '' : ` ${spec.unit}`;
    const tip = `${ch.label}: ${spec.format(v)}${unit}${whiskerEnd !== undefined ? ` (p95 ${spec.format(whiskerEnd)}${unit})` : ''}${failed ? `, ${ch.stats.failed} failed run(s)` : ''}`;
    const clipped = v > axisMax;
    let s =
      `<g class="row" data-choice="${ch.index}"><title>${escapeHtml(tip)}</title>` +
      `<text class="label" x="${labelW - 8}" y="${svgNumber(y + rowH / 2 + 4)}" text-anchor="end">${escapeHtml(label)}</text>` +
      `<rect class="bar${failed ? ' failed' : ''}${clipped ? ' clipped' : ''}" data-choice="${ch.index}" data-value="${v}" x="${labelW}" y="${svgNumber(y + 6)}" width="${svgNumber(Math.max(0, x(v) - labelW))}" height="${rowH - 12}" rx="3" fill="${failed ? `url(#${hatch})` : vertexColor(ch.index)}"/>`;
    if (clipped) {
      // Two slanted strokes near the cut end (an axis-break mark): the bar goes on beyond the scale.
      const bx = x(v) - 14;
      s +=
        `<line class="break" x1="${svgNumber(bx)}" y1="${svgNumber(y + rowH - 4)}" x2="${svgNumber(bx + 6)}" y2="${svgNumber(y + 4)}"/>` +
        `<line class="break" x1="${svgNumber(bx + 5)}" y1="${svgNumber(y + rowH - 4)}" x2="${svgNumber(bx + 11)}" y2="${svgNumber(y + 4)}"/>`;
    }
    if (!clipped && whiskerEnd !== undefined && whiskerEnd > v) {
      const mid = y + rowH / 2;
      const capped = whiskerEnd > axisMax;
      s +=
        `<line class="whisker" data-choice="${ch.index}" x1="${svgNumber(x(v))}" y1="${svgNumber(mid)}" x2="${svgNumber(x(whiskerEnd))}" y2="${svgNumber(mid)}"/>` +
        (capped ? '' : `<line class="whisker" x1="${svgNumber(x(whiskerEnd))}" y1="${svgNumber(mid - 6)}" x2="${svgNumber(x(whiskerEnd))}" y2="${svgNumber(mid + 6)}"/>`);
    }
    const end = Math.max(x(v), whiskerEnd !== undefined ? x(whiskerEnd) : 0);
    const words = marks(ch);
    s += `<text${clipped ? ' class="clipped-value"' : ''} x="${svgNumber(end + 6)}" y="${svgNumber(y + rowH / 2 + 4)}">${escapeHtml(spec.format(v))}${words.length > 0 ? ` · ${words.join(', ')}` : ''}${failed ? ' · failed runs' : ''}</text>`;
    return `${s}</g>`;
  });
  return (
    `<svg class="chart" id="${spec.id}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(spec.title)}" data-axis-max="${axisMax}">` +
    `<defs><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fbe5e5"/><line x1="0" y1="0" x2="0" y2="6" stroke="#d62828" stroke-width="2"/></pattern></defs>` +
    `<g class="grid">${grid.join('')}</g>` +
    `<g class="axis"><line x1="${labelW}" y1="${top}" x2="${labelW}" y2="${top + rowH * c.choices.length}"/>${parts.join('')}</g>` +
    bars.join('') +
    `</svg>`
  );
}

function htmlTable(c: Comparison): string {
  // The choice's label names its settings, so no column repeats them; the page stays narrow.
  const head = [
    '<th>choice</th>',
    ...['makespan p50', 'p95', 'TMs created', 'peak TMs', 'core-s', 'GiB-s', 'disk peak/TM', 'restarts', 'failed'].map((h) => `<th class="num">${h}</th>`),
    '<th></th>',
  ].join('');
  const body = c.choices
    .map((ch) => {
      const s = ch.stats;
      const num = (v: string, cls = 'num') => `<td class="${cls}">${escapeHtml(v)}</td>`;
      return (
        `<tr data-choice="${ch.index}"${s.failed > 0 ? ' class="has-failed"' : ''}>` +
        `<td class="choice"><span class="swatch" style="background:${vertexColor(ch.index)}"></span>${escapeHtml(ch.label)}</td>` +
        num(formatDuration(s.makespanMedian)) +
        num(formatDuration(s.makespanP95)) +
        num(count(s.tmsCreatedMedian)) +
        num(count(s.tmsPeakMax)) +
        num(oneDecimal(s.coreSecondsMedian)) +
        num(oneDecimal(s.gibSecondsMedian)) +
        num(diskCell(ch)) +
        num(String(s.restartsTotal)) +
        num(`${s.failed}/${s.runs}`, 'num failed') +
        `<td class="marks">${marks(ch)
          .map((m) => `<span class="mark">${m}</span>`)
          .join('')}</td></tr>`
      );
    })
    .join('');
  return `<div class="table-wrap"><table id="compare-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * The comparison as one self-contained HTML page (inline CSS and SVG, no script, no
 * network: the Content-Security-Policy allows nothing else): the table with the marks,
 * and side by side a bar chart of the median makespan with a whisker to the p95 and a bar
 * chart of the median core-seconds, one bar per choice. Every string from the scenario
 * (its name, the file name, failure causes) is HTML-escaped. The comparison is embedded
 * as JSON in `<script type="application/json" id="batchsim-compare">` for tools.
 */
export function renderCompareHtml(c: Comparison): string {
  const title = `batchsim compare · ${c.scenario}`;
  const n = c.seeds.length;
  const fixed = DIMENSIONS.filter((d) => !c.swept.includes(d));
  const causes = c.choices
    .filter((ch) => ch.stats.failed > 0)
    .map((ch) => {
      const cause = ch.runs.find((r) => r.failureCause !== null)?.failureCause ?? 'unknown';
      return `<li>${escapeHtml(ch.label)}: ${ch.stats.failed} of ${ch.stats.runs} runs failed; first cause: ${escapeHtml(cause)}</li>`;
    });
  const makespan = barChart(c, {
    id: 'chart-makespan',
    title: 'Makespan per choice: median with a whisker to the 95th percentile',
    unit: '',
    value: (ch) => ch.stats.makespanMedian,
    whisker: (ch) => ch.stats.makespanP95,
    short: (ch) => shortLabel(c, ch),
    ...TIME_AXIS,
  });
  const cost = costChart(c, (ch) => shortLabel(c, ch));
  return `${pageHead(title, pageAsset('compare-report.css'))}
<body>
<main>
<header><h1>Comparing choices for <span id="scenario-name">${escapeHtml(c.scenario)}</span></h1>
<p class="meta">${escapeHtml(c.file)} · ${c.choices.length} choice${c.choices.length === 1 ? '' : 's'} × ${n} seed${n === 1 ? '' : 's'} (${escapeHtml(n === 1 ? String(c.seeds[0]) : `${c.seeds[0]} to ${c.seeds[n - 1]}`)})${fixed.length > 0 ? ` · as in the scenario: ${escapeHtml(fixed.map((d) => describeSetting(d, c.base)).join(', '))}` : ''}</p></header>
<section id="table"><h2>Choices side by side</h2>
${htmlTable(c)}
${causes.length > 0 ? `<ul class="causes">${causes.join('')}</ul>` : ''}
<p class="note">${escapeHtml(STATISTICS_NOTE)}</p>
</section>
<section id="charts"><div class="charts">
<div><h2>Makespan</h2><p class="sub">Median over the seeds; the whisker reaches the 95th percentile. Hatched red: some runs failed. The scale follows the choices without failed runs; a longer bar is cut at the edge.</p>${makespan}</div>
<div><h2>Cost</h2><p class="sub">Median core-seconds of TaskManagers and JobManager.</p>${cost}</div>
</div></section>
<footer>Generated by batchsim compare. Times are seconds from job submission; bytes are binary units (1 KiB = 1024 B).</footer>
</main>
<script type="application/json" id="batchsim-compare">${jsonForScript(compareJson(c))}</script>
</body>
</html>
`;
}
