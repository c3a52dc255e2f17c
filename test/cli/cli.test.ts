import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'batchsim-cli-'));

beforeAll(() => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}, 120_000);

function batchsim(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const ok = `
job:
  vertices:
    - { id: A, parallelism: 2, source: { bytes: 1GiB }, rate: 100MiB/s }
    - { id: B, inputs: [{ from: A }], rate: 50MiB/s }
`;

describe('the package', () => {
  it('the build puts the report pages\' .css and .js next to the compiled modules, and the package ships them', () => {
    const names = readdirSync(join(root, 'src/report/assets')).sort();
    expect(names).toEqual(['compare-report.css', 'gantt-legend.js', 'run-report.css', 'workload-highlight.js', 'workload-report.css']);
    for (const name of names) {
      expect(readFileSync(join(root, 'dist/report/assets', name), 'utf8')).toBe(readFileSync(join(root, 'src/report/assets', name), 'utf8'));
    }
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
    const files = new Set((packed[0].files as { path: string }[]).map((f) => f.path));
    for (const name of names) expect(files.has(`dist/report/assets/${name}`)).toBe(true);
  });
});

describe('batchsim run', () => {
  it('prints a summary and exits 0', () => {
    const r = batchsim(['run', file('ok.yaml', ok)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+FINISHED/);
    expect(r.stdout).toMatch(/makespan/);
  });

  it('prints the contract JSON with --json, the same bytes every time', () => {
    const a = batchsim(['run', file('ok2.yaml', ok), '--json']);
    const b = batchsim(['run', join(dir, 'ok2.yaml'), '--json']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const j = JSON.parse(a.stdout);
    for (const k of ['status', 'makespan', 'vertices', 'taskManagers', 'restarts', 'slotSeconds', 'cost']) expect(j).toHaveProperty(k);
    expect(j.vertices[0]).toHaveProperty('attempts');
    expect(j.cost).toHaveProperty('coreSeconds');
    expect(j.cost).toHaveProperty('gibSeconds');
  });

  it('gives the same result wherever the file lies', () => {
    const a = batchsim(['run', file('here.yaml', `name: same\n${ok}`), '--json']).stdout;
    const b = batchsim(['run', file('there.json', JSON.stringify({ name: 'same', job: { vertices: [
      { id: 'A', parallelism: 2, source: { bytes: '1GiB' }, rate: '100MiB/s' },
      { id: 'B', inputs: [{ from: 'A' }], rate: '50MiB/s' },
    ] } })), '--json']).stdout;
    expect(a).toBe(b);
  });

  it('--seed overrides the seed', () => {
    const r = batchsim(['run', file('seed.yaml', ok), '--json', '--seed', '7']);
    expect(JSON.parse(r.stdout).seed).toBe(7);
  });

  it('names a fault that never fired on stderr after the run', () => {
    const text = `job:\n  vertices:\n    - { id: A, parallelism: 1, source: { bytes: 1 }, fixed: 1 s }\nfaults:\n  - { type: taskmanager, at: 2 h, tm: 0 }\n`;
    const r = batchsim(['run', file('late-fault.yaml', text), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\S*late-fault\.yaml: warning: faults\[0\]: the loss of TaskManager 0 at 7200 s never happened: the job ended at 11 s\n$/);
  });

  it('validate checks without running', () => {
    const r = batchsim(['validate', file('v.yaml', ok)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK/);
  });
});

describe('bad input: exit 2, the file, the field path, no stack trace', () => {
  const cases: [string, string, RegExp][] = [
    ['cycle', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n    - { id: B, inputs: [{ from: A }, { from: C }] }\n    - { id: C, inputs: [{ from: B }] }\n`, /job\.vertices: the job graph has a cycle: (B -> C -> B|C -> B -> C)/],
    ['unknown input', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n    - { id: B, inputs: [{ from: X }] }\n`, /job\.vertices\[1\]\.inputs\[0\]\.from: unknown vertex `X`/],
    ['duplicate id', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n    - { id: A, source: { bytes: 1 } }\n`, /job\.vertices\[1\]\.id: duplicate vertex id `A`/],
    ['negative parallelism', `job:\n  vertices:\n    - { id: A, parallelism: -2, source: { bytes: 1 } }\n`, /job\.vertices\[0\]\.parallelism: Expected an integer from 1 to 32768, got `-2` \(number\)/],
    ['fractional parallelism', `job:\n  vertices:\n    - { id: A, parallelism: 1.5, source: { bytes: 1 } }\n`, /job\.vertices\[0\]\.parallelism: Expected an integer from 1 to 32768, got `1\.5`/],
    ['bad size', `job:\n  vertices:\n    - { id: A, source: { bytes: 12 parsecs } }\n`, /job\.vertices\[0\]\.source\.bytes: Expected a number of bytes/],
    ['duration without unit', `cluster:\n  taskmanager: { startup: "10" }\njob:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n`, /cluster\.taskmanager\.startup: the duration `10` has no unit/],
    ['wrong type', `cluster:\n  taskmanager: { slots: two }\njob:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n`, /cluster\.taskmanager\.slots: Expected an integer from 1 to 32768, got `two` \(string\)/],
    ['unknown key', `job:\n  vertices:\n    - { id: A, paralelism: 2, source: { bytes: 1 } }\n`, /job\.vertices\[0\]: unknown key `paralelism`/],
    ['bad pattern', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n    - { id: B, inputs: [{ from: A, pattern: hash }] }\n`, /job\.vertices\[1\]\.inputs\[0\]\.pattern: Expected one of `all-to-all`, `pointwise`, `broadcast`, got `hash`/],
    ['missing job', `name: x\n`, /job: is required/],
    ['bad config value', `config:\n  parallelism.default: many\njob:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n`, /config\["parallelism\.default"\]: Expected an integer from 1 to 32768, got `many`/],
    ['not yaml', `job: [unclosed\n`, /not valid YAML or JSON/],
    ['memory fraction out of range', `config:\n  taskmanager.memory.network.fraction: 1\njob:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n`, /config\["taskmanager\.memory\.network\.fraction"\]: Flink would not start this TaskManager: .*fraction must be in range \[0, 1\)/],
    ['slot memory too small for Flink', `cluster:\n  taskmanager: { memoryPerSlot: 600MiB }\njob:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\n`, /cluster\.taskmanager\.memoryPerSlot: Flink would not start this TaskManager: Sum of configured/],
    ['bad heap size', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, heap: lots }\n`, /job\.vertices\[0\]\.heap: Expected a number of bytes/],
    ['fault on unknown vertex', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 } }\nfaults:\n  - { type: subtask, vertex: Z, subtask: 0 }\n`, /faults\[0\]\.vertex: unknown vertex `Z`/],
    // More of each class in test/unit/scenario-validation.test.ts.
    ['parallelism past Flink\'s bound', `job:\n  vertices:\n    - { id: A, parallelism: 100000000, source: { bytes: 1 } }\n`, /job\.vertices\[0\]\.parallelism: Expected an integer from 1 to 32768, got `100000000`/],
    ['__proto__ in a vertex', `job:\n  vertices:\n    - { id: A, source: { bytes: 1 }, __proto__: { parallelism: 3 } }\n`, /job\.vertices\[0\]: unknown key `__proto__`/],
    ['YAML syntax error with a caret', `job: { vertices: [] }\nname: a: b\n`, /at line 2, column 7:\n\nname: a: b\n {6}\^/],
  ];
  it.each(cases)('%s', (name, text, message) => {
    const f = file(`${name.replace(/ /g, '-')}.yaml`, text);
    const r = batchsim(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(f);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('a missing file', () => {
    const r = batchsim(['run', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml: cannot read the scenario: no such file/);
  });

  it('a bad flag value', () => {
    const r = batchsim(['run', file('flag.yaml', ok), '--seed', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--seed.*expected an integer/);
  });

  it('an unknown command', () => {
    expect(batchsim(['fly']).code).toBe(2);
  });

  it('warns about unknown config keys by name without failing', () => {
    const r = batchsim(['run', file('warn.yaml', `config:\n  my.made.up.key: 1\n${ok}`)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warn\.yaml: warning: config\["my\.made\.up\.key"\]: unknown key/);
    expect(r.stdout).not.toContain('warning');
  });
});

describe('warnings go to stderr in every command, never into stdout', () => {
  const text = `config:\n  taskmanager.numberOfTaskSlot: 2\n${ok}`;
  const warning = /warn-all\.yaml: warning: config\["taskmanager\.numberOfTaskSlot"\]: unknown key, ignored \(did you mean `taskmanager\.numberOfTaskSlots`\?\)/;
  it.each([
    ['run', []],
    ['run', ['--json']],
    ['validate', []],
    ['report', ['-o', join(dir, 'warn.html')]],
    ['compare', ['--slots', '1,2', '--seeds', '1']],
    ['compare', ['--seeds', '1', '--json']],
  ])('%s %s', (command, extra) => {
    const r = batchsim([command, file('warn-all.yaml', text), ...extra]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(warning);
    expect(r.stderr.match(/warning:/g)).toHaveLength(1);
    // The JSON of a run keeps its `warnings` list; any other stdout holds no warning.
    if (extra.includes('--json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
    else expect(r.stdout).not.toContain('warning');
  });

  it('a compare choice that adds a warning names the choice', () => {
    const r = batchsim(['compare', file('warn-choice.yaml', ok), '--slots', '2', '--max-slots', '1', '--seeds', '1']);
    expect(r.stderr).toMatch(/warn-choice\.yaml \(2 slots, max slots 1\): warning: cluster\.maxSlots: 1 is smaller than the 2 slots/);
  });
});

describe('compare: every choice takes effect', () => {
  it('--slots with the slots set only by config taskmanager.numberOfTaskSlots', () => {
    const f = file('slots-by-config.yaml', `config:\n  taskmanager.numberOfTaskSlots: 4\njob:\n  vertices:\n    - { id: A, parallelism: 4, source: { bytes: 4GiB }, rate: 100MiB/s }\n`);
    const r = batchsim(['compare', f, '--slots', '1,2', '--seeds', '1', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // 4 subtasks: 4 TaskManagers of 1 slot, 2 of 2 slots (the file's 4 slots would give 1).
    expect(doc.choices.map((c: { taskManagers: { created: { median: number } } }) => c.taskManagers.created.median)).toEqual([4, 2]);
    const peakSlots = doc.choices.map((c: { runs: { taskManagers: { peak: number } }[] }) => c.runs[0].taskManagers.peak);
    expect(peakSlots).toEqual([4, 2]);
  });
});

describe('input limits: exit 2 naming the file or flag and the limit', () => {
  function batchsimIn(args: string[], input: string | Buffer) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', input, maxBuffer: 16 * 2 ** 20 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it.each([
    ['run', 'scenario'],
    ['validate', 'scenario'],
    ['compare', 'scenario'],
    ['import', 'plan'],
  ])('%s /dev/zero stops after 64 MiB', (command, what) => {
    const t0 = Date.now();
    const r = batchsim([command, '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`/dev/zero: more than 64 MiB: batchsim reads ${what} files of at most 64 MiB (67108864 bytes)\n`);
    // Reading until killed took 9 to 16 s and 3 GiB.
    expect(Date.now() - t0).toBeLessThan(8000);
  });

  it('report /dev/zero too, and no report is written', () => {
    const out = join(dir, 'zero.html');
    const r = batchsim(['report', '/dev/zero', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\/dev\/zero: more than 64 MiB/);
    expect(spawnSync('test', ['-e', out]).status).toBe(1);
  });

  it('reads a scenario from standard input as `-`, up to the limit', () => {
    expect(batchsimIn(['validate', '-'], ok)).toMatchObject({ code: 0, stdout: '<stdin>: OK (2 vertices)\n' });
    expect(batchsimIn(['run', '-', '--json'], ok)).toMatchObject({ code: 0, stdout: expect.stringContaining('"scenario": "stdin"') });
    const big = Buffer.alloc(64 * 2 ** 20 + 1, 0x20);
    const r = batchsimIn(['validate', '-'], big);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('<stdin>: more than 64 MiB: batchsim reads scenario files of at most 64 MiB (67108864 bytes)\n');
  });

  it('rejects seeds a double cannot hold exactly', () => {
    const f = file('seeds.yaml', ok);
    for (const seed of ['9007199254740993', '99999999999999999999999']) {
      const r = batchsim(['run', f, '--seed', seed]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`\`${seed}\` is out of range: expected an integer from -9007199254740991 to 9007199254740991`);
    }
    const r = batchsim(['run', file('seed-in-file.yaml', `seed: 99999999999999999999999\n${ok}`)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/seed: Expected an integer from -9007199254740991 to 9007199254740991/);
  });

  it.each([
    ['--seeds', '99999999999', 'at most 100000 seeds per choice'],
    ['--slots', '99999999999', 'at most 1024 slots per TaskManager'],
    ['--slots', '1,2,1025', 'at most 1024 slots per TaskManager'],
    ['--workers', '99999999999', 'at most 256 worker threads'],
  ])('compare %s %s is too large', (flag, value, bound) => {
    const r = batchsim(['compare', file('sweep.yaml', ok), flag, value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`option '${flag} <`);
    expect(r.stderr).toContain(bound);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('compare: seeds past 2^53-1 and grids past a million runs are refused before any run', () => {
    const f = file('sweep2.yaml', ok);
    let r = batchsim(['compare', f, '--seed', '9007199254740990', '--seeds', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --seeds 3 from seed 9007199254740990 goes past 9007199254740991 (2^53-1), the largest seed');
    const slots = Array.from({ length: 20 }, (_, i) => i + 1).join(',');
    r = batchsim(['compare', f, '--slots', slots, '--max-slots', slots, '--seeds', '100000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: 400 choices x 100000 seeds (--seeds) make 40000000 runs; a comparison makes at most 1000000');
  });

  it('compare says up front how many runs a large grid makes', () => {
    const tiny = file('tiny.yaml', 'job:\n  vertices:\n    - { id: A, parallelism: 1, source: { bytes: 1 } }\n');
    const r = batchsim(['compare', tiny, '--slots', '1,2', '--seeds', '500', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('compare: 2 choices x 500 seeds = 1000 runs\n');
    expect(batchsim(['compare', tiny, '--seeds', '999', '--workers', '1']).stderr).toBe('');
  });
});
