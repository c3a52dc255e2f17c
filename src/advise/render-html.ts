//! The answer of `batchsim advise` as one self-contained HTML page: the recommendation against the scenario as written, the block to paste, the reasons and a chart of the Pareto front.

import { escapeHtml, jsonForScript, pageAsset, pageHead } from '../report/html-page.js';
import { formatDuration } from '../util/format.js';
import { settingsBlock, type Advice, type AdvisedSetting } from './advise.js';
import { adviceJson } from './render-json.js';
import { changesLabel, comparisonRows, costChange, failedLines, goalText, percentileName } from './render-text.js';
import { SETTINGS } from './space.js';

/** The compare page's stylesheet, and what this page adds to it. */
const style = (): string => `${pageAsset('compare-report.css')}
pre.block{background:#f5f6f8;border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:12px 0 0;font-size:13px;overflow-x:auto}
.verdict{font-size:15px;margin:0 0 12px}
.verdict.missed{color:var(--bad)}
ul.reasons{margin:0;padding-left:18px}
ul.reasons li{margin:0 0 6px;overflow-wrap:anywhere}
circle.point{fill:#b8c0cc}
circle.front{fill:#4c78a8}
circle.chosen{fill:var(--ok);stroke:#fff;stroke-width:2}
path.as-written{fill:none;stroke:#e45756;stroke-width:2.5}
polyline.front{fill:none;stroke:#4c78a8;stroke-width:1.5}
line.limit{stroke:var(--bad);stroke-dasharray:5 4;stroke-width:1.3}
text.limit{fill:var(--bad)!important}
.legend{color:var(--muted);font-size:12.5px;margin:8px 0 0}
.legend span{margin-right:16px;white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
`;

/** A step of 1, 2 or 5 times a power of ten that gives about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

const c2 = (n: number): string => String(Math.round(n * 100) / 100);

/** Axis bounds with some room, on ticks. */
function axis(values: number[]): { lo: number; hi: number; step: number } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min > 0 ? max - min : Math.max(1, Math.abs(max) * 0.1);
  const step = niceStep(span, 5);
  return { lo: Math.max(0, Math.floor((min - span * 0.05) / step) * step), hi: Math.ceil((max + span * 0.05) / step) * step, step };
}

/**
 * Makespan against cost, one dot per setting run on every seed: grey, or blue on the Pareto
 * front (joined by a line); the recommendation (or the fastest) green; the scenario as
 * written a red ring; the deadline and the budget dashed red lines.
 */
function frontChart(a: Advice): string {
  const shown = a.recommendation ?? a.fastest;
  const points = a.complete.filter((x) => x.stats.failed === 0);
  const all = [...points, a.asWritten];
  const xs = all.map((p) => p.stats.costMedian).concat(a.goal.budget !== undefined ? [a.goal.budget] : []);
  const ys = all.map((p) => p.stats.makespanPercentile).concat(a.goal.deadline !== undefined ? [a.goal.deadline] : []);
  const ax = axis(xs);
  const ay = axis(ys);
  const left = 70;
  const right = 20;
  const top = 14;
  const plotW = 880;
  const plotH = 380;
  const w = left + plotW + right;
  const h = top + plotH + 44;
  const x = (v: number) => left + ((v - ax.lo) / (ax.hi - ax.lo)) * plotW;
  const y = (v: number) => top + plotH - ((v - ay.lo) / (ay.hi - ay.lo)) * plotH;
  const parts: string[] = [];
  const grid: string[] = [];
  for (let k = 0; ax.lo + k * ax.step <= ax.hi + ax.step / 2; k++) {
    const v = ax.lo + k * ax.step;
    grid.push(`<line x1="${c2(x(v))}" y1="${top}" x2="${c2(x(v))}" y2="${top + plotH}"/>`);
    parts.push(`<text x="${c2(x(v))}" y="${top + plotH + 16}" text-anchor="middle">${escapeHtml(String(Math.round(v)))}</text>`);
  }
  for (let k = 0; ay.lo + k * ay.step <= ay.hi + ay.step / 2; k++) {
    const v = ay.lo + k * ay.step;
    grid.push(`<line x1="${left}" y1="${c2(y(v))}" x2="${left + plotW}" y2="${c2(y(v))}"/>`);
    parts.push(`<text x="${left - 6}" y="${c2(y(v) + 4)}" text-anchor="end">${escapeHtml(formatDuration(v))}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${h - 4}" text-anchor="middle">cost, CU-seconds (median)</text>`);
  const onFront = new Set(a.front);
  const tip = (p: AdvisedSetting) => `${changesLabel(p)}: ${formatDuration(p.stats.makespanPercentile)} ${percentileName(a.goal.percentile)}, ${p.stats.costMedian.toFixed(1)} CU-s`;
  const dots = points
    .filter((p) => !onFront.has(p))
    .map((p) => `<circle class="point" cx="${c2(x(p.stats.costMedian))}" cy="${c2(y(p.stats.makespanPercentile))}" r="4"><title>${escapeHtml(tip(p))}</title></circle>`);
  const line = `<polyline class="front" points="${a.front.map((p) => `${c2(x(p.stats.costMedian))},${c2(y(p.stats.makespanPercentile))}`).join(' ')}"/>`;
  const frontDots = a.front.map(
    (p) => `<circle class="front" cx="${c2(x(p.stats.costMedian))}" cy="${c2(y(p.stats.makespanPercentile))}" r="5"><title>${escapeHtml(tip(p))}</title></circle>`,
  );
  const limits: string[] = [];
  if (a.goal.deadline !== undefined) {
    const yy = c2(y(a.goal.deadline));
    limits.push(`<line class="limit" x1="${left}" y1="${yy}" x2="${left + plotW}" y2="${yy}"/><text class="limit" x="${left + plotW - 4}" y="${c2(y(a.goal.deadline) - 5)}" text-anchor="end">deadline ${escapeHtml(formatDuration(a.goal.deadline))}</text>`);
  }
  if (a.goal.budget !== undefined) {
    const xx = c2(x(a.goal.budget));
    limits.push(`<line class="limit" x1="${xx}" y1="${top}" x2="${xx}" y2="${top + plotH}"/><text class="limit" x="${c2(x(a.goal.budget) + 4)}" y="${top + 12}">budget</text>`);
  }
  const aw = a.asWritten;
  const awX = x(aw.stats.costMedian);
  const awY = y(aw.stats.makespanPercentile);
  const asWritten = `<path class="as-written" d="M${c2(awX - 7)},${c2(awY)} L${c2(awX)},${c2(awY - 7)} L${c2(awX + 7)},${c2(awY)} L${c2(awX)},${c2(awY + 7)} Z"><title>${escapeHtml(`as written: ${formatDuration(aw.stats.makespanPercentile)}, ${aw.stats.costMedian.toFixed(1)} CU-s`)}</title></path>`;
  const chosen =
    shown === null
      ? ''
      : `<circle class="chosen" cx="${c2(x(shown.stats.costMedian))}" cy="${c2(y(shown.stats.makespanPercentile))}" r="8"><title>${escapeHtml(tip(shown))}</title></circle>`;
  return (
    `<svg class="chart" id="chart-front" viewBox="0 0 ${w} ${h}" role="img" aria-label="Makespan against cost of every setting run on every seed">` +
    `<g class="grid">${grid.join('')}</g>` +
    `<g class="axis"><line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}"/><line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}"/>${parts.join('')}</g>` +
    limits.join('') +
    dots.join('') +
    line +
    frontDots.join('') +
    asWritten +
    chosen +
    `</svg>`
  );
}

function comparisonTable(a: Advice, shown: AdvisedSetting | null): string {
  const cols = shown === null ? [a.asWritten] : [shown, a.asWritten];
  const names = shown === null ? ['as written'] : [a.outcome === 'meets' ? 'recommended' : 'fastest', 'as written'];
  const rows = comparisonRows(
    SETTINGS.filter((s) => a.space.settings.includes(s)),
    a.goal.percentile,
    cols,
  );
  const head = `<tr><th></th>${names.map((n) => `<th class="num">${n}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr><td>${escapeHtml(r[0])}</td>${r.slice(1).map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<div class="table-wrap"><table id="advice-table"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

function frontTable(a: Advice): string {
  const shown = a.recommendation ?? a.fastest;
  const isShown = (f: AdvisedSetting) => shown !== null && f.settings === shown.settings;
  const body = a.front
    .map(
      (f) =>
        `<tr${isShown(f) ? ' class="chosen"' : ''}><td class="num">${escapeHtml(formatDuration(f.stats.makespanPercentile))}</td><td class="num">${f.stats.costMedian.toFixed(1)}</td><td class="choice">${escapeHtml(changesLabel(f))}${isShown(f) ? ' <span class="mark">' + (a.outcome === 'meets' ? 'recommended' : 'fastest') + '</span>' : ''}</td></tr>`,
    )
    .join('');
  return `<div class="table-wrap"><table id="front-table"><thead><tr><th class="num">makespan ${percentileName(a.goal.percentile)}</th><th class="num">cost CU-s</th><th>settings (changes from the scenario)</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * The answer as one self-contained page (inline CSS and SVG, no script but the embedded
 * JSON, no network). Every string from the scenario is HTML-escaped.
 */
export function renderAdviceHtml(a: Advice): string {
  const shown = a.recommendation ?? a.fastest;
  const n = a.seeds.length;
  const verdict =
    a.outcome === 'meets' && shown !== null
      ? `<p class="verdict">Recommended: <b>${escapeHtml(changesLabel(shown))}</b>; cost ${escapeHtml(costChange(shown, a.asWritten))} against the scenario as written.</p>`
      : a.outcome === 'missed' && shown !== null
        ? `<p class="verdict missed">No setting searched meets the goal. The fastest without failed runs: <b>${escapeHtml(changesLabel(shown))}</b>.</p>`
        : `<p class="verdict missed">Every setting searched failed or was invalid: nothing to recommend.</p>`;
  const reasons = a.reasons.length === 0 ? '' : `<section id="reasons"><h2>Why</h2><ul class="reasons">${a.reasons.map((r) => `<li>${escapeHtml(r.text)}</li>`).join('')}</ul></section>`;
  return `${pageHead(`batchsim advise · ${a.scenario}`, style())}
<body>
<main>
<header><h1>Advice for <span id="scenario-name">${escapeHtml(a.scenario)}</span></h1>
<p class="meta">${escapeHtml(a.file)} · ${escapeHtml(goalText(a.goal))} · ${n} seed${n === 1 ? '' : 's'} (${escapeHtml(n === 1 ? String(a.seeds[0]) : `${a.seeds[0]} to ${a.seeds[n - 1]}`)}) · searched ${a.settingsEvaluated} of ${a.gridSettings} settings in ${a.runs} runs (the full grid: ${a.gridRuns})</p></header>
<section id="answer"><h2>${a.outcome === 'meets' ? 'Recommendation against the scenario as written' : 'The scenario as written and the fastest setting'}</h2>
${verdict}
${comparisonTable(a, shown)}
${shown === null ? '' : `<pre class="block" id="block">${escapeHtml(settingsBlock(a.space, shown.settings))}</pre>`}
</section>
${reasons}
<section id="front"><h2>Makespan against cost</h2><p class="sub">Every setting run on every seed without a failed run: makespan ${percentileName(a.goal.percentile)} over the seeds against the median cost. Blue: the Pareto front (nothing is both faster and cheaper); green: ${a.outcome === 'meets' ? 'the recommendation' : 'the fastest'}; red diamond: the scenario as written.</p>
${frontChart(a)}
<p class="legend"><span><i style="background:#4c78a8"></i>Pareto front</span><span><i style="background:#1f8a5b"></i>${a.outcome === 'meets' ? 'recommended' : 'fastest'}</span><span><i style="background:#e45756"></i>as written</span><span><i style="background:#b8c0cc"></i>other settings</span></p>
${frontTable(a)}
${failedLines(a).length === 0 ? '' : `<ul class="causes">${failedLines(a).filter((l) => l !== '').map((l) => `<li>${escapeHtml(l.trim())}</li>`).join('')}</ul>`}
</section>
<footer>Generated by batchsim advise. Cost is CU-seconds: each TaskManager and the JobManager take max(cores, memory GiB / 4) CU while they live.</footer>
</main>
<script type="application/json" id="batchsim-advise">${jsonForScript(adviceJson(a))}</script>
</body>
</html>
`;
}
