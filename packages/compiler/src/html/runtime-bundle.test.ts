import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PAGE_SCRIPT, UPLOT_ASSETS } from './index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

describe('the generated runtime bundle', () => {
  it('is what scripts/build-html-runtime.mjs builds from runtime/ and uplot today', () => {
    const check = spawnSync(process.execPath, ['scripts/build-html-runtime.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('can be inlined: nothing in it closes its element', () => {
    expect(PAGE_SCRIPT).not.toMatch(/<\/script/i);
    expect(UPLOT_ASSETS.script).not.toMatch(/<\/script/i);
    expect(UPLOT_ASSETS.style).not.toMatch(/<\/style/i);
    expect(UPLOT_ASSETS.script.startsWith('/*! https://github.com/leeoniya/uPlot')).toBe(true);
  });

  it('starts nothing on a page without an embedded dashboard', () => {
    const lookups: string[] = [];
    const document = { getElementById: (id: string) => (lookups.push(id), null) };
    runInNewContext(PAGE_SCRIPT, { document });
    expect(lookups).toContain('vigil-dashboard');
  });
});
