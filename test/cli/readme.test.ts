//! The README's "Use it" commands run as written, on the shipped files.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');

/** The commands of the first code block under `## Use it`, continuation lines joined, comments dropped. */
function useItCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '');
}

beforeAll(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}, 120_000);

describe('README "Use it"', () => {
  const commands = useItCommands();

  it('has the commands, none on a file that is not shipped', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    for (const c of commands) expect(c).toMatch(/^npx batchsim /);
    expect(commands.join('\n')).not.toMatch(/\bjob\.(yaml|json)\b/);
  });

  it.each(commands)('%s', (command) => {
    // In a scratch directory that sees the checkout's examples, so outputs land there.
    const dir = mkdtempSync(join(tmpdir(), 'batchsim-readme-'));
    for (const d of ['sim-scenarios', 'test']) symlinkSync(join(root, d), join(dir, d));
    const args = command.replace(/^npx batchsim /, '').split(/\s+/);
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  }, 120_000);
});
