//! How deeply YAML (and so JSON) text nests its maps and lists, found by one linear scan before
//! parsing. The YAML parser recurses once per level: 128 KB of `[` ran it out of stack and took
//! seconds (a minute on some machines) to be rejected.

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const HASH = 35;
const AMP = 38;
const SQUOTE = 39;
const STAR = 42;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const GT = 62;
const QUESTION = 63;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;

const isBlank = (c: number): boolean => c === SPACE || c === TAB || c === LF || c === CR || Number.isNaN(c);
const isFlowIndicator = (c: number): boolean => c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;

/**
 * The offset where the text first nests deeper than `limit` maps and lists, or -1.
 *
 * Levels are flow collections (`[`, `{`) and block levels: a stack of the columns where block
 * nodes start (each line's indentation, and the node after each `- ` or `? `). Quoted
 * scalars, comments and block scalars (`|`, `>`) are skipped, and outside flow collections a
 * bracket inside a plain scalar is text (`hosting: A[3]`); any other bracket counts, also
 * one the parser will reject after reading it (`a: *x [[[`). Where the scan cannot tell, it
 * counts a level more (a plain scalar continued on a deeper line), not one less: on the YAML
 * library's own output for random documents it never counts less than the parsed depth.
 */
export function findExcessNesting(text: string, limit: number): number {
  const n = text.length;
  // Block levels on the current path: start column * 2, plus 1 for a sequence (a sequence
  // may stand in the same column as the map key holding it, one level deeper).
  const levels: number[] = [];
  let flow = 0; // open flow collections
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineBegin = i;
  let atLineStart = true;
  let nodeStart = true; // a node (a quoted scalar, a flow collection, ...) may begin here
  let inPlain = false; // inside a plain scalar outside flow collections, where brackets are text
  let afterQuoted = false; // `"a":1` is a map entry in JSON style
  let parentColumn = -1; // column of the collection holding the node that may start here
  const tooDeep = (): boolean => levels.length + flow > limit;
  const top = (): number => (levels.length > 0 ? levels[levels.length - 1] : -2);

  while (i < n) {
    if (atLineStart) {
      atLineStart = false;
      lineBegin = i;
      let j = i;
      while (j < n && text.charCodeAt(j) === SPACE) j++;
      const c = text.charCodeAt(j);
      if (j >= n) break;
      if (c === LF || c === CR || c === HASH) {
        // A blank or comment-only line: no level.
        i = skipToLineEnd(text, j);
        continue;
      }
      if (flow === 0) {
        const indent = j - i;
        const entry = c === DASH && isBlank(text.charCodeAt(j + 1));
        // Leave the levels this line is not inside; a map line also leaves a sequence in its column.
        while (levels.length > 0 && ((top() >> 1) > indent || ((top() >> 1) === indent && !entry && (top() & 1) === 1))) levels.pop();
        const here = (top() >> 1) === indent;
        if (entry) {
          if (!(here && (top() & 1) === 1)) levels.push(indent * 2 + 1);
        } else if (!here && c !== LBRACKET && c !== LBRACE) {
          // (A line opening a flow collection, JSON's first line, is not itself a block level.)
          levels.push(indent * 2);
        }
        if (tooDeep()) return j;
        parentColumn = levels.length > 1 ? levels[levels.length - 2] >> 1 : -1;
        // `---` and `...` mark documents; a node may follow `---` on the same line.
        if (j === i && (isMarker(text, j, DASH) || isMarker(text, j, DOT))) j += 3;
      }
      nodeStart = true;
      inPlain = false;
      afterQuoted = false;
      i = j;
      continue;
    }

    const c = text.charCodeAt(i);
    if (c === LF) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === SPACE || c === TAB || c === CR) {
      i++;
      continue;
    }
    if (c === HASH && isBlank(text.charCodeAt(i - 1))) {
      i = skipToLineEnd(text, i);
      continue;
    }
    const next = text.charCodeAt(i + 1);

    if (nodeStart) {
      if (c === DQUOTE || c === SQUOTE) {
        i = c === DQUOTE ? skipDoubleQuoted(text, i + 1) : skipSingleQuoted(text, i + 1);
        nodeStart = false;
        afterQuoted = true;
        continue;
      }
      if (c === AMP || c === BANG || c === STAR) {
        // An anchor or a tag, after which the node follows, or an alias; none holds a bracket.
        i++;
        while (i < n && !isBlank(text.charCodeAt(i)) && !isFlowIndicator(text.charCodeAt(i))) i++;
        if (c === STAR) nodeStart = false;
        continue;
      }
      if (flow === 0 && (c === PIPE || c === GT)) {
        // Block scalar: its lines are text, indented deeper than the node that holds it.
        i = skipBlockScalar(text, i, parentColumn);
        atLineStart = true;
        continue;
      }
      if (flow === 0 && (c === DASH || c === QUESTION) && isBlank(next)) {
        // A sequence entry or an explicit key (in a sequence or map in this column, which
        // the line's start or the entry before it opened): its node starts a level deeper.
        const column = i - lineBegin;
        const kind = c === DASH ? 1 : 0;
        if ((top() >> 1) === column) levels[levels.length - 1] = column * 2 + kind;
        else levels.push(column * 2 + kind);
        let j = i + 1;
        while (j < n && text.charCodeAt(j) === SPACE) j++;
        levels.push((j - lineBegin) * 2);
        if (tooDeep()) return i;
        parentColumn = column;
        i = j;
        continue;
      }
    }

    if ((c === LBRACKET || c === LBRACE) && (flow > 0 || !inPlain)) {
      flow++;
      if (tooDeep()) return i;
      nodeStart = true;
      afterQuoted = false;
      i++;
      continue;
    }
    if (flow > 0 && (c === RBRACKET || c === RBRACE)) {
      flow--;
      nodeStart = false;
      afterQuoted = false;
      i++;
      continue;
    }
    if (flow > 0 && c === COMMA) {
      nodeStart = true;
      afterQuoted = false;
      i++;
      continue;
    }
    if (c === COLON && (isBlank(next) || afterQuoted || (flow > 0 && isFlowIndicator(next)))) {
      nodeStart = true;
      inPlain = false;
      if (flow === 0) parentColumn = top() >> 1;
      afterQuoted = false;
      i++;
      continue;
    }
    if (flow > 0 && c === QUESTION && isBlank(next)) {
      nodeStart = true;
      i++;
      continue;
    }
    // Part of a plain scalar.
    nodeStart = false;
    inPlain = flow === 0;
    afterQuoted = false;
    i++;
  }
  return -1;
}

/** `---` or `...` followed by a blank: a document marker. */
function isMarker(text: string, i: number, c: number): boolean {
  return text.charCodeAt(i) === c && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c && isBlank(text.charCodeAt(i + 3));
}

/** The offset of the line feed ending the line at `i` (or the text's end). */
function skipToLineEnd(text: string, i: number): number {
  const lf = text.indexOf('\n', i);
  return lf < 0 ? text.length : lf;
}

/** The offset after the closing `"` (escapes skipped), or the end when it is never closed. */
function skipDoubleQuoted(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === DQUOTE) return i + 1;
  }
  return text.length;
}

/** The offset after the closing `'` (`''` is a quote inside), or the end when it is never closed. */
function skipSingleQuoted(text: string, i: number): number {
  for (; i < text.length; i++) {
    if (text.charCodeAt(i) !== SQUOTE) continue;
    if (text.charCodeAt(i + 1) !== SQUOTE) return i + 1;
    i++;
  }
  return text.length;
}

/**
 * The offset of the first line after a block scalar: its header line and every following line
 * that is blank or indented deeper than `parentColumn`, the column of the collection holding it.
 */
function skipBlockScalar(text: string, i: number, parentColumn: number): number {
  let lineEnd = skipToLineEnd(text, i);
  while (lineEnd < text.length) {
    const start = lineEnd + 1;
    let j = start;
    while (j < text.length && text.charCodeAt(j) === SPACE) j++;
    const c = text.charCodeAt(j);
    const blank = j >= text.length || c === LF || c === CR;
    if (!blank && j - start <= parentColumn) return start;
    lineEnd = skipToLineEnd(text, j);
  }
  return text.length;
}
