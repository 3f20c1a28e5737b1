// docs/targets.md maps every output to the target folder that writes it; this keeps the table and
// the registry in step (a target added, renamed, or writing somewhere new fails here).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ownedFiles, TARGETS } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The table's rows as `dir | pattern | target`, read from the Markdown. */
function documentedRows(): string[] {
  const text = readFileSync(join(ROOT, 'docs/targets.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|'));
      const code = (cell: string) => /^`([^`]*)`/.exec(cell)?.[1] ?? `unreadable: ${cell}`;
      const folder = /targets\/([a-z0-9-]+)\//.exec(cells[3] ?? '')?.[1];
      return `${code(cells[0] ?? '')} | ${code(cells[1] ?? '')} | ${folder}`;
    });
}

describe('docs/targets.md', () => {
  it('lists every directory each registered target owns, with its pattern and folder, and nothing else', () => {
    const registered = ownedFiles().map((owned) => `${owned.dir}/ | ${owned.files.source} | ${owned.target}`);
    expect(documentedRows().sort()).toEqual(registered.sort());
  });

  it('names every target folder of the registry', () => {
    const folders = new Set(documentedRows().map((row) => row.split(' | ')[2]));
    expect([...folders].sort()).toEqual(Object.keys(TARGETS).sort());
  });
});
