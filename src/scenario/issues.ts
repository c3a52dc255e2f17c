//! Problems found in user input, collected with the field path where each was found.

/** One problem in an input file: where it is and what is wrong. */
export interface ScenarioIssue {
  /** Field path such as `job.vertices[2].parallelism`; empty for the whole file. */
  path: string;
  message: string;
}

/**
 * Bad user input (a scenario, an imported plan, a command-line value). The CLI prints
 * every issue on its own line, prefixed by the file, and exits with code 2.
 */
export class ScenarioError extends Error {
  override name = 'ScenarioError';

  constructor(
    readonly file: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(issues.map((i) => formatIssue(file, i)).join('\n'));
  }
}

/** `file: path: message`, or `file: message` when the issue concerns the whole file. */
export function formatIssue(file: string, issue: ScenarioIssue): string {
  return issue.path === '' ? `${file}: ${issue.message}` : `${file}: ${issue.path}: ${issue.message}`;
}

/** Appends `.key` or `[index]` to a field path. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}
