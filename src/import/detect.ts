//! Reading the JSON text and telling which of Flink's three plan formats it is.

import { ScenarioError, type ScenarioIssue } from '../scenario/issues.js';
import { looksLikeBatchTaskCsv } from './alibaba-batch-task.js';

/** The formats `batchsim import` reads. */
export type PlanFormat =
  /** (A) `env.getExecutionPlan()` / `EXPLAIN JSON_EXECUTION_PLAN`: `nodes[]` with `pact`, `contents`, `predecessors`. */
  | 'execution-plan'
  /** (B) REST `/jobs/:jobid/plan`: `nodes[]` with `inputs`, `description`; bare or as `{"plan": ...}`. */
  | 'job-plan'
  /** (C) REST `/jobs/:jobid`: `vertices[]` with times and metrics, and `plan` (format B). */
  | 'job-details';

/** Human names of the formats, for comments and messages. */
export const FORMAT_LABELS: Readonly<Record<PlanFormat, string>> = {
  'execution-plan': 'Flink execution plan (env.getExecutionPlan() / EXPLAIN JSON_EXECUTION_PLAN)',
  'job-plan': 'Flink REST job plan (/jobs/:jobid/plan)',
  'job-details': 'Flink REST job details (/jobs/:jobid)',
};

/** What `batchsim import` was given: Flink plan JSON, or the Alibaba trace's batch_task table (CSV). */
export type InputKind = 'plan-json' | 'batch-task-csv';

/**
 * Tells a CSV table from plan JSON by its first line: the table's header (`task_name,...`), or
 * a row of its nine fields; anything else is read as JSON, which says what is wrong with it.
 */
export function detectInputKind(text: string): InputKind {
  return looksLikeBatchTaskCsv(text) ? 'batch-task-csv' : 'plan-json';
}

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The marker before the JSON in the text that Flink SQL's `EXPLAIN ... JSON_EXECUTION_PLAN` prints. */
const EXPLAIN_MARKER = '== Physical Execution Plan ==';

/**
 * Parses the file's text as JSON. Also accepts the whole text printed by `EXPLAIN` when it holds a
 * `== Physical Execution Plan ==` section: the JSON after that marker is read.
 * @throws ScenarioError naming the file and what is wrong (empty, truncated, not JSON)
 */
export function parsePlanJson(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new ScenarioError(file, [{ path: '', message: 'the file is empty; expected Flink plan JSON' }]);
  try {
    return JSON.parse(body);
  } catch (err) {
    const marker = body.indexOf(EXPLAIN_MARKER);
    if (marker >= 0) {
      const rest = body.slice(marker + EXPLAIN_MARKER.length);
      const start = rest.indexOf('{');
      if (start >= 0) {
        const json = extractObject(rest, start);
        if (json !== undefined) {
          try {
            return JSON.parse(json);
          } catch {
            // fall through to the error about the whole text
          }
        }
      }
    }
    throw new ScenarioError(file, [{ path: '', message: jsonErrorMessage(body, err) }]);
  }
}

/**
 * Walks JSON text from `start`, tracking bracket depth outside strings.
 * @returns the index of the bracket that closes the first one (-1 if none does), and
 *   whether the text ends with brackets or a string still open
 */
function scanBrackets(text: string, start: number): { closedAt: number; open: boolean } {
  let depth = 0;
  let inString = false;
  let closedAt = -1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0 && closedAt === -1) closedAt = i;
    }
  }
  return { closedAt, open: depth > 0 || inString };
}

/** The balanced `{...}` starting at `start`, or undefined when it is not closed. */
function extractObject(text: string, start: number): string | undefined {
  const { closedAt } = scanBrackets(text, start);
  return closedAt === -1 ? undefined : text.slice(start, closedAt + 1);
}

/** Explains a JSON.parse failure: truncated input, or where the syntax breaks (line and column). */
function jsonErrorMessage(text: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    return `not JSON: expected a Flink plan JSON document starting with \`{\` (${raw})`;
  }
  if (/end of JSON input|Unterminated string|Unexpected end/i.test(raw) || isTruncated(text)) {
    return `the JSON is truncated: it ends before every \`{\`, \`[\` and string is closed (${raw})`;
  }
  const pos = /position (\d+)/.exec(raw);
  if (pos !== null) {
    const offset = Number(pos[1]);
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return `not valid JSON at line ${line}, column ${column}: ${raw}`;
  }
  return `not valid JSON: ${raw}`;
}

/** True when the text's brackets are never all closed (a cut-off download or copy). */
function isTruncated(text: string): boolean {
  return scanBrackets(text, 0).open;
}

/** What detection found: the format and the object holding the plan's `nodes`. */
export interface Detected {
  format: PlanFormat;
  /** The document itself. */
  doc: JsonObject;
  /** Field path of the job plan inside the document (`plan` when wrapped), for messages. */
  planPath: string;
}

/**
 * Tells which format a parsed document is, from its fields alone.
 * @throws ScenarioError when it is none of them
 */
export function detectFormat(doc: unknown, file: string): Detected {
  if (!isObject(doc)) {
    const what = Array.isArray(doc) ? 'a list' : `\`${JSON.stringify(doc)}\``;
    throw new ScenarioError(file, [{ path: '', message: `unknown format: the JSON is ${what}, expected an object; ${EXPECTED}` }]);
  }
  if (Array.isArray(doc.vertices) && isObject(doc.plan)) return { format: 'job-details', doc, planPath: 'plan' };
  if (Array.isArray(doc.vertices) && !Array.isArray(doc.nodes)) {
    throw new ScenarioError(file, [
      { path: 'plan', message: 'looks like REST job details (`vertices`) but has no `plan` object: without it the edges are unknown' },
    ]);
  }
  if (Array.isArray(doc.nodes)) {
    const nodes = doc.nodes.filter(isObject);
    const planLike = nodes.some((n) => 'inputs' in n || 'description' in n || 'operator' in n || 'operator_strategy' in n);
    const execLike = nodes.some((n) => 'predecessors' in n || 'pact' in n || 'contents' in n);
    if (execLike && !planLike) return { format: 'execution-plan', doc, planPath: '' };
    if (planLike && !execLike) return { format: 'job-plan', doc, planPath: '' };
    if (!planLike && !execLike && nodes.length > 0) {
      // Nothing but ids and parallelism: REST ids are 32 hex digits, execution-plan ids are integers.
      if (typeof doc.jid === 'string' || nodes.every((n) => typeof n.id === 'string' && /^[0-9a-f]{32}$/i.test(n.id))) {
        return { format: 'job-plan', doc, planPath: '' };
      }
      return { format: 'execution-plan', doc, planPath: '' };
    }
    if (nodes.length === 0 && doc.nodes.length === 0) {
      throw new ScenarioError(file, [{ path: 'nodes', message: 'the plan has no nodes: nothing to simulate' }]);
    }
  }
  if (isObject(doc.plan) && Array.isArray(doc.plan.nodes)) return { format: 'job-plan', doc, planPath: 'plan' };
  const keys = Object.keys(doc).slice(0, 8).map((k) => `\`${k}\``).join(', ');
  throw new ScenarioError(file, [
    { path: '', message: `unknown format: found the keys ${keys === '' ? '(none)' : keys}; ${EXPECTED}` },
  ]);
}

const EXPECTED =
  'expected a Flink execution plan (`nodes` with `pact`, `contents`, `predecessors`), ' +
  'a REST job plan (`nodes` with `inputs`, bare or as `{"plan": ...}`) or REST job details (`vertices` and `plan`)';

/** A number, or a string holding one (Flink writes some numbers as strings); undefined otherwise ("NaN" too). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A node id as a string: ids are integers in execution plans and hex strings in REST plans. */
export function asId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

/** A string field, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Visits the well-formed entries of a node's edge list (`predecessors` in execution plans,
 * `inputs` in REST plans): each must be an object with an `id`. Malformed ones become issues.
 * @param noun what an entry is called in messages (`predecessor`, `input`)
 */
export function forEachEdgeEntry(
  list: unknown,
  path: string,
  noun: string,
  issues: ScenarioIssue[],
  visit: (entry: JsonObject, from: string, entryPath: string) => void,
): void {
  if (!Array.isArray(list)) {
    issues.push({ path, message: `expected a list of ${noun}s` });
    return;
  }
  list.forEach((entry, j) => {
    const entryPath = `${path}[${j}]`;
    if (!isObject(entry)) {
      issues.push({ path: entryPath, message: `expected ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} object with an \`id\`` });
      return;
    }
    const from = asId(entry.id);
    if (from === undefined) {
      issues.push({ path: `${entryPath}.id`, message: `every ${noun} needs an \`id\`` });
      return;
    }
    visit(entry, from, entryPath);
  });
}
