//! The report pages' stylesheets and browser script, kept as real .css and .js files in assets/.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The files in assets/ that the pages inline. */
export type PageAsset = 'run-report.css' | 'gantt-legend.js' | 'compare-report.css';

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
      throw new Error(`batchsim: ${fileURLToPath(url)} is missing: this installation is incomplete (\`npm run build\` copies it)`);
    }
    if (text.endsWith('\n')) text = text.slice(0, -1);
    loaded.set(name, text);
  }
  return text;
}
