//! A multi-job run as one self-contained HTML page: jobs per queue, queue capacity in use, and TaskManagers by job.

import { createHash } from 'node:crypto';
import type { QueueResult, Timeline, WorkloadJobResult, WorkloadResult } from '../model/run-result.js';
import type { WorkloadTimeline } from '../dispatcher/workload-run.js';
import { countAxis, gantt, groupThousands, lineChart, linear, timeAxis, timeAxisSvg, CHART_WIDTH, type Series } from './html-report.js';
import { escapeHtml, FAILED_COLOR, jsonForScript, pageAsset, pageHead, svgNumber, vertexColor } from './html-page.js';
import { lastPerTime } from './time-series.js';
import { formatDuration } from '../util/format.js';

/** Options of {@link renderWorkloadHtmlReport}. */
export interface WorkloadHtmlReportOptions {
  /** Page title and heading; defaults to the scenario's name. */
  title?: string;
}

/** Most job rows in the jobs Gantt chart; beyond it every k-th job of each queue is drawn. */
export const JOBS_GANTT_MAX_ROWS = 400;
/** Narrowest run bar, px: a job of minutes in a run of days stays visible. */
const MIN_BAR_PX = 2;
/** Most rows of the jobs table. */
export const JOBS_TABLE_MAX_ROWS = 2_000;

const STATUS_COLOR: Record<WorkloadJobResult['status'], string> = { FINISHED: '#2f9e6e', FAILED: FAILED_COLOR, SKIPPED: '#9aa3b2' };
/** Queue series in the waiting-requests chart: dark and distinct from the job palette's first entries. */
const QUEUE_COLORS = ['#1d2433', '#8a5a00', '#5563c9', '#1fa5a8', '#a67c3d', '#6b7a90'];
const queueColor = (i: number): string => QUEUE_COLORS[i % QUEUE_COLORS.length];

const plural = (n: number, one: string, many = `${one}s`): string => `${groupThousands(n)} ${n === 1 ? one : many}`;
/** CU as the queues report them (thousandths), without trailing zeros. */
const cu = (x: number): string => groupThousands(x, 3).replace(/\.?0+$/, '');
const percent = (used: number, capacity: number | null): string =>
  capacity === null || capacity <= 0 ? '' : `${Math.round((100 * used) / capacity)}%`;

/** A long name cut for a chart label (the whole name is in its tooltip). */
function shorten(name: string, max: number): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------
// Jobs by queue

interface JobRow {
  job: WorkloadJobResult;
  index: number;
}

/** Jobs grouped by queue (in the result's queue order), each group in submission order. */
function jobsByQueue(result: WorkloadResult): { queue: QueueResult | null; name: string; rows: JobRow[] }[] {
  const known = new Set(result.queues.map((q) => q.name));
  const groups = result.queues.map((q) => ({ queue: q as QueueResult | null, name: q.name, rows: [] as JobRow[] }));
  const byName = new Map(groups.map((g) => [g.name, g]));
  result.jobs.forEach((job, index) => {
    let g = byName.get(job.queue);
    if (g === undefined && !known.has(job.queue)) {
      g = { queue: null, name: job.queue, rows: [] };
      byName.set(job.queue, g);
      groups.push(g);
    }
    g?.rows.push({ job, index });
  });
  const started = (j: WorkloadJobResult): number => j.started ?? Infinity;
  for (const g of groups) {
    g.rows.sort((a, b) => a.job.submitted - b.job.submitted || started(a.job) - started(b.job) || (a.job.name < b.job.name ? -1 : a.job.name > b.job.name ? 1 : 0));
  }
  return groups.filter((g) => g.rows.length > 0 || g.queue !== null);
}

function jobTooltip(j: WorkloadJobResult): string {
  const admission = j.started === null ? null : j.started - j.submitted;
  const lines = [
    `${j.name} · queue ${j.queue}${j.priority !== 0 ? ` · priority ${j.priority}` : ''} · ${j.status}`,
    `submitted ${formatDuration(j.submitted)}, ` +
      (j.started === null ? 'never started' : `started ${formatDuration(j.started)}`) +
      `, ended ${formatDuration(j.end)} · makespan ${formatDuration(j.makespan)}`,
    `waited ${formatDuration(j.waited)} for queue capacity` + (admission !== null && j.waited > 0 ? ` (${formatDuration(admission)} of it for admission)` : ''),
    `${plural(j.taskManagers.created, 'TaskManager')} · ${groupThousands(j.cost.coreSeconds, 1)} core·s`,
  ];
  if (j.failureCause !== undefined) lines.push(j.failureCause);
  return lines.join('\n');
}

function jobsGantt(result: WorkloadResult, horizon: number): { svg: string; note: string } {
  const groups = jobsByQueue(result);
  const total = result.jobs.length;
  if (total === 0) return { svg: `<p class="empty">No jobs.</p>`, note: '' };
  const k = total > JOBS_GANTT_MAX_ROWS ? Math.ceil(total / JOBS_GANTT_MAX_ROWS) : 1;
  const shownGroups = groups.map((g) => ({ ...g, jobs: g.rows.length, rows: g.rows.filter((_, i) => i % k === 0) }));
  const shown = shownGroups.reduce((n, g) => n + g.rows.length, 0);

  const headerH = 22;
  // Rows share about 1200 px; names are written while a row is tall enough for them, and
  // without names the label column goes.
  const rowH = Math.max(4, Math.min(20, Math.floor(1200 / shown)));
  const labels = rowH >= 11;
  const ml = labels ? 200 : 96;
  const mr = 16;
  const mt = 4;
  const mb = 30;
  const plotH = shownGroups.length * headerH + shown * rowH;
  const H = mt + plotH + mb;
  const x = linear(0, horizon, ml, CHART_WIDTH - mr);
  const parts: string[] = [
    `<defs><pattern id="hatch-wait" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
      `<rect width="6" height="6" fill="#fdf3dc"/><rect width="2.2" height="6" fill="#e8b04a"/></pattern></defs>`,
  ];
  const bars: string[] = [];
  // Queue headings go over the time grid, which would otherwise cross their text.
  const headings: string[] = [];
  let y = mt;
  for (const g of shownGroups) {
    const q = g.queue;
    const capacity = q === null ? '' : ` · capacity ${q.capacity === null ? 'unlimited' : `${cu(q.capacity)} CU`}`;
    headings.push(
      `<rect class="queue-band" x="0" y="${y}" width="${CHART_WIDTH}" height="${headerH}"/>` +
        `<text class="queue-label" x="8" y="${y + 15}">queue ${escapeHtml(g.name)}<tspan class="queue-meta">${escapeHtml(capacity)} · ${escapeHtml(plural(g.jobs, 'job'))}</tspan></text>`,
    );
    y += headerH;
    g.rows.forEach(({ job: j, index }, r) => {
      const y0 = y + r * rowH;
      const pad = rowH >= 10 ? 3 : 1;
      const by = y0 + pad;
      const bh = rowH - 2 * pad;
      const items: string[] = [`<title>${escapeHtml(jobTooltip(j))}</title>`];
      if (r % 2 === 1) parts.push(`<rect class="zebra" x="${ml}" y="${y0}" width="${CHART_WIDTH - mr - ml}" height="${rowH}"/>`);
      const waitEnd = j.started ?? j.end;
      if (waitEnd > j.submitted) {
        items.push(`<rect class="wait" x="${svgNumber(x(j.submitted))}" y="${svgNumber(by)}" width="${svgNumber(Math.max(0.8, x(waitEnd) - x(j.submitted)))}" height="${svgNumber(bh)}"/>`);
      }
      if (j.started !== null) {
        items.push(
          `<rect class="run" x="${svgNumber(x(j.started))}" y="${svgNumber(by)}" width="${svgNumber(Math.max(MIN_BAR_PX, x(j.end) - x(j.started)))}" height="${svgNumber(bh)}" fill="${STATUS_COLOR[j.status]}"/>`,
        );
      } else {
        // Never ran: a mark where it ended (skipped, or never admitted before the run ended).
        const mx = x(j.end);
        const m = Math.max(2, bh / 2);
        items.push(`<path class="mark" d="M${svgNumber(mx)} ${svgNumber(by)}l${svgNumber(m)} ${svgNumber(m)}l${svgNumber(-m)} ${svgNumber(m)}l${svgNumber(-m)} ${svgNumber(-m)}Z" fill="${STATUS_COLOR[j.status]}"/>`);
      }
      if (labels) {
        items.push(
          `<rect class="job-swatch" x="8" y="${svgNumber(y0 + rowH / 2 - 4)}" width="8" height="8" rx="2" fill="${vertexColor(index)}"/>` +
            `<text class="job-label" x="22" y="${svgNumber(y0 + rowH / 2 + 4)}">${escapeHtml(shorten(j.name, 26))}</text>`,
        );
      }
      bars.push(
        `<g class="job status-${j.status.toLowerCase()}" data-v="${index}" data-status="${j.status}" data-started="${j.started !== null}">${items.join('')}</g>`,
      );
    });
    y += g.rows.length * rowH;
  }
  parts.push(timeAxisSvg(timeAxis(horizon, 10), x, mt + plotH, mt), headings.join(''), `<g class="jobs">${bars.join('')}</g>`);
  const svg =
    `<svg class="chart" id="jobs-gantt" viewBox="0 0 ${CHART_WIDTH} ${H}" role="img" aria-label="Jobs by queue" ` +
    `data-jobs-total="${total}" data-jobs-shown="${shown}">${parts.join('')}</svg>`;
  const note =
    shown < total
      ? `<p class="note sampled" id="jobs-sampled">Sampled: ${groupThousands(shown)} of ${groupThousands(total)} jobs are drawn (one in ${k} of each queue, in submission order).</p>`
      : '';
  return { svg, note };
}

// ---------------------------------------------------------------------------
// Queues over time

function queueSection(result: WorkloadResult, timeline: WorkloadTimeline, horizon: number): string {
  if (timeline.queues.length === 0) return `<p class="empty">No queues were recorded.</p>`;
  const charts = timeline.queues.map((q, i) => {
    const summary = result.queues.find((r) => r.name === q.name);
    const points = lastPerTime(q.samples.map((s) => ({ time: s.time, value: s.cu })));
    // Nothing in use before the first change: the line starts at zero, not at the first value.
    if (points.length === 0 || points[0].time > 0) points.unshift({ time: 0, value: 0 });
    const peak = summary?.peakCu ?? Math.max(0, ...points.map((p) => p.value));
    const series: Series[] = [{ key: `cu-${i}`, label: 'CU in use', color: '#3b7dd8', points, area: true }];
    const refs = q.capacity === null ? [] : [{ value: q.capacity, label: `capacity ${cu(q.capacity)} CU`, cls: 'capacity' }];
    const use =
      summary === undefined
        ? ''
        : `Peak ${cu(summary.peakCu)} CU${q.capacity !== null ? ` (${percent(summary.peakCu, q.capacity)})` : ''}, mean ${groupThousands(summary.meanCu, 1)} CU` +
          `${q.capacity !== null ? ` (${percent(summary.meanCu, q.capacity)})` : ''} of ${q.capacity === null ? 'an unlimited capacity' : `${cu(q.capacity)} CU`}.`;
    return (
      `<div class="queue-chart" data-queue="${i}"><h3>queue ${escapeHtml(q.name)}</h3><p class="sub">${escapeHtml(use)}</p>` +
      lineChart({
        id: `chart-queue-${i}`,
        label: `CU in use in queue ${q.name}`,
        series,
        horizon,
        yAxis: countAxis(Math.max(q.capacity ?? 0, peak) * 1.04),
        refs,
        height: 180,
      }) +
      `</div>`
    );
  });
  const waiting: Series[] = timeline.queues.map((q, i) => ({
    key: `waiting-${i}`,
    label: `queue ${q.name}`,
    color: queueColor(i),
    points: lastPerTime([{ time: 0, value: 0 }, ...q.samples.map((s) => ({ time: s.time, value: s.waiting }))]),
  }));
  const most = Math.max(0, ...waiting.flatMap((s) => s.points.map((p) => p.value)));
  const waitingChart =
    most === 0
      ? `<p class="empty" id="no-waiting">No request waited for capacity in any queue.</p>`
      : lineChart({ id: 'chart-waiting', label: 'Requests waiting for queue capacity', series: waiting, horizon, yAxis: countAxis(most), height: 200 });
  return (
    `<section id="queues"><h2>Queue capacity in use</h2><p class="sub">CU held by each queue's JobManagers and TaskManagers ` +
    `(a process takes the larger of its cores and its memory in GiB / 4) against the queue's capacity; queues never lend to each other.</p>` +
    charts.join('') +
    `${queuesTable(result)}</section>` +
    `<section id="waiting"><h2>Requests waiting for capacity</h2><p class="sub">Admissions of jobs and TaskManager requests of admitted jobs waiting in each queue.</p>` +
    waitingChart +
    `</section>`
  );
}

function queuesTable(result: WorkloadResult): string {
  const rows = result.queues.map((q) => {
    const jobs = result.jobs.filter((j) => j.queue === q.name);
    const meanWait = jobs.length > 0 ? jobs.reduce((s, j) => s + j.waited, 0) / jobs.length : null;
    return (
      `<tr><td class="name">${escapeHtml(q.name)}</td><td class="num">${q.capacity === null ? 'unlimited' : cu(q.capacity)}</td>` +
      `<td class="num">${cu(q.peakCu)}</td><td class="num">${percent(q.peakCu, q.capacity)}</td>` +
      `<td class="num">${cu(q.meanCu)}</td><td class="num">${percent(q.meanCu, q.capacity)}</td>` +
      `<td class="num">${groupThousands(jobs.length)}</td><td class="num">${escapeHtml(formatDuration(meanWait))}</td></tr>`
    );
  });
  return (
    `<div class="table-wrap"><table id="queues-table"><thead><tr><th>Queue</th><th class="num">Capacity CU</th><th class="num">Peak CU</th>` +
    `<th class="num">Peak use</th><th class="num">Mean CU</th><th class="num">Mean use</th><th class="num">Jobs</th><th class="num">Mean wait</th>` +
    `</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

// ---------------------------------------------------------------------------
// TaskManagers of all jobs

/**
 * The jobs' timelines as one, for the single-job Gantt chart: TaskManagers numbered across
 * the run in job order, and each attempt's vertex prefixed with its job, which picks its colour.
 */
function allTaskManagers(result: WorkloadResult, timeline: WorkloadTimeline): { merged: Timeline; colorOf: Map<string, number>; ranges: ([number, number] | null)[] } {
  const merged: Timeline = { attempts: [], taskManagers: [], samples: [], disk: [], resources: [], events: [] };
  const colorOf = new Map<string, number>();
  const ranges: ([number, number] | null)[] = [];
  let offset = 0;
  result.jobs.forEach((job, j) => {
    const t = timeline.jobs[j];
    let n = 0;
    for (const tm of t?.taskManagers ?? []) {
      merged.taskManagers.push({ ...tm, index: tm.index + offset });
      n = Math.max(n, tm.index + 1);
    }
    for (const a of t?.attempts ?? []) {
      const vertex = `${job.name} · ${a.vertex}`;
      colorOf.set(vertex, j);
      merged.attempts.push({ ...a, vertex, tm: a.tm + offset });
      n = Math.max(n, a.tm + 1);
    }
    ranges.push(n > 0 ? [offset, offset + n - 1] : null);
    offset += n;
  });
  return { merged, colorOf, ranges };
}

function taskManagerSection(result: WorkloadResult, timeline: WorkloadTimeline, horizon: number): string {
  const { merged, colorOf, ranges } = allTaskManagers(result, timeline);
  const g = gantt(merged, horizon, colorOf);
  const legend = result.jobs
    .map((j, i) => {
      const r = ranges[i];
      const tms = r === null ? 'no TaskManagers' : r[0] === r[1] ? `TM ${r[0]}` : `TMs ${r[0]}–${r[1]}`;
      return `<li data-v="${i}"><span class="swatch" style="background:${vertexColor(i)}"></span>${escapeHtml(j.name)}<span class="tms">${tms}</span></li>`;
    })
    .concat([
      ...(merged.attempts.some((a) => a.outcome === 'failed') ? [`<li class="key"><span class="swatch failed"></span>failed attempt</li>`] : []),
      ...(merged.attempts.some((a) => a.outcome === 'canceled') ? [`<li class="key"><span class="swatch canceled"></span>canceled attempt</li>`] : []),
      `<li class="key"><span class="swatch starting"></span>TaskManager starting</li>`,
      `<li class="key"><span class="swatch alive"></span>TaskManager alive</li>`,
      ...(merged.taskManagers.some((t) => t.endReason === 'lost') ? [`<li class="key"><span class="swatch lost"></span>TaskManager lost</li>`] : []),
    ])
    .join('');
  return (
    `<section id="timeline"><h2>TaskManagers of all jobs</h2>` +
    `<p class="sub">Each bar is one subtask attempt, coloured by its job. TaskManagers are numbered across the run, job after job ` +
    `(the legend gives each job's); hover a bar for details, a job for its bars.</p>` +
    `${g.svg}<ul class="legend" id="tm-legend">${legend}</ul>${g.note}</section>`
  );
}

// ---------------------------------------------------------------------------
// Summary and jobs table

function summarySection(result: WorkloadResult): string {
  const ok = result.status === 'FINISHED';
  const jobs = result.jobs;
  const by = (s: WorkloadJobResult['status']): number => jobs.filter((j) => j.status === s).length;
  const unit = (text: string): string => ` <span class="unit">${text}</span>`;
  const amount = (n: number): string => groupThousands(n, Math.abs(n) >= 100 ? 0 : 1);
  const card = (label: string, value: string, sub = ''): string =>
    `<div class="card"><div class="card-label">${label}</div><div class="card-value">${value}</div>${sub ? `<div class="card-sub">${sub}</div>` : ''}</div>`;
  const longest = jobs.reduce<WorkloadJobResult | null>((m, j) => (m === null || j.waited > m.waited ? j : m), null);
  const meanWait = jobs.length > 0 ? jobs.reduce((s, j) => s + j.waited, 0) / jobs.length : 0;
  const counts = [`${groupThousands(by('FINISHED'))} finished`, ...(by('FAILED') > 0 ? [`${groupThousands(by('FAILED'))} failed`] : []), ...(by('SKIPPED') > 0 ? [`${groupThousands(by('SKIPPED'))} skipped`] : [])];
  const cards = [
    card('Status', `<span class="status ${ok ? 'ok' : 'bad'}" id="status">${escapeHtml(result.status)}</span>`, ok ? 'every job finished' : 'not every job finished'),
    card('Makespan', escapeHtml(formatDuration(result.makespan)), 'to the end of the last job'),
    card('Jobs', groupThousands(jobs.length), counts.join(' · ')),
    card(
      'Waited for capacity',
      `${escapeHtml(formatDuration(meanWait))}${unit('mean')}`,
      longest !== null && longest.waited > 0 ? `per job · longest ${escapeHtml(formatDuration(longest.waited))}: ${escapeHtml(longest.name)}` : 'no request waited',
    ),
    card('Cost', `${amount(result.cost.coreSeconds)}${unit('core·s')}`, `${amount(result.cost.gibSeconds)} GiB·s of memory, all jobs`),
    card('Queues', groupThousands(result.queues.length), result.queues.map((q) => `${escapeHtml(q.name)} ${q.capacity === null ? 'unlimited' : `${cu(q.capacity)} CU`}`).join(' · ')),
  ];
  const unfinished = jobs.filter((j) => j.status !== 'FINISHED');
  const causes =
    unfinished.length > 0
      ? `<div class="cause" id="failure-causes"><strong>Not finished:</strong><ul>${unfinished
          .slice(0, 50)
          .map((j) => `<li><strong>${escapeHtml(j.name)}</strong> ${escapeHtml(j.status)}${j.failureCause !== undefined ? `: ${escapeHtml(j.failureCause)}` : ''}</li>`)
          .join('')}${unfinished.length > 50 ? `<li>… and ${groupThousands(unfinished.length - 50)} more (see the jobs table)</li>` : ''}</ul></div>`
      : '';
  const warnings = result.warnings.length
    ? `<div class="warnings"><h3>Warnings</h3><ul>${result.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></div>`
    : '';
  return `<section id="summary"><div class="cards">${cards.join('')}</div>${causes}${warnings}</section>`;
}

function jobsTable(result: WorkloadResult): string {
  const shown = result.jobs.slice(0, JOBS_TABLE_MAX_ROWS);
  // Priorities matter only where some job has one: otherwise a column of zeros.
  const priorities = result.jobs.some((j) => j.priority !== 0);
  const num = (n: number | null, text: string): string => `<td class="num"${n === null ? '' : ` title="${escapeHtml(String(n))}"`}>${escapeHtml(text)}</td>`;
  const rows = shown.map((j, i) => {
    return (
      `<tr data-v="${i}"><td class="name"><span class="swatch" style="background:${vertexColor(i)}"></span>${escapeHtml(j.name)}</td>` +
      `<td>${escapeHtml(j.queue)}</td>${priorities ? num(j.priority, String(j.priority)) : ''}` +
      `<td><span class="pill ${j.status.toLowerCase()}">${escapeHtml(j.status)}</span></td>` +
      num(j.submitted, formatDuration(j.submitted)) +
      num(j.started, formatDuration(j.started)) +
      num(j.waited, formatDuration(j.waited)) +
      num(j.end, formatDuration(j.end)) +
      num(j.makespan, formatDuration(j.makespan)) +
      num(j.taskManagers.created, groupThousands(j.taskManagers.created)) +
      num(j.restarts, groupThousands(j.restarts)) +
      num(j.cost.coreSeconds, groupThousands(j.cost.coreSeconds, 1)) +
      `</tr>` +
      // The cause under its job, across the row: in a column of its own it would squeeze the table.
      (j.failureCause === undefined ? '' : `<tr class="cause-row" data-v="${i}"><td></td><td colspan="${priorities ? 11 : 10}" class="cause-cell">${escapeHtml(j.failureCause)}</td></tr>`)
    );
  });
  const more =
    result.jobs.length > shown.length ? `<p class="note">The first ${groupThousands(shown.length)} of ${groupThousands(result.jobs.length)} jobs are listed.</p>` : '';
  return (
    `<div class="table-wrap"><table id="jobs-table"><thead><tr><th>Job</th><th>Queue</th>${priorities ? '<th class="num">Priority</th>' : ''}<th>Status</th>` +
    `<th class="num">Submitted</th><th class="num">Started</th><th class="num" title="Seconds its requests for queue capacity waited, summed">Waited</th>` +
    `<th class="num">End</th><th class="num" title="From its submission to its end">Makespan</th><th class="num">TMs</th><th class="num">Restarts</th>` +
    `<th class="num">Cost core·s</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}`
  );
}

// ---------------------------------------------------------------------------
// The page

/** The page's stylesheet and its job-highlight script: files in assets/. */
const style = (): string => `\n${pageAsset('workload-report.css')}\n`;
const script = (): string => pageAsset('workload-highlight.js');

/**
 * Renders a multi-job run as one self-contained HTML page (inline CSS, inline SVG, a small
 * inline script, a Content-Security-Policy that allows nothing else).
 *
 * The page shows the run's status, makespan, jobs, waiting and cost; a Gantt chart of the
 * jobs by queue (`svg#jobs-gantt g.job[data-v][data-status]`: a hatched bar while the job
 * waited for admission, then a bar coloured by status while it ran, a diamond for a job
 * that never ran); each queue's CU in use against its capacity; the requests waiting in
 * each queue; the Gantt chart of every job's TaskManagers and slots, attempts coloured by
 * job (`svg#gantt rect.attempt`); the queues and jobs tables. The result is embedded as
 * JSON in `<script type="application/json" id="batchsim-result">`. Every string from the
 * scenario is HTML-escaped; large runs are sampled, and the page says so.
 */
export function renderWorkloadHtmlReport(result: WorkloadResult, timeline: WorkloadTimeline, opts: WorkloadHtmlReportOptions = {}): string {
  const title = opts.title ?? `batchsim · ${result.scenario}`;
  let horizon = Number.isFinite(result.makespan) ? result.makespan : 0;
  for (const j of result.jobs) horizon = Math.max(horizon, j.end);
  for (const q of timeline.queues) for (const s of q.samples) horizon = Math.max(horizon, s.time);
  if (!(horizon > 0)) horizon = 1;

  const jg = jobsGantt(result, horizon);
  // Keys of what the chart shows only: a key for something absent would send the eye looking for it.
  const jobs = result.jobs;
  const jobsLegend = [
    ...(jobs.some((j) => (j.started ?? j.end) > j.submitted) ? [`<li class="key"><span class="swatch wait"></span>waiting for admission to its queue</li>`] : []),
    ...(jobs.some((j) => j.status === 'FINISHED') ? [`<li class="key"><span class="swatch" style="background:${STATUS_COLOR.FINISHED}"></span>running, finished</li>`] : []),
    ...(jobs.some((j) => j.status === 'FAILED' && j.started !== null) ? [`<li class="key"><span class="swatch" style="background:${STATUS_COLOR.FAILED}"></span>running, failed</li>`] : []),
    ...(jobs.some((j) => j.status === 'FAILED' && j.started === null) ? [`<li class="key"><span class="swatch mark" style="background:${STATUS_COLOR.FAILED}"></span>never admitted</li>`] : []),
    ...(jobs.some((j) => j.status === 'SKIPPED') ? [`<li class="key"><span class="swatch mark" style="background:${STATUS_COLOR.SKIPPED}"></span>skipped (a job it comes after failed)</li>`] : []),
  ].join('');
  const scriptHash = createHash('sha256').update(script(), 'utf8').digest('base64');
  return `${pageHead(title, style(), `'sha256-${scriptHash}'`)}
<body>
<main>
<header><h1 id="title">${escapeHtml(title)}</h1>
<p class="meta">Scenario <strong id="scenario-name">${escapeHtml(result.scenario)}</strong> · seed ${escapeHtml(String(result.seed))} · ${plural(result.jobs.length, 'job')} · ${plural(result.queues.length, 'queue')}</p></header>
${summarySection(result)}
<section id="jobs"><h2>Jobs by queue</h2>
<p class="sub">Each job from its submission to its end: hatched while it waited to be admitted to its queue (room for its JobManager and one TaskManager), then coloured by how it ended. Hover a job for its times.</p>
${jg.svg}
<ul class="legend" id="jobs-legend">${jobsLegend}</ul>
${jg.note}
</section>
${queueSection(result, timeline, horizon)}
${taskManagerSection(result, timeline, horizon)}
<section id="jobs-list"><h2>Jobs</h2><p class="sub">Waited: seconds its requests for queue capacity (admission and TaskManagers) waited, summed. Makespan: from its submission to its end.</p>
${jobsTable(result)}
</section>
<footer>Generated by batchsim. Times are seconds from the start of the run; CU = max(cores, memory GiB / 4) per process.</footer>
</main>
<script type="application/json" id="batchsim-result">${jsonForScript(result)}</script>
<script>${script()}</script>
</body>
</html>
`;
}
