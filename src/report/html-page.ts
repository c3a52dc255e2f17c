//! What the self-contained HTML pages (the run report and the compare page) share: the page head,
//! escaping, colours, SVG numbers, and their stylesheets and script, kept as real files in assets/.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The files in assets/ that the pages inline. */
export type PageAsset = 'run-report.css' | 'gantt-legend.js' | 'compare-report.css' | 'workload-report.css' | 'workload-highlight.js';

const loaded = new Map<PageAsset, string>();

/**
 * The text of `assets/NAME`, without the newline that ends the file, read once. The build
 * copies assets/ next to the compiled module (scripts/copy-assets.mjs), so the same relative
 * path serves the sources under test and dist/ in a checkout or an installed package.
 */
export function pageAsset(name: PageAsset): string {
  let text = loaded.get(name);
  if (text === undefined) {
    const url = new URL(`./assets/${name}`, import.meta.url);
    try {
      text = readFileSync(url, 'utf8');
    } catch {
      throw new Error(`${fileURLToPath(url)} is missing: this installation is incomplete (\`npm run build\` copies it)`);
    }
    if (text.endsWith('\n')) text = text.slice(0, -1);
    loaded.set(name, text);
  }
  return text;
}

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 * Every string that comes from a scenario goes through here before it reaches the page.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Serialises a value as JSON that is safe inside a `<script>` element: `<`, `>` and `&`
 * become `\u003c`-style escapes so that no `</script>` or `<!--` can end or confuse the
 * element, and U+2028/U+2029 are escaped for older JavaScript parsers. `JSON.parse` of
 * the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Coordinates with at most two decimals keep the SVG small without visible loss. */
export function svgNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}

// ---------------------------------------------------------------------------
// Colours

// Hand-picked for distinctness on white; red is left out because it marks failures.
/** The colour of failures, on every page; the palette leaves red out for it. */
export const FAILED_COLOR = '#d62828';

export const PALETTE = [
  '#3b7dd8', '#f0a030', '#2fa37a', '#8a63d2', '#e0609e', '#1fa5a8',
  '#8fb339', '#5563c9', '#e07a38', '#3fb0e0', '#a67c3d', '#6b7a90',
];

/** Colour of the vertex at `index`; past the palette, hues spread by the golden angle. */
export function vertexColor(index: number): string {
  if (index < PALETTE.length) return PALETTE[index];
  const hue = Math.round(((index - PALETTE.length) * 137.508 + 20) % 360);
  const light = 42 + ((index * 7) % 3) * 8;
  return `hsl(${hue}, 58%, ${light}%)`;
}

/**
 * The start of a self-contained page up to `</head>`: a Content-Security-Policy that allows
 * no network access, inline styles and, when given, only the script with that hash.
 * @param scriptSource a CSP source such as `'sha256-...'`, or undefined for no script
 */
export function pageHead(title: string, style: string, scriptSource?: string): string {
  const script = scriptSource === undefined ? '' : ` script-src ${scriptSource};`;
  const csp = `default-src 'none'; style-src 'unsafe-inline';${script} base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="batchsim">
<title>${escapeHtml(title)}</title>
<style>
${style}
</style>
</head>`;
}
