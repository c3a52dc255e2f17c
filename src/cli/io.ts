//! Reading inputs and writing outputs for the command line: `-` for standard input and output, and file errors as exit-2 messages.

import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { isSpecialFile, writeFileAtomic } from '../report/write-file.js';
import { loadScenario, STDIN_LABEL, type Scenario } from '../scenario/load.js';

export { STDIN_LABEL };
import { ScenarioError } from '../scenario/issues.js';
import { INPUT_LIMIT_TEXT, MAX_INPUT_BYTES, MAX_SEED, SEED_RANGE_TEXT } from '../scenario/limits.js';

/** The command-line spelling of standard input or output. */
export const STDIO = '-';


/** A file-system error code said in words, for messages. */
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENAMETOOLONG':
      return 'the name is too long for the file system';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code !== undefined ? `${code}: ${(err as Error).message}` : String(err);
  }
}

const CHUNK_BYTES = 1 << 20;

/**
 * The text of an input file, or of standard input for `-`, reading at most
 * {@link MAX_INPUT_BYTES}: a device or pipe that never ends (`/dev/zero`) is rejected after
 * that many bytes instead of filling memory.
 * @param what what the file should hold, for messages (`scenario`, `plan`)
 * @throws ScenarioError naming the file: missing, a directory, unreadable, or over the limit
 */
export function readInput(file: string, what: string): string {
  let fd: number;
  try {
    fd = file === STDIO ? 0 : openSync(file, 'r');
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
  return new ScenarioError(inputLabel(file), [
    { path: '', message: `more than ${INPUT_LIMIT_TEXT}: batchsim reads ${what} files of at most ${INPUT_LIMIT_TEXT} (${MAX_INPUT_BYTES} bytes)` },
  ]);
}

function cannotRead(file: string, what: string, err: unknown): ScenarioError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : reason(err);
  return new ScenarioError(inputLabel(file), [{ path: '', message: `cannot read the ${what}: ${why}` }]);
}

/** The name a file is given in messages: `<stdin>` for `-`. */
export function inputLabel(file: string): string {
  return file === STDIO ? STDIN_LABEL : file;
}

/** A scenario read from a file or standard input, with its text (compare hands the text to workers). */
export interface ScenarioInput {
  /** The name used in messages (`<stdin>` for `-`). */
  label: string;
  text: string;
  scenario: Scenario;
}

/** Reads and validates a scenario file (`-`: standard input). @throws ScenarioError, also when the file cannot be read */
export function readScenarioInput(file: string): ScenarioInput {
  const text = readInput(file, 'scenario');
  const label = inputLabel(file);
  return { label, text, scenario: loadScenario(text, label, { readFile: (path) => readInput(path, 'scenario') }) };
}

/** Reads and validates a scenario file (`-`: standard input). @throws ScenarioError, also when the file cannot be read */
export function readScenario(file: string): Scenario {
  return readScenarioInput(file).scenario;
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

/** Whether this process runs as root, where permission checks do not apply. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Checks, before any work is done, that an output can be written: not a directory, in a
 * directory that exists and is writable. `-` (standard output) and existing special files
 * always pass. What it cannot foresee (a full disk, a name too long) is still reported by
 * {@link writeOutput}.
 * @throws ScenarioError naming the path and the reason
 */
export function checkOutputPath(path: string, option: string): void {
  if (path === STDIO) return;
  const fail = (why: string): never => {
    throw new ScenarioError(path, [{ path: '', message: `cannot write the ${option} output: ${why}` }]);
  };
  if (path === '') fail('the file name is empty');
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') fail(reason(err));
  }
  if (st !== undefined && st.isDirectory()) fail('is a directory');
  if (st !== undefined && !st.isFile()) return;
  const dir = dirname(path);
  let dirSt;
  try {
    dirSt = statSync(dir);
  } catch (err) {
    fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? `the directory ${dir} does not exist` : reason(err));
  }
  if (dirSt !== undefined && !dirSt.isDirectory()) fail(`${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    fail(`the directory ${dir} is not writable`);
  }
}

/** The file a path names, links followed, for comparing two paths; the path itself when it does not exist. */
function identity(path: string): string {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return resolve(path);
  }
}

/**
 * Checks every output of a command at once: at most one may be standard output, none may
 * be the input (`run --json a.yaml b.yaml` would otherwise write JSON over the scenario
 * a.yaml) and none may be named twice. @throws ScenarioError
 */
export function checkOutputPaths(outputs: Record<string, string | undefined>, input?: string): void {
  const toStdout = Object.entries(outputs).filter(([, p]) => p === STDIO);
  if (toStdout.length > 1) {
    throw new ScenarioError(STDIO, [{ path: '', message: `only one output can go to standard output, got ${toStdout.map(([o]) => o).join(' and ')}` }]);
  }
  const seen = new Map<string, string>();
  if (input !== undefined && input !== STDIO) seen.set(identity(input), 'the input');
  for (const [option, path] of Object.entries(outputs)) {
    if (path === undefined || path === STDIO || isSpecialFile(path)) continue;
    const id = identity(path);
    const other = seen.get(id);
    if (other !== undefined) throw new ScenarioError(path, [{ path: '', message: `${option} would overwrite ${other}` }]);
    seen.set(id, option);
  }
  for (const [option, path] of Object.entries(outputs)) if (path !== undefined) checkOutputPath(path, option);
}

/** Whether any of these outputs is standard output. */
export function anyToStdout(outputs: Record<string, string | boolean | undefined>): boolean {
  return Object.values(outputs).some((p) => p === STDIO || p === true);
}

/**
 * Writes one output: to `stdout` for `-`, else whole or not at all (a special file is
 * written into). File-system errors become a message naming the path.
 * @throws ScenarioError naming the path and the reason
 */
export function writeOutput(path: string, content: string, stdout: NodeJS.WritableStream = process.stdout): void {
  if (path === STDIO) {
    stdout.write(content);
    return;
  }
  try {
    writeFileAtomic(path, content);
  } catch (err) {
    throw new ScenarioError(path, [{ path: '', message: `cannot write it: ${reason(err)}` }]);
  }
}

/**
 * Ends the program quietly when standard output is closed early (`batchsim run x | head -1`):
 * a reader that has seen enough is not an error.
 */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.stderr.write(`batchsim: cannot write to standard output: ${reason(err)}\n`);
    process.exit(1);
  });
}
