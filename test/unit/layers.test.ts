//! The folder dependencies docs/architecture.md states: no cycle between modules, and the few rules the layout relies on.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

/** Every .ts file under src/, as a path relative to src/. */
function sources(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(src, join(dir, e.name))] : [],
  );
}

/** The project modules a file imports (type-only imports included), as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    out.push(relative(src, resolve(src, dirname(file), m[1])).replace(/\.js$/, '.ts'));
  }
  return out;
}

const graph = new Map(sources().map((f) => [f, importsOf(f)]));
const folder = (file: string) => (file.startsWith('model/cluster/') ? 'model/cluster' : file.split('/')[0]);

/** Folders that files of `from` import. */
function foldersUsedBy(from: string): Set<string> {
  const used = new Set<string>();
  for (const [file, imports] of graph) if (folder(file) === from) for (const i of imports) if (folder(i) !== from) used.add(folder(i));
  return used;
}

describe('module dependencies', () => {
  it('the parser finds the imports', () => {
    expect(graph.get('sim/simulate.ts')).toContain('scheduler/batch-scheduler.ts');
    expect(graph.get('model/run-result.ts')).toContain('model/spec.ts');
  });

  it('have no cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' > '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('util/ imports nothing of the project, engine/ only util/', () => {
    expect([...foldersUsedBy('util')]).toEqual([]);
    expect([...foldersUsedBy('engine')]).toEqual(['util']);
  });

  it('failure/ does not read scenarios, and the model does not depend on what renders or runs it', () => {
    expect(foldersUsedBy('failure').has('scenario')).toBe(false);
    for (const user of ['report', 'scheduler', 'sim', 'cli', 'compare', 'scenario']) {
      expect(foldersUsedBy('model').has(user)).toBe(false);
    }
  });

  it('the cluster knows nothing of jobs; a job runtime knows nothing of schedulers or of other jobs', () => {
    // model/cluster is Flink's ResourceManager side: TaskManagers, slots, queues.
    for (const jobSide of ['scheduler', 'runtime', 'dispatcher', 'failure', 'scenario']) expect(foldersUsedBy('model/cluster').has(jobSide)).toBe(false);
    // runtime/ (a JobRun's contract, restarts, failure log) is what schedulers build on; the dispatcher runs several.
    expect(foldersUsedBy('runtime').has('scheduler')).toBe(false);
    expect(foldersUsedBy('runtime').has('dispatcher')).toBe(false);
    expect(foldersUsedBy('scheduler').has('dispatcher')).toBe(false);
  });
});
