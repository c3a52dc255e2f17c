//! Reading input files (scenarios, Flink plans) and command-line seeds.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { loadScenario, type Scenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/issues.js';
import { INPUT_LIMIT_TEXT, MAX_INPUT_BYTES, MAX_SEED, SEED_RANGE_TEXT } from '../scenario/limits.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Reads a whole input file as UTF-8, `-` meaning standard input, reading at most
 * {@link MAX_INPUT_BYTES}: a device or pipe that never ends (`/dev/zero`) is rejected
 * after that many bytes instead of filling memory.
 * @param what what the file should hold, for messages (`scenario`, `plan`)
 * @throws ScenarioError naming the file: missing, a directory, unreadable, or over the limit
 */
export function readInputFile(file: string, what: string): string {
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (err) {
    throw cannotRead(file, what, err);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw cannotRead(file, what, { code: 'EISDIR' });
    if (stat.isFile() && stat.size > MAX_INPUT_BYTES) throw tooLarge(file, what);
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let total = 0;
    for (;;) {
      const n = readChunk(fd, buffer);
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES) throw tooLarge(file, what);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw cannotRead(file, what, err);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** One read; standard input may be non-blocking (a terminal, some pipes): wait for it then. */
function readChunk(fd: number, buffer: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buffer, 0, buffer.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF') return 0;
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function tooLarge(file: string, what: string): ScenarioError {
  return new ScenarioError(file, [
    { path: '', message: `more than ${INPUT_LIMIT_TEXT}: batchsim reads ${what} files of at most ${INPUT_LIMIT_TEXT} (${MAX_INPUT_BYTES} bytes)` },
  ]);
}

function cannotRead(file: string, what: string, err: unknown): ScenarioError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message ?? String(err));
  return new ScenarioError(file, [{ path: '', message: `cannot read the ${what}: ${why}` }]);
}

/** Reads and validates a scenario file (`-`: standard input). @throws ScenarioError, also when the file cannot be read */
export function readScenario(file: string): Scenario {
  return loadScenario(readInputFile(file, 'scenario'), file);
}

/**
 * Commander argument parser for a seed: an integer a double holds exactly, so the run uses
 * the seed asked for (`9007199254740993` would silently become `...992`).
 */
export function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`expected ${SEED_RANGE_TEXT}, got \`${value}\``);
  const exact = BigInt(value);
  if (exact > BigInt(MAX_SEED) || exact < -BigInt(MAX_SEED)) {
    throw new InvalidArgumentError(`\`${value}\` is out of range: expected ${SEED_RANGE_TEXT}`);
  }
  return Number(value);
}
