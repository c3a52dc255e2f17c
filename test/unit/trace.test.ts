//! The Chrome trace of a run: format rules of trace events, every attempt once, counters that match the samples.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttemptRecord, Timeline } from '../../src/model/run-result.js';
import { TRACE_COUNTERS, toChromeTrace, toMicros } from '../../src/report/trace.js';
import { hostileRun, smallRun, XSS_VERTEX } from '../support/report-fixtures.js';

type Ev = Record<string, any>;

function eventsOf(trace: object): Ev[] {
  return (trace as { traceEvents: Ev[] }).traceEvents;
}

const isUint = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * The rules of the trace-event format this project relies on, per phase:
 * X needs ts+dur, i needs ts and a scope, C needs ts and numeric args, M needs a known
 * metadata name and args; all need ph, pid, tid and a name.
 */
function checkFormat(events: Ev[]): void {
  for (const e of events) {
    expect(['X', 'i', 'C', 'M'], JSON.stringify(e)).toContain(e.ph);
    expect(typeof e.name, JSON.stringify(e)).toBe('string');
    expect(e.name.length).toBeGreaterThan(0);
    expect(isUint(e.pid), JSON.stringify(e)).toBe(true);
    expect(isUint(e.tid), JSON.stringify(e)).toBe(true);
    switch (e.ph) {
      case 'X':
        expect(isUint(e.ts), JSON.stringify(e)).toBe(true);
        expect(isUint(e.dur), JSON.stringify(e)).toBe(true);
        expect(typeof e.cat).toBe('string');
        break;
      case 'i':
        expect(isUint(e.ts), JSON.stringify(e)).toBe(true);
        expect(['g', 'p', 't']).toContain(e.s);
        break;
      case 'C':
        expect(isUint(e.ts), JSON.stringify(e)).toBe(true);
        expect(Object.keys(e.args).length).toBeGreaterThan(0);
        for (const v of Object.values(e.args)) expect(typeof v).toBe('number');
        break;
      case 'M':
        expect(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']).toContain(e.name);
        expect(e.ts).toBeUndefined();
        expect(typeof e.args).toBe('object');
        break;
    }
  }
}

/** The value of a counter track at `ts` (µs): the last counter event at or before it. */
function counterAt(events: Ev[], pid: number, c: { name: string; arg: string }, ts: number): number | undefined {
  let v: number | undefined;
  for (const e of events) {
    if (e.ph === 'C' && e.pid === pid && e.name === c.name && e.ts <= ts) v = e.args[c.arg];
  }
  return v;
}

describe('toChromeTrace', () => {
  const { result, timeline } = smallRun();
  const trace = toChromeTrace(result, timeline);
  const events = eventsOf(trace);

  it('is the object form with microsecond-friendly display unit and run metadata', () => {
    expect(Array.isArray(events)).toBe(true);
    expect((trace as any).displayTimeUnit).toBe('ms');
    expect((trace as any).metadata).toMatchObject({ scenario: 'two-tm-fixture', status: 'FINISHED', makespanSeconds: 15 });
    // Survives JSON unchanged: no undefined, NaN or Infinity that would be dropped or nulled.
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });

  it('follows the trace-event format for every phase', () => {
    checkFormat(events);
  });

  it('names the job process, one process per TaskManager and one thread per slot', () => {
    const names = events.filter((e) => e.ph === 'M' && e.name === 'process_name');
    expect(names.map((e) => [e.pid, e.args.name])).toEqual([
      [0, 'Job'],
      [1, 'TaskManager 0'],
      [2, 'TaskManager 1'],
    ]);
    const threads = events.filter((e) => e.ph === 'M' && e.name === 'thread_name');
    expect(threads.map((e) => [e.pid, e.tid, e.args.name])).toEqual([
      [1, 1, 'slot 0'],
      [1, 2, 'slot 1'],
      [2, 1, 'slot 0'],
      [2, 2, 'slot 1'],
    ]);
    // Every lane an attempt lands on is a named thread of a named process.
    for (const x of events.filter((e) => e.ph === 'X')) {
      expect(threads.some((t) => t.pid === x.pid && t.tid === x.tid)).toBe(true);
      expect(names.some((p) => p.pid === x.pid)).toBe(true);
    }
  });

  it('has every attempt exactly once as a complete event with its lane, times and args', () => {
    const xs = events.filter((e) => e.ph === 'X');
    expect(xs).toHaveLength(timeline.attempts.length);
    for (const a of timeline.attempts) {
      const name = `${a.vertex}[${a.subtask}]#${a.attempt}`;
      const matching = xs.filter((e) => e.name === name);
      expect(matching, name).toHaveLength(1);
      const e = matching[0];
      expect(e).toMatchObject({ cat: a.vertex, pid: a.tm + 1, tid: a.slot + 1, ts: a.start * 1e6, dur: (a.end - a.start) * 1e6 });
      expect(e.args).toEqual({ inputBytes: a.inputBytes, outputBytes: a.outputBytes, outcome: a.outcome, cause: a.cause ?? null });
    }
    const failed = xs.filter((e) => e.args.outcome === 'failed');
    expect(failed.map((e) => [e.name, e.args.cause])).toEqual([['source[2]#0', 'injected fault']]);
  });

  it('never overlaps complete events on one thread (the viewers need them nested or disjoint)', () => {
    const byLane = new Map<string, Ev[]>();
    for (const e of events.filter((x) => x.ph === 'X')) {
      const k = `${e.pid}/${e.tid}`;
      byLane.set(k, [...(byLane.get(k) ?? []), e]);
    }
    for (const lane of byLane.values()) {
      lane.sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < lane.length; i++) expect(lane[i].ts).toBeGreaterThanOrEqual(lane[i - 1].ts + lane[i - 1].dur);
    }
  });

  it('marks TaskManager life, failures, restarts and the job end as instants', () => {
    const is = events.filter((e) => e.ph === 'i');
    expect(is).toHaveLength(timeline.events.length);
    expect(is.map((e) => [e.cat, e.ts, e.pid, e.s])).toEqual([
      ['tm-requested', 0, 1, 'p'],
      ['tm-requested', 0, 2, 'p'],
      ['tm-ready', 2e6, 1, 'p'],
      ['tm-ready', 3e6, 2, 'p'],
      ['failure', 7e6, 0, 'g'],
      ['restart', 8e6, 0, 'g'],
      ['tm-released', 14e6, 2, 'p'],
      ['tm-released', 15e6, 1, 'p'],
      ['job-end', 15e6, 0, 'g'],
    ]);
    expect(is[4].args).toEqual({ detail: 'source[2]#0: injected fault', taskManager: 1 });
  });

  it('has counters that give the sampled value at every sample time', () => {
    const checks: [keyof typeof TRACE_COUNTERS, (s: (typeof timeline.samples)[number]) => number][] = [
      ['liveTaskManagers', (s) => s.liveTaskManagers],
      ['busySlots', (s) => s.busySlots],
      ['pendingRequests', (s) => s.pendingRequests],
    ];
    for (const [key, pick] of checks) {
      for (const s of timeline.samples) {
        expect(counterAt(events, 0, TRACE_COUNTERS[key], toMicros(s.time)), `${key} at ${s.time}`).toBe(pick(s));
      }
    }
    // A counter event only where the value changes: busy slots 0,2,3,2,1,0,1,(1),(1),0.
    expect(events.filter((e) => e.ph === 'C' && e.name === TRACE_COUNTERS.busySlots.name)).toHaveLength(8);
  });

  it('has counters consistent with the summary: peak live TMs and busy slot-seconds', () => {
    const live = events.filter((e) => e.ph === 'C' && e.name === TRACE_COUNTERS.liveTaskManagers.name);
    expect(Math.max(...live.map((e) => e.args.live))).toBe(result.taskManagers.peak);
    const busy = events.filter((e) => e.ph === 'C' && e.name === TRACE_COUNTERS.busySlots.name);
    let integralUs = 0;
    for (let i = 0; i < busy.length; i++) {
      const next = i + 1 < busy.length ? busy[i + 1].ts : toMicros(result.makespan);
      integralUs += busy[i].args.busy * (next - busy[i].ts);
    }
    expect(integralUs / 1e6).toBe(result.slotSeconds);
  });

  it('has a disk counter per TaskManager matching the disk samples', () => {
    for (const d of timeline.disk) {
      expect(counterAt(events, d.tm + 1, TRACE_COUNTERS.diskUsed, toMicros(d.time)), `tm ${d.tm} at ${d.time}`).toBe(d.bytes);
    }
    expect(events.some((e) => e.ph === 'C' && e.name === TRACE_COUNTERS.diskUsed.name && e.pid === 0)).toBe(false);
  });

  it('is deterministic, whatever the order attempts were recorded in', () => {
    const again = JSON.stringify(toChromeTrace(result, timeline));
    expect(again).toBe(JSON.stringify(trace));
    const shuffled: Timeline = { ...timeline, attempts: [...timeline.attempts].reverse() };
    expect(JSON.stringify(toChromeTrace(result, shuffled))).toBe(again);
  });

  it('keeps hostile names as plain strings (JSON escaping is enough) and the failed cause', () => {
    const h = hostileRun();
    const ev = eventsOf(toChromeTrace(h.result, h.timeline));
    checkFormat(ev);
    const x = ev.filter((e) => e.ph === 'X');
    expect(x.map((e) => e.name)).toEqual([`${XSS_VERTEX}[0]#0`, `${XSS_VERTEX}[1]#0`]);
    expect(x.map((e) => e.args.outcome)).toEqual(['failed', 'canceled']);
    const lost = ev.filter((e) => e.ph === 'i' && e.cat === 'tm-lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ pid: 1, s: 'p', ts: 4e6, name: 'TaskManager lost' });
  });

  it('rounds times to whole microseconds without overlapping back-to-back attempts', () => {
    expect(toMicros(0.1234567)).toBe(123457);
    expect(toMicros(1e-7)).toBe(0);
    expect(Object.is(toMicros(-1e-7), 0)).toBe(true);
    expect(toMicros(Number.NaN)).toBe(0);

    // Random lanes of back-to-back attempts with awkward float times.
    const lanes = fc.array(
      fc.record({
        tm: fc.integer({ min: 0, max: 3 }),
        slot: fc.integer({ min: 0, max: 2 }),
        durations: fc.array(fc.double({ min: 1e-7, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 6 }),
        t0: fc.double({ min: 0, max: 1e5, noNaN: true }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(lanes, (ls) => {
        const attempts: AttemptRecord[] = [];
        const seen = new Set<string>();
        let n = 0;
        for (const l of ls) {
          const key = `${l.tm}/${l.slot}`;
          if (seen.has(key)) continue;
          seen.add(key);
          let t = l.t0;
          for (const d of l.durations) {
            attempts.push({ vertex: 'v', subtask: n++, attempt: 0, tm: l.tm, slot: l.slot, start: t, end: t + d, outcome: 'finished', inputBytes: 0, outputBytes: 0 });
            t += d;
          }
        }
        const { result, timeline } = smallRun();
        const ev = eventsOf(toChromeTrace(result, { ...timeline, attempts }));
        checkFormat(ev);
        const xs = ev.filter((e) => e.ph === 'X');
        expect(xs).toHaveLength(attempts.length);
        for (const a of attempts) {
          const e = xs.find((x) => x.name === `v[${a.subtask}]#0`);
          expect(e).toBeDefined();
          expect(Math.abs(e!.ts - a.start * 1e6)).toBeLessThanOrEqual(0.5 + 1e-6 * a.start);
          expect(e!.ts + e!.dur).toBe(toMicros(a.end));
        }
        const byLane = new Map<string, Ev[]>();
        for (const e of xs) byLane.set(`${e.pid}/${e.tid}`, [...(byLane.get(`${e.pid}/${e.tid}`) ?? []), e]);
        for (const lane of byLane.values()) {
          lane.sort((a, b) => a.ts - b.ts || a.dur - b.dur);
          for (let i = 1; i < lane.length; i++) expect(lane[i].ts).toBeGreaterThanOrEqual(lane[i - 1].ts + lane[i - 1].dur);
        }
      }),
      { numRuns: 80 },
    );
  });
});
