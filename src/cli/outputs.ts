//! Writing the optional outputs of a run, each whole or not at all (or to standard output for `-`).

import type { WorkloadTimeline } from '../dispatcher/workload-run.js';
import type { RunResult, Timeline, WorkloadResult } from '../model/run-result.js';
import { renderWorkloadHtmlReport } from '../report/workload-html-report.js';
import { workloadJobsCsv, workloadMetricsCsv } from '../report/workload-metrics-csv.js';
import { toWorkloadChromeTrace } from '../report/workload-trace.js';
import { renderHtmlReport } from '../report/html-report.js';
import { metricsCsv, verticesCsv } from '../report/metrics-csv.js';
import { toChromeTrace } from '../report/trace.js';
import { writeOutput } from './io.js';

/** Output files a run may be asked for (`-`: standard output). */
export interface OutputFiles {
  trace?: string;
  metrics?: string;
  vertices?: string;
  report?: string;
}

/** The outputs by the option that asks for them, for {@link checkOutputPaths}. */
export function outputOptions(files: OutputFiles): Record<string, string | undefined> {
  return { '--trace': files.trace, '--metrics': files.metrics, '--vertices': files.vertices, '--report': files.report };
}

/** Whether any requested output needs the recorded timeline. */
export function needsTimeline(files: OutputFiles): boolean {
  return files.trace !== undefined || files.metrics !== undefined || files.report !== undefined;
}

/** Writes every output asked for. The timeline must be present when {@link needsTimeline}. @throws ScenarioError when one cannot be written */
export function writeOutputs(files: OutputFiles, result: RunResult, timeline: Timeline | undefined): void {
  if (files.vertices !== undefined) writeOutput(files.vertices, verticesCsv(result));
  if (timeline === undefined) return;
  if (files.trace !== undefined) writeOutput(files.trace, JSON.stringify(toChromeTrace(result, timeline)));
  if (files.metrics !== undefined) writeOutput(files.metrics, metricsCsv(timeline));
  if (files.report !== undefined) writeOutput(files.report, renderHtmlReport(result, timeline, { title: result.scenario }));
}

/**
 * Writes every output asked for of a multi-job run: the trace, the queues' metrics, one row
 * per job for `--vertices` (a job's vertices are in its JSON), the jobs report.
 */
export function writeWorkloadOutputs(files: OutputFiles, result: WorkloadResult, timeline: WorkloadTimeline | undefined): void {
  if (files.vertices !== undefined) writeOutput(files.vertices, workloadJobsCsv(result));
  if (timeline === undefined) return;
  if (files.trace !== undefined) writeOutput(files.trace, JSON.stringify(toWorkloadChromeTrace(result, timeline)));
  if (files.metrics !== undefined) writeOutput(files.metrics, workloadMetricsCsv(timeline));
  if (files.report !== undefined) writeOutput(files.report, renderWorkloadHtmlReport(result, timeline, { title: result.scenario }));
}

/** Prints a scenario's warnings on stderr, each naming the file, so they never mix with what stdout carries. */
export function printWarnings(label: string, warnings: readonly string[], stderr: NodeJS.WritableStream = process.stderr): void {
  for (const w of warnings) stderr.write(`${label}: warning: ${w}\n`);
}
