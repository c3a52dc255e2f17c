import { describe, expect, it } from 'vitest';
import type { WorkloadResult } from '../../src/model/run-result.js';
import { JOBS_GANTT_MAX_ROWS, renderWorkloadHtmlReport } from '../../src/report/workload-html-report.js';
import { nightlyWorkload, runWorkload, twoJobsOneQueue, workloadJob } from '../support/workload-fixtures.js';

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;
/** The jobs Gantt chart's SVG. */
const jobsGantt = (html: string): string => /<svg class="chart" id="jobs-gantt"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
/** The `<g class="job">` element of job `index`. */
const jobBar = (html: string, index: number): string => new RegExp(`<g class="job[^"]*" data-v="${index}"[\\s\\S]*?</g>`).exec(jobsGantt(html))?.[0] ?? '';

describe('renderWorkloadHtmlReport, as text', () => {
  it('draws a bar per job, its admission wait apart from its run, hand-computed', () => {
    const { result, timeline } = twoJobsOneQueue();
    const html = renderWorkloadHtmlReport(result, timeline);
    // The plot spans x 200..1084 for 0..50 s: 17.68 px a second.
    // A: admitted at once, runs 0-30 s.
    expect(jobBar(html, 0)).not.toContain('class="wait"');
    expect(jobBar(html, 0)).toMatch(/<rect class="run" x="200" y="[\d.]+" width="530.4" height="14" fill="#2f9e6e"\/>/);
    // B: waits 0-30 s for admission, runs 30-50 s.
    expect(jobBar(html, 1)).toMatch(/<rect class="wait" x="200" y="[\d.]+" width="530.4" height="14"\/>/);
    expect(jobBar(html, 1)).toMatch(/<rect class="run" x="730.4" y="[\d.]+" width="353.6" height="14" fill="#2f9e6e"\/>/);
    // The queue's CU in use against its capacity, and the waiting requests.
    expect(html).toContain('capacity 3 CU');
    expect(html).toContain('Peak 3 CU (100%), mean 3.0 CU (100%) of 3 CU.');
    expect(html).toMatch(/<path class="series" data-series="waiting-0" data-points="4"/);
    // Every attempt of both jobs in one TaskManager chart, coloured by job: A's on TMs 0-1, B's on 2-3.
    expect(count(html, /<rect class="attempt [^"]*" data-outcome="finished" data-v="0"/g)).toBe(3);
    expect(count(html, /<rect class="attempt [^"]*" data-outcome="finished" data-v="1"/g)).toBe(2);
    expect(html).toMatch(/<li data-v="0">.*?A<span class="tms">TMs 0–1<\/span><\/li><li data-v="1">.*?B<span class="tms">TMs 2–3<\/span>/);
    expect(html).toMatch(/<title>B · work\[0\]#0 · TM 2 slot 0\n40 s → 50 s/);
  });

  it('names every job, and tells finished, failed and skipped jobs apart', () => {
    const { result, timeline } = nightlyWorkload();
    const html = renderWorkloadHtmlReport(result, timeline);
    const gantt = jobsGantt(html);
    expect(count(gantt, /<g class="job /g)).toBe(result.jobs.length);
    for (const [i, job] of result.jobs.entries()) {
      expect(gantt).toContain(`>${job.name}</text>`);
      expect(jobBar(html, i)).toContain(`data-status="${job.status}"`);
    }
    // The failed job's run is red; the skipped one never ran: a mark, no run bar.
    const failed = result.jobs.findIndex((j) => j.status === 'FAILED');
    const skipped = result.jobs.findIndex((j) => j.status === 'SKIPPED');
    expect(jobBar(html, failed)).toContain('fill="#d62828"');
    expect(jobBar(html, skipped)).toMatch(/<path class="mark"/);
    expect(jobBar(html, skipped)).not.toContain('class="run"');
    // Both queues are headed in the Gantt chart and charted against their capacity.
    expect(gantt).toContain('queue etl<tspan class="queue-meta"> · capacity 24 CU · 6 jobs</tspan>');
    expect(gantt).toContain('queue adhoc<tspan class="queue-meta"> · capacity 8 CU · 5 jobs</tspan>');
    expect(html).toContain('id="chart-queue-0"');
    expect(html).toContain('id="chart-queue-1"');
    // The cause of each unfinished job, under its row.
    expect(count(html, /<tr class="cause-row"/g)).toBe(2);
    expect(JSON.parse(/<script type="application\/json" id="batchsim-result">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null')).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('keys only what the chart shows, and says when no request waited', () => {
    const { result, timeline } = runWorkload([workloadJob('solo', 1, 10)]);
    const html = renderWorkloadHtmlReport(result, timeline);
    expect(html).toContain('running, finished');
    expect(html).not.toContain('running, failed');
    expect(html).not.toContain('waiting for admission to its queue');
    expect(html).not.toContain('skipped (a job it comes after failed)');
    expect(html).toContain('<p class="empty" id="no-waiting">No request waited for capacity in any queue.</p>');
    expect(html).not.toContain('id="chart-waiting"');
    const waited = renderWorkloadHtmlReport(twoJobsOneQueue().result, twoJobsOneQueue().timeline);
    expect(waited).toContain('waiting for admission to its queue');
    expect(waited).toContain('id="chart-waiting"');
  });

  it('escapes job and queue names', () => {
    const name = '<img src=x onerror=alert(1)>';
    const { result, timeline } = runWorkload([workloadJob(name, 1, 10, { queue: 'q"&<b>' })], [{ name: 'q"&<b>', capacityCu: Infinity }]);
    const html = renderWorkloadHtmlReport(result, timeline);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('queue q&quot;&amp;&lt;b&gt;');
  });

  it(`draws every k-th job of each queue beyond ${JOBS_GANTT_MAX_ROWS} jobs, and says so`, () => {
    const { result, timeline } = twoJobsOneQueue();
    const many: WorkloadResult = { ...result, jobs: Array.from({ length: 1001 }, (_, i) => ({ ...result.jobs[i % 2], name: `job-${i}` })) };
    const html = renderWorkloadHtmlReport(many, { ...timeline, jobs: [] });
    // ceil(1001 / 400) = 3: jobs 0, 3, ..., 999 of the one queue.
    expect(jobsGantt(html)).toContain('data-jobs-total="1001" data-jobs-shown="334"');
    expect(html).toContain('Sampled: 334 of 1,001 jobs are drawn (one in 3 of each queue, in submission order).');
  });
});
