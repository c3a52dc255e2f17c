//! Writing the optional output files of a run, each whole or not at all.

import type { RunResult, Timeline } from '../model/run-result.js';
import { renderHtmlReport } from '../report/html-report.js';
import { metricsCsv, verticesCsv } from '../report/metrics-csv.js';
import { toChromeTrace } from '../report/trace.js';
import { writeFileAtomic } from '../report/write-file.js';

/** Output files a run may be asked for. */
export interface OutputFiles {
  trace?: string;
  metrics?: string;
  vertices?: string;
  report?: string;
}

/** Whether any requested output needs the recorded timeline. */
export function needsTimeline(files: OutputFiles): boolean {
  return files.trace !== undefined || files.metrics !== undefined || files.report !== undefined;
}

/** Writes every output file asked for. The timeline must be present when {@link needsTimeline}. */
export function writeOutputs(files: OutputFiles, result: RunResult, timeline: Timeline | undefined): void {
  if (files.vertices !== undefined) writeFileAtomic(files.vertices, verticesCsv(result));
  if (timeline === undefined) return;
  if (files.trace !== undefined) writeFileAtomic(files.trace, JSON.stringify(toChromeTrace(result, timeline)));
  if (files.metrics !== undefined) writeFileAtomic(files.metrics, metricsCsv(timeline));
  if (files.report !== undefined) writeFileAtomic(files.report, renderHtmlReport(result, timeline, { title: result.scenario }));
}
