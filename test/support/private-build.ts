//! A compiled copy of src/ for tests that start batchsim as a program, apart from dist/, which other test files rebuild while they run.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/**
 * Compiles src/ into node_modules/.cache/batchsim-test/NAME/dist (so that the packages in
 * node_modules resolve) with package.json beside it (batchsim reads its version there).
 * @returns the path of the compiled `cli/main.js`
 */
export function privateBuild(name: string): string {
  const home = join(root, 'node_modules/.cache/batchsim-test', name);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  copyFileSync(join(root, 'package.json'), join(home, 'package.json'));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const outDir = join(home, 'dist');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'], { cwd: root, stdio: 'pipe' });
  } catch (err) {
    // Type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal.
    if (!existsSync(join(outDir, 'cli/main.js'))) throw err;
  }
  return join(outDir, 'cli/main.js');
}
