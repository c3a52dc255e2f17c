//! Output files written whole or not at all; special files (devices, FIFOs) written into, never replaced.

import { closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A final name longer than this (in bytes) gets a short temporary name instead of a
 * readable one, so the temporary name is never the one that exceeds the file system's
 * name limit: the short form is well under this length.
 */
const READABLE_TMP_MAX_BYTES = 64;

let tmpCounter = 0;

/**
 * The temporary name beside `path`: `.NAME.PID.tmp` for a short name, `.batchsim.PID.N.tmp`
 * for a long one (at most 40 bytes, so shorter than any final name that needs it).
 */
export function temporaryPath(path: string): string {
  const name = basename(path);
  tmpCounter += 1;
  const tmp = Buffer.byteLength(name) <= READABLE_TMP_MAX_BYTES ? `.${name}.${process.pid}.tmp` : `.batchsim.${process.pid}.${tmpCounter}.tmp`;
  return join(dirname(path), tmp);
}

/** The file at `path`, or undefined when nothing is there (or the path cannot be looked at). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether `path` names an existing special file (character or block device, FIFO, socket):
 * one that must be written into, because replacing it (say `/dev/null`) would destroy it.
 */
export function isSpecialFile(path: string): boolean {
  const st = statOrUndefined(path);
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

/**
 * Writes `content` to `path`. A regular file (new or existing) is written to a temporary
 * file beside it and renamed into place, so a crash or Ctrl-C never leaves half a file. An
 * existing special file is opened and written into directly (without creating or
 * truncating anything), so the device or FIFO stays what it was.
 * @throws the file system's error (ENOENT, EISDIR, EACCES, ENAMETOOLONG, ...) untranslated
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  if (isSpecialFile(path)) {
    const fd = openSync(path, constants.O_WRONLY);
    try {
      writeAll(fd, content);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const st = statOrUndefined(path);
  if (st?.isDirectory() === true) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${path}'`), { code: 'EISDIR', path });
  const tmp = temporaryPath(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** writeSync may write less than asked (a pipe, a FIFO): loop until everything is out. */
function writeAll(fd: number, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
