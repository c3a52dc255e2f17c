//! The answer of `batchsim advise` as one JSON document, with quantities named as `run --json` and `compare --json` name them.

import { settingsBlock, type Advice, type AdvisedSetting } from './advise.js';
import { SETTINGS, UNSET, type AdviseSettings, type Setting, type SettingValue } from './space.js';

/** JSON has no Infinity: an unlimited slot cap is `"unlimited"`; an unset `parallelism.default` is null. */
const jsonValue = (v: SettingValue | undefined, s?: Setting): number | string | null =>
  v === undefined || (s === 'parallelismDefault' && v === UNSET) ? null : typeof v === 'number' && !Number.isFinite(v) ? 'unlimited' : v;

/** Settings under their JSON names: sizes in bytes. */
function jsonSettings(a: AdviseSettings): Record<string, unknown> {
  const names: Record<Setting, string> = {
    slots: 'slots',
    cpuPerSlot: 'cpuPerSlot',
    memoryPerSlot: 'memoryPerSlotBytes',
    maxSlots: 'maxSlots',
    shuffle: 'shuffle',
    avgVolume: 'avgVolumeBytes',
    parallelismDefault: 'parallelismDefault',
  };
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) if (s in a) out[names[s]] = jsonValue(a[s], s);
  return out;
}

function jsonSetting(x: AdvisedSetting, pct: number): Record<string, unknown> {
  const s = x.stats;
  return {
    settings: jsonSettings(x.settings),
    changed: x.changed,
    standing: x.score.standing,
    failed: s.failed,
    failureCause: s.failureCause,
    makespan: { median: s.makespanMedian, [`p${pct}`]: s.makespanPercentile },
    cost: { cuSeconds: { median: s.costMedian }, coreSeconds: { median: s.coreSecondsMedian }, gibSeconds: { median: s.gibSecondsMedian } },
    taskManagers: { created: { median: s.tmsCreatedMedian } },
    disk: { peakBytesOneTaskManager: { max: s.peakDiskBytesMax }, capacityBytes: s.diskBytes, peakShare: s.diskShare },
    heapOccupancy: { max: s.heapOccupancyMax },
    restarts: { total: s.restartsTotal },
  };
}

/** The answer as a JSON-ready object. Holds nothing about threads or wall time: the same for any number of workers. */
export function adviceJson(a: Advice): Record<string, unknown> {
  const pct = a.goal.percentile;
  const shown = a.recommendation ?? a.fastest;
  return {
    scenario: a.scenario,
    file: a.file,
    seeds: a.seeds,
    goal: {
      objective: a.goal.objective,
      percentile: pct,
      deadlineSeconds: a.goal.deadline ?? null,
      budgetCuSeconds: a.goal.budget ?? null,
      safety: a.goal.safety ?? null,
    },
    space: Object.fromEntries(a.space.settings.map((s) => [s, a.space.values[s].map((v) => jsonValue(v, s))])),
    fixed: a.space.fixed,
    search: { settingsEvaluated: a.settingsEvaluated, runs: a.runs, gridSettings: a.gridSettings, gridRuns: a.gridRuns },
    outcome: a.outcome,
    recommendation: a.recommendation === null ? null : jsonSetting(a.recommendation, pct),
    fastest: a.fastest === null ? null : jsonSetting(a.fastest, pct),
    asWritten: jsonSetting(a.asWritten, pct),
    block: shown === null ? null : settingsBlock(a.space, shown.settings),
    reasons: a.reasons,
    diagnosis: a.diagnosis,
    front: a.front.map((f) => jsonSetting(f, pct)),
    failed: a.failed.map((f) => jsonSetting(f, pct)),
    rejected: a.rejected,
  };
}
