//! A multi-job comparison as text (the table `batchsim compare` prints for a `jobs:` scenario), CSV, a JSON document and a self-contained HTML page.

import type { ComparedWorkloadChoice, JobStats, WorkloadComparison } from '../compare/workload-aggregate.js';
import { formatMaxSlots } from '../compare/grid.js';
import { formatCapacity, type SweptAxis } from '../compare/workload-grid.js';
import { formatDuration } from '../util/format.js';
import { barChart, costChart, marks, TIME_AXIS, wrap } from './compare-report.js';
import { escapeHtml, jsonForScript, pageAsset, pageHead, vertexColor } from './html-page.js';
import { table } from './summary.js';

/** How each statistic is computed, said once for the table's footnote, the JSON and the page. */
export const WORKLOAD_STATISTICS_NOTE =
  'job makespan (submission to end): median (p50) and 95th percentile (nearest rank) over every job of every seed; ' +
  'mean wait: the mean over those jobs of the seconds their requests for queue capacity waited (summed over a job\'s requests); ' +
  'SKIPPED jobs never ran and count only as skipped. all done: median over the seeds of the end of the last job. ' +
  'finished / failed / skipped: jobs over all seeds. core-s, GiB-s: median over the seeds of all jobs together. ' +
  'queue CU: largest peak over the seeds / mean over the seeds of the time-weighted mean. ' +
  'fastest: lowest job makespan p50 (then p95, then mean wait); cheapest: lowest median core-seconds; both among choices where every job finished in every run.';

/** Above this many entries the per-job rows are left to the JSON. */
export const PER_JOB_MAX_ENTRIES = 12;

const oneDecimal = (n: number): string => n.toFixed(1);
const seconds = (n: number | null): string => (n === null ? '-' : `${oneDecimal(n)} s`);
/** A peak in CU with at most one decimal (`51`, `1.5`) and a mean with one (`3.0`): `51 / 3.0`. */
const peakAndMean = (peak: number, mean: number): string => `${Math.round(peak * 10) / 10} / ${mean.toFixed(1)}`;

/** A swept axis's column header. */
function axisHeader(axis: SweptAxis, queueCount: number): string {
  if (axis.kind === 'maxSlots') return 'max slots';
  if (!axis.everyQueue) return `${axis.queues[0]} capacity`;
  return axis.queues.length === queueCount ? 'capacity' : 'other queues capacity';
}

/** A swept value as a table cell. */
function axisValue(axis: SweptAxis, v: number): string {
  return axis.kind === 'maxSlots' ? formatMaxSlots(v) : Number.isFinite(v) ? `${formatCapacity(v)} CU` : 'unlimited';
}

/** A choice's swept values alone, for a chart row: `32 CU · max 8`. */
function shortLabel(c: WorkloadComparison, ch: ComparedWorkloadChoice): string {
  if (c.swept.length === 0) return ch.label;
  return c.swept
    .map((axis, i) => {
      const v = ch.values[i];
      if (axis.kind === 'maxSlots') return `max ${formatMaxSlots(v)}`;
      const value = axisValue(axis, v);
      return axis.everyQueue && axis.queues.length === c.queues.length ? value : `${axis.everyQueue ? 'others' : axis.queues[0]} ${value}`;
    })
    .join(' · ');
}

/** Settings columns: the swept axes, or one column saying the scenario runs as written. */
function settingHeaders(c: WorkloadComparison): string[] {
  return c.swept.length === 0 ? ['choice'] : c.swept.map((a) => axisHeader(a, c.queues.length));
}

function settingCells(c: WorkloadComparison, ch: ComparedWorkloadChoice): string[] {
  return c.swept.length === 0 ? [ch.label] : c.swept.map((a, i) => axisValue(a, ch.values[i]));
}

/**
 * The slot caps the scenario gives its jobs, grouped by value: `max slots 16 (clean, enrich),
 * unlimited (3 jobs)`, or one value for every job.
 */
export function slotCapsText(entries: WorkloadComparison['entries']): string {
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const key = [...new Set(e.maxSlots)].map(formatMaxSlots).join('/');
    groups.set(key, [...(groups.get(key) ?? []), e.name]);
  }
  if (groups.size === 1) return `max slots ${[...groups.keys()][0]} for every job`;
  const parts = [...groups].map(([v, names]) => `${v} (${names.length > 3 ? `${names.length} jobs` : names.join(', ')})`);
  return `max slots per job: ${parts.join(', ')}`;
}

/** What the scenario fixes that no flag sweeps: the other queues' capacities and the jobs' own slot caps. */
function fixedText(c: WorkloadComparison): string[] {
  const sweptQueues = new Set(c.swept.flatMap((a) => a.queues));
  const fixedQueues = c.queues.filter((q) => !sweptQueues.has(q.name));
  const out: string[] = [];
  if (fixedQueues.length > 0) out.push(`queue ${fixedQueues.map((q) => `${q.name} ${formatCapacity(q.capacityCu)}${Number.isFinite(q.capacityCu) ? ' CU' : ''}`).join(', ')}`);
  if (!c.swept.some((a) => a.kind === 'maxSlots')) out.push(slotCapsText(c.entries));
  return out;
}

function heading(c: WorkloadComparison): string[] {
  const n = c.seeds.length;
  const seeds = n === 1 ? String(c.seeds[0]) : `${c.seeds[0]}..${c.seeds[n - 1]}`;
  const q = c.queues.length;
  const lines = [
    `${c.scenario}: ${c.choices.length} choice${c.choices.length === 1 ? '' : 's'} x ${n} seed${n === 1 ? '' : 's'} (${seeds}), ` +
      `${c.jobCount} job${c.jobCount === 1 ? '' : 's'} in ${q} queue${q === 1 ? '' : 's'}`,
  ];
  const fixed = fixedText(c);
  if (fixed.length > 0) lines.push(`as in the scenario: ${fixed.join('; ')}`);
  if (c.swept.some((a) => a.kind === 'maxSlots')) lines.push('--max-slots replaces every job\'s own slotmanager.number-of-slots.max');
  return lines;
}

const STAT_HEADERS = ['job makespan p50', 'p95', 'mean wait', 'all done p50', 'finished', 'failed', 'skipped', 'core-s', 'GiB-s'];

function statCells(s: JobStats): string[] {
  return [seconds(s.makespanP50), seconds(s.makespanP95), seconds(s.meanWait)];
}

function countCells(s: JobStats): string[] {
  return [String(s.finished), String(s.failed), String(s.skipped)];
}

/** The lines naming the choices where a job did not finish, with the first cause. */
function failureLines(c: WorkloadComparison): string[] {
  return c.choices
    .filter((ch) => ch.stats.failed > 0)
    .map((ch) => {
      const cause = ch.runs.find((r) => r.failureCause !== null)?.failureCause ?? 'a job it comes after failed';
      return `${ch.label}: ${ch.stats.failed} of ${ch.stats.runs} runs had a job that did not finish; first cause: ${cause}`;
    });
}

/** Options of {@link formatWorkloadCompareTable}. */
export interface WorkloadTableOptions {
  /** Wraps the mark words in ANSI colour (only for a terminal, and never with NO_COLOR). */
  color?: boolean;
}

/**
 * The comparison as plain text: a heading, one row per choice, the fastest and cheapest
 * marked in words; then, for a scenario of a few entries, one row per choice and entry;
 * and a footnote on how each statistic is computed. Holds no timing of the comparison itself.
 */
export function formatWorkloadCompareTable(c: WorkloadComparison, opts: WorkloadTableOptions = {}): string {
  const settings = settingHeaders(c);
  const queueHeaders = c.queues.map((q) => `${q.name} CU peak/mean`);
  const header = [...settings, ...STAT_HEADERS, ...queueHeaders, ''];
  const rows = [header];
  for (const ch of c.choices) {
    const s = ch.stats;
    rows.push([
      ...settingCells(c, ch),
      ...statCells(s.jobs),
      seconds(s.lastEndMedian),
      ...countCells(s.jobs),
      oneDecimal(s.coreSecondsMedian),
      oneDecimal(s.gibSecondsMedian),
      ...s.queues.map((q) => peakAndMean(q.peakCuMax, q.meanCuMean)),
      marks(ch).join(', '),
    ]);
  }
  const right = new Set<number>();
  for (let i = 0; i < header.length - 1; i++) right.add(i);
  let lines = table(rows, right).split('\n');
  if (opts.color === true) lines = lines.map((l, i) => (i === 0 ? l : l.replace(/\b(fastest|cheapest)\b/g, '\x1b[1;32m$1\x1b[0m')));
  const out = [...heading(c), '', ...lines, ''];
  const failures = failureLines(c);
  out.push(...failures);
  if (c.choices.every((ch) => ch.stats.failed > 0)) out.push('every choice had a job that did not finish: none is marked fastest or cheapest');
  if (failures.length > 0) out.push('');
  if (c.entries.length > 1 && c.entries.length <= PER_JOB_MAX_ENTRIES) {
    out.push('per job (the jobs of a schedule or an arrival process together):', '');
    const perHeader = [...settings, 'job', 'makespan p50', 'p95', 'mean wait', 'finished', 'failed', 'skipped'];
    const perRows = [perHeader];
    for (const ch of c.choices) {
      ch.stats.perJob.forEach((j, k) => {
        // The settings once per choice, so the rows of a choice read as a block.
        perRows.push([...(k === 0 ? settingCells(c, ch) : settings.map(() => '')), j.name, ...statCells(j), ...countCells(j)]);
      });
    }
    const perRight = new Set<number>();
    perHeader.forEach((_, i) => {
      if (i !== settings.length) perRight.add(i);
    });
    out.push(...table(perRows, perRight).split('\n'), '');
  }
  out.push(...wrap(WORKLOAD_STATISTICS_NOTE, 100));
  return `${out.join('\n')}\n`;
}

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
function csvField(v: string | number | boolean): string {
  const s = typeof v === 'number' && !Number.isFinite(v) ? 'inf' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const nullable = (n: number | null): string | number => (n === null ? '' : n);

/**
 * One row per choice: its capacity per queue and slot cap (`own` when each job keeps its
 * own; `inf` for unlimited), every statistic in seconds, CU and core-seconds, and the marks.
 * Column names hold the queues' names (`queue:etl:capacity_cu`).
 */
export function workloadCompareCsv(c: WorkloadComparison): string {
  const header = [
    'choice',
    'label',
    ...c.queues.map((q) => `queue:${q.name}:capacity_cu`),
    'max_slots',
    'runs',
    'runs_with_unfinished_jobs',
    'jobs_finished',
    'jobs_failed',
    'jobs_skipped',
    'job_makespan_p50_s',
    'job_makespan_p95_s',
    'mean_wait_s',
    'all_done_median_s',
    'core_seconds_median',
    'gib_seconds_median',
    ...c.queues.flatMap((q) => [`queue:${q.name}:peak_cu_max`, `queue:${q.name}:mean_cu_mean`]),
    'fastest',
    'cheapest',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const ch of c.choices) {
    const s = ch.stats;
    lines.push(
      [
        ch.index,
        ch.label,
        ...ch.queues.map((q) => q.capacityCu),
        ch.maxSlots === null ? 'own' : ch.maxSlots,
        s.runs,
        s.failed,
        s.jobs.finished,
        s.jobs.failed,
        s.jobs.skipped,
        nullable(s.jobs.makespanP50),
        nullable(s.jobs.makespanP95),
        nullable(s.jobs.meanWait),
        s.lastEndMedian,
        s.coreSecondsMedian,
        s.gibSecondsMedian,
        ...s.queues.flatMap((q) => [q.peakCuMax, q.meanCuMean]),
        s.fastest,
        s.cheapest,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A capacity as `run --json` writes a queue's: CU, or null when unlimited. */
const capacityJson = (n: number): number | null => (Number.isFinite(n) ? n : null);

function jobStatsJson(s: JobStats): Record<string, unknown> {
  return {
    makespan: { p50: s.makespanP50, p95: s.makespanP95 },
    waited: { mean: s.meanWait },
    finished: s.finished,
    failed: s.failed,
    skipped: s.skipped,
  };
}

function sweptJson(a: SweptAxis): Record<string, unknown> {
  if (a.kind === 'maxSlots') return { option: '--max-slots', values: a.values.map((v) => (Number.isFinite(v) ? v : 'unlimited')) };
  return { option: '--queue-capacity', queues: a.queues, everyQueue: a.everyQueue, values: a.values.map(capacityJson) };
}

/**
 * The comparison as one JSON-ready object: scenario, seeds, swept flags, the scenario's
 * queues, how the statistics are computed, and per choice its settings (every queue's
 * capacity, null when unlimited; `maxSlots` only when swept, `"unlimited"` for no cap), its
 * statistics under the names `run --json` gives the quantities, the per-job statistics,
 * the marks and every run's numbers. Nothing about threads or wall time.
 */
export function workloadCompareJson(c: WorkloadComparison): Record<string, unknown> {
  return {
    scenario: c.scenario,
    file: c.file,
    seeds: c.seeds,
    swept: c.swept.map(sweptJson),
    queues: c.queues.map((q) => ({ name: q.name, capacity: capacityJson(q.capacityCu) })),
    jobsPerRun: c.jobCount,
    statistics: WORKLOAD_STATISTICS_NOTE,
    choices: c.choices.map((ch) => ({
      choice: ch.index,
      label: ch.label,
      settings: {
        queues: ch.queues.map((q) => ({ name: q.name, capacity: capacityJson(q.capacityCu) })),
        ...(ch.maxSlots !== null && { maxSlots: Number.isFinite(ch.maxSlots) ? ch.maxSlots : 'unlimited' }),
      },
      failed: ch.stats.failed,
      jobs: jobStatsJson(ch.stats.jobs),
      makespan: { median: ch.stats.lastEndMedian },
      cost: { coreSeconds: { median: ch.stats.coreSecondsMedian }, gibSeconds: { median: ch.stats.gibSecondsMedian } },
      queues: ch.stats.queues.map((q) => ({ name: q.name, capacity: capacityJson(q.capacity), peakCu: { max: q.peakCuMax }, meanCu: { mean: q.meanCuMean } })),
      perJob: ch.stats.perJob.map((j) => ({ name: j.name, ...jobStatsJson(j) })),
      fastest: ch.stats.fastest,
      cheapest: ch.stats.cheapest,
      runs: ch.runs.map((r) => ({
        seed: r.seed,
        status: r.status,
        failureCause: r.failureCause,
        makespan: r.makespan,
        cost: { coreSeconds: r.coreSeconds, gibSeconds: r.gibSeconds },
        jobs: r.jobs,
        queues: r.queues.map((q, i) => ({ name: c.queues[i].name, peakCu: q.peakCu, meanCu: q.meanCu })),
      })),
    })),
  };
}

// ---------------------------------------------------------------------------
// HTML (compare's stylesheet, assets/compare-report.css, and these few rules)

const EXTRA_STYLE = `
#compare-table th,#compare-table td{padding:6px 6px}
#compare-table td.choice{min-width:140px}
tr.first td{border-top:2px solid var(--line)}
td.job{font-weight:560}
`;

function htmlTable(c: WorkloadComparison): string {
  // The three job counts share a cell, so the table fits the page beside the choice's label.
  const headers = ['job makespan p50', 'p95', 'mean wait', 'all done p50', 'jobs finished / failed / skipped', 'core-s', 'GiB-s', ...c.queues.map((q) => `${q.name} CU peak / mean`)];
  const head = ['<th>choice</th>', ...headers.map((h) => `<th class="num">${escapeHtml(h)}</th>`), '<th></th>'].join('');
  const num = (v: string, cls = 'num') => `<td class="${cls}">${escapeHtml(v)}</td>`;
  const body = c.choices
    .map((ch) => {
      const s = ch.stats;
      return (
        `<tr data-choice="${ch.index}"${s.failed > 0 ? ' class="has-failed"' : ''}>` +
        `<td class="choice"><span class="swatch" style="background:${vertexColor(ch.index)}"></span>${escapeHtml(ch.label)}</td>` +
        num(formatDuration(s.jobs.makespanP50)) +
        num(formatDuration(s.jobs.makespanP95)) +
        num(formatDuration(s.jobs.meanWait)) +
        num(formatDuration(s.lastEndMedian)) +
        num(`${s.jobs.finished} / ${s.jobs.failed} / ${s.jobs.skipped}`, s.jobs.failed + s.jobs.skipped > 0 ? 'num failed' : 'num') +
        num(oneDecimal(s.coreSecondsMedian)) +
        num(oneDecimal(s.gibSecondsMedian)) +
        s.queues.map((q) => num(peakAndMean(q.peakCuMax, q.meanCuMean))).join('') +
        `<td class="marks">${marks(ch)
          .map((m) => `<span class="mark">${m}</span>`)
          .join('')}</td></tr>`
      );
    })
    .join('');
  return `<div class="table-wrap"><table id="compare-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function htmlPerJob(c: WorkloadComparison): string {
  const head = ['<th>choice</th>', '<th>job</th>', ...['makespan p50', 'p95', 'mean wait', 'finished', 'failed', 'skipped'].map((h) => `<th class="num">${h}</th>`)].join('');
  const body = c.choices
    .flatMap((ch) =>
      ch.stats.perJob.map(
        (j, k) =>
          `<tr data-choice="${ch.index}" data-job="${escapeHtml(j.name)}"${k === 0 ? ' class="first"' : ''}>` +
          `<td class="choice">${k === 0 ? `<span class="swatch" style="background:${vertexColor(ch.index)}"></span>${escapeHtml(ch.label)}` : ''}</td>` +
          `<td class="job">${escapeHtml(j.name)}</td>` +
          [formatDuration(j.makespanP50), formatDuration(j.makespanP95), formatDuration(j.meanWait), String(j.finished), String(j.failed), String(j.skipped)]
            .map((v) => `<td class="num">${escapeHtml(v)}</td>`)
            .join('') +
          '</tr>',
      ),
    )
    .join('');
  return `<div class="table-wrap"><table id="per-job-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * The comparison as one self-contained HTML page (inline CSS and SVG, no script, no
 * network): the table with the marks, the per-job table for a scenario of a few entries,
 * and bar charts of the jobs' makespan (p50, whisker to p95), their mean wait and the
 * median core-seconds, one bar per choice, drawn as the single-job comparison draws them.
 * Every string from the scenario is HTML-escaped. The comparison is embedded as JSON in
 * `<script type="application/json" id="batchsim-compare">` for tools.
 */
export function renderWorkloadCompareHtml(c: WorkloadComparison): string {
  const title = `batchsim compare · ${c.scenario}`;
  const n = c.seeds.length;
  const short = (ch: ComparedWorkloadChoice) => shortLabel(c, ch);
  const makespan = barChart(c, {
    id: 'chart-makespan',
    title: "Jobs' makespan per choice: median with a whisker to the 95th percentile",
    unit: '',
    value: (ch) => ch.stats.jobs.makespanP50 ?? 0,
    whisker: (ch) => ch.stats.jobs.makespanP95 ?? 0,
    short,
    ...TIME_AXIS,
  });
  const wait = barChart(c, {
    id: 'chart-wait',
    title: "Jobs' mean wait for queue capacity per choice",
    unit: '',
    value: (ch) => ch.stats.jobs.meanWait ?? 0,
    short,
    ...TIME_AXIS,
  });
  const cost = costChart(c, short);
  const failures = failureLines(c).map((l) => `<li>${escapeHtml(l)}</li>`);
  const fixed = fixedText(c);
  const perJob = c.entries.length > 1 && c.entries.length <= PER_JOB_MAX_ENTRIES;
  return `${pageHead(title, pageAsset('compare-report.css') + EXTRA_STYLE)}
<body>
<main>
<header><h1>Comparing queue choices for <span id="scenario-name">${escapeHtml(c.scenario)}</span></h1>
<p class="meta">${escapeHtml(c.file)} · ${c.choices.length} choice${c.choices.length === 1 ? '' : 's'} × ${n} seed${n === 1 ? '' : 's'} (${escapeHtml(n === 1 ? String(c.seeds[0]) : `${c.seeds[0]} to ${c.seeds[n - 1]}`)}) · ${c.jobCount} jobs in ${c.queues.length} queue${c.queues.length === 1 ? '' : 's'}${fixed.length > 0 ? ` · as in the scenario: ${escapeHtml(fixed.join('; '))}` : ''}${c.swept.some((a) => a.kind === 'maxSlots') ? ' · --max-slots replaces every job’s own slot cap' : ''}</p></header>
<section id="table"><h2>Choices side by side</h2>
${htmlTable(c)}
${failures.length > 0 ? `<ul class="causes">${failures.join('')}</ul>` : ''}
<p class="note">${escapeHtml(WORKLOAD_STATISTICS_NOTE)}</p>
</section>
${perJob ? `<section id="per-job"><h2>Per job</h2><p class="sub">The jobs of a schedule or an arrival process together, over every seed.</p>\n${htmlPerJob(c)}\n</section>\n` : ''}<section id="charts"><div class="charts">
<div><h2>Jobs' makespan</h2><p class="sub">Median over every job of every seed; the whisker reaches the 95th percentile. Hatched red: some job did not finish.</p>${makespan}</div>
<div><h2>Waiting for the queue</h2><p class="sub">Mean seconds a job's requests for queue capacity waited (admission and TaskManagers).</p>${wait}</div>
<div><h2>Cost</h2><p class="sub">Median core-seconds of every job's TaskManagers and JobManager.</p>${cost}</div>
</div></section>
<footer>Generated by batchsim compare. Times are seconds; a job's makespan runs from its submission to its end.</footer>
</main>
<script type="application/json" id="batchsim-compare">${jsonForScript(workloadCompareJson(c))}</script>
</body>
</html>
`;
}
