//! The answer of `batchsim advise` for a terminal: the goal, what was searched, the recommendation against the scenario as written, the block to paste, the reasons and the Pareto front.

import { formatBytes } from '../util/format.js';
import { table } from '../report/summary.js';
import { settingsBlock, type Advice, type AdvisedSetting } from './advise.js';
import type { Goal } from './goal.js';
import { SETTINGS, UNSET, type AdviseSettings, type Setting, type SettingValue } from './space.js';

/** How each setting is named in tables. */
export const SETTING_LABELS: Record<Setting, string> = {
  slots: 'slots per TM',
  cpuPerSlot: 'cores per slot',
  memoryPerSlot: 'memory per slot',
  maxSlots: 'max slots',
  shuffle: 'shuffle',
  avgVolume: 'avg volume per task',
  parallelismDefault: 'parallelism.default',
};

/** A setting's value for a person. */
export function showValue(s: Setting, v: SettingValue | undefined): string {
  if (v === undefined || (s === 'parallelismDefault' && v === UNSET)) return 'unset';
  if (typeof v === 'string') return v;
  if (s === 'memoryPerSlot' || s === 'avgVolume') return formatBytes(v);
  if (s === 'maxSlots' && !Number.isFinite(v)) return 'unlimited';
  return String(v);
}

/** The settings that differ from the scenario, short: `slots 1, max slots 64`; `as written` when none. */
export function changesLabel(a: AdvisedSetting): string {
  return a.changed.length === 0 ? 'as written' : a.changed.map((s) => `${SETTING_LABELS[s]} ${showValue(s, a.settings[s])}`).join(', ');
}

const secs = (x: number): string => `${x.toFixed(1)} s`;
const pctText = (x: number): string => `${Math.round(100 * x)}%`;

/** The percentile's name: p95, p50, p99.9. */
export const percentileName = (p: number): string => `p${p}`;

/** The question in a line: `cheapest settings with makespan p95 <= 40 min` and the rest of the goal. */
export function goalText(g: Goal): string {
  const parts: string[] = [];
  if (g.deadline !== undefined) parts.push(`makespan ${percentileName(g.percentile)} <= ${secs(g.deadline)}`);
  if (g.budget !== undefined) parts.push(`cost <= ${Math.round(g.budget)} CU-s`);
  if (g.safety !== undefined) parts.push(`peak disk and heap occupancy <= ${g.safety}`);
  const what = g.objective === 'cost' ? 'the cheapest settings' : `the fastest settings (makespan ${percentileName(g.percentile)})`;
  return parts.length === 0 ? what : `${what} with ${parts.join(', ')}`;
}

/** Rows comparing settings side by side (the recommendation, the scenario as written). */
export function comparisonRows(settings: readonly Setting[], pct: number, cols: readonly AdvisedSetting[]): string[][] {
  const rows: string[][] = [];
  const v = (f: (a: AdvisedSetting) => string) => cols.map(f);
  for (const s of settings) rows.push([SETTING_LABELS[s], ...v((a) => showValue(s, (a.settings as AdviseSettings)[s]))]);
  rows.push([`makespan ${percentileName(pct)}`, ...v((a) => secs(a.stats.makespanPercentile))]);
  rows.push(['makespan p50', ...v((a) => secs(a.stats.makespanMedian))]);
  rows.push(['cost (CU-s, p50)', ...v((a) => a.stats.costMedian.toFixed(1))]);
  rows.push(['core-s / GiB-s (p50)', ...v((a) => `${a.stats.coreSecondsMedian.toFixed(0)} / ${a.stats.gibSecondsMedian.toFixed(0)}`)]);
  rows.push(['TMs created (p50)', ...v((a) => String(a.stats.tmsCreatedMedian))]);
  rows.push(['peak disk of one TM', ...v((a) => `${formatBytes(a.stats.peakDiskBytesMax)} (${pctText(a.stats.diskShare)} of ${formatBytes(a.stats.diskBytes)})`)]);
  rows.push(['heap occupancy', ...v((a) => a.stats.heapOccupancyMax.toFixed(2))]);
  rows.push(['failed runs', ...v((a) => `${a.stats.failed}/${a.stats.seeds}`)]);
  return rows;
}

/** The change of cost against the scenario as written, `-42.9%`. */
export function costChange(a: AdvisedSetting, asWritten: AdvisedSetting): string {
  const d = a.stats.costMedian / asWritten.stats.costMedian - 1;
  return `${d >= 0 ? '+' : ''}${(100 * d).toFixed(1)}%`;
}

/** The answer for a person. Contains no timing, so the same scenario and flags give the same text. */
export function formatAdvice(a: Advice): string {
  const n = a.seeds.length;
  const seeds = n === 1 ? String(a.seeds[0]) : `${a.seeds[0]}..${a.seeds[n - 1]}`;
  const out: string[] = [
    `${a.scenario}: ${goalText(a.goal)}, over ${n} seed${n === 1 ? '' : 's'} (${seeds})`,
    `searched ${a.settingsEvaluated} of ${a.gridSettings} settings in ${a.runs} runs (the full grid is ${a.gridRuns} runs: ${((100 * a.runs) / a.gridRuns).toFixed(1)}%)`,
    '',
  ];
  const shown = a.recommendation ?? a.fastest;
  const settings = SETTINGS.filter((s) => a.space.settings.includes(s));
  if (a.outcome === 'failed' || shown === null) {
    const cause = a.asWritten.stats.failureCause;
    out.push(`every setting searched failed or was invalid: nothing to recommend${cause === null ? '' : ` (as written: ${cause})`}`, '');
    out.push(table([['', 'as written'], ...comparisonRows(settings, a.goal.percentile, [a.asWritten])], new Set([1])));
    out.push(...failedLines(a));
    return `${out.join('\n')}\n`;
  }
  if (a.outcome === 'meets') {
    out.push(`recommended: ${changesLabel(shown)}; cost ${costChange(shown, a.asWritten)} against the scenario as written`);
  } else {
    out.push(`no setting searched meets the goal (${goalText(a.goal)}); the fastest without failed runs: ${changesLabel(shown)}`);
  }
  out.push('');
  const header = ['', a.outcome === 'meets' ? 'recommended' : 'fastest', 'as written'];
  out.push(table([header, ...comparisonRows(settings, a.goal.percentile, [shown, a.asWritten])], new Set([1, 2])));
  out.push('', a.outcome === 'meets' ? 'paste into the scenario (replaces these keys):' : 'the fastest, to paste into the scenario:');
  out.push(...settingsBlock(a.space, shown.settings).trimEnd().split('\n').map((l) => `  ${l}`));
  if (a.reasons.length > 0) {
    out.push('', 'why:');
    for (const r of a.reasons) out.push(`  - ${r.text}`);
  }
  out.push('', `Pareto front (makespan ${percentileName(a.goal.percentile)} against cost; settings run on every seed without a failed run):`);
  const front = [['makespan ' + percentileName(a.goal.percentile), 'cost CU-s', 'settings (changes from the scenario)']];
  for (const f of a.front) {
    const mark = f.settings === shown.settings ? '  <- ' + (a.outcome === 'meets' ? 'recommended' : 'fastest') : '';
    front.push([secs(f.stats.makespanPercentile), f.stats.costMedian.toFixed(1), `${changesLabel(f)}${mark}`]);
  }
  out.push(table(front, new Set([0, 1])));
  out.push(...failedLines(a));
  return `${out.join('\n')}\n`;
}

/** The settings whose runs failed, never recommended: how many, and the first few with their cause. */
export function failedLines(a: Advice): string[] {
  const rejected =
    a.rejected.count === 0 ? [] : ['', `${a.rejected.count} setting${a.rejected.count === 1 ? ' was' : 's were'} not run: the scenario is invalid with ${a.rejected.count === 1 ? 'it' : 'them'} (the first: ${a.rejected.first})`];
  if (a.failed.length === 0) return rejected;
  const lines = [...rejected, '', `${a.failed.length} setting${a.failed.length === 1 ? '' : 's'} searched had failed runs and are never recommended:`];
  for (const f of a.failed.slice(0, 5)) lines.push(`  ${changesLabel(f)}: ${f.stats.failed} of ${f.stats.seeds} runs failed (${f.stats.failureCause ?? 'unknown cause'})`);
  if (a.failed.length > 5) lines.push(`  and ${a.failed.length - 5} more`);
  return lines;
}
