//! Reading scenario files and reporting errors for the command line.

import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { loadScenario, type Scenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/issues.js';

/** Reads and validates a scenario file. @throws ScenarioError, also when the file cannot be read */
export function readScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read it (${code ?? String(err)})`;
    throw new ScenarioError(file, [{ path: '', message: why }]);
  }
  return loadScenario(text, file);
}

/** Commander argument parser for an integer seed. */
export function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`expected an integer, got \`${value}\``);
  return Number(value);
}
