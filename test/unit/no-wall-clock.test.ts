import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../src');
/** Code that runs inside a simulation: no wall clock, no unseeded randomness, no timers. */
const SIMULATION_DIRS = ['engine', 'model', 'scheduler', 'failure', 'sim'];
const FORBIDDEN = /\b(Date\.now|new Date\(|performance\.now|Math\.random|setTimeout|setInterval|setImmediate|process\.hrtime)\b|\basync\b/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('simulation code is deterministic by construction', () => {
  const all = SIMULATION_DIRS.flatMap((d) => files(join(root, d)));

  it('finds the simulation sources', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it.each(all.map((f) => [f.slice(root.length + 1), f]))('%s reads no wall clock and no unseeded randomness', (_name, f) => {
    const offending = readFileSync(f, 'utf8')
      .split('\n')
      .map((line, i) => [i + 1, line.replace(/\/\/.*$/, '')] as const)
      .filter(([, line]) => FORBIDDEN.test(line));
    expect(offending).toEqual([]);
  });
});
