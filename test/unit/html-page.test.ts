//! The report pages inline their stylesheet and script from the real files in src/report/assets/.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { pageAsset } from '../../src/report/html-page.js';
import { smallRun } from '../support/report-fixtures.js';

const assets = resolve(import.meta.dirname, '../../src/report/assets');
const fileText = (name: string) => readFileSync(resolve(assets, name), 'utf8');

describe('page assets', () => {
  it('are the files without their final newline', () => {
    for (const name of ['run-report.css', 'gantt-legend.js', 'compare-report.css'] as const) {
      const text = fileText(name);
      expect(text.endsWith('\n')).toBe(true);
      expect(pageAsset(name)).toBe(text.slice(0, -1));
    }
  });

  it('the run report inlines the stylesheet and the script, and its CSP allows exactly that script', () => {
    const { result, timeline } = smallRun();
    const html = renderHtmlReport(result, timeline);
    expect(html).toContain(`<style>\n${fileText('run-report.css')}</style>`);
    const script = fileText('gantt-legend.js').slice(0, -1);
    expect(html).toContain(`<script>${script}</script>`);
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}';`);
  });
});
