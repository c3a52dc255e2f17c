//! The version of batchsim that wrote a part: parts of one sweep must all come from the same simulator.

import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The `version` of the package.json beside `src/` (or `dist/`), read once. */
export function batchsimVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
    cached = pkg.version;
  }
  return cached;
}
