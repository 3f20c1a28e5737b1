// The package graph stays one-way and each package's folders stay acyclic, read from the
// imports themselves: a cycle between folders (the compiler's model/ once imported the emitter
// loader, closing a loop through rules/, emit/ and promql/) or a relative import of another
// package's src/ fails here, before it becomes a habit.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGES = join(ROOT, 'packages');

interface SourceFile {
  /** Package directory name (`compiler`). */
  pkg: string;
  /** Path relative to the package's src/ (`model/types.ts`). */
  path: string;
  absolute: string;
  test: boolean;
  imports: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' || entry.name === 'node_modules' ? [] : walk(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function sources(): SourceFile[] {
  return readdirSync(PACKAGES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const src = join(PACKAGES, entry.name, 'src');
      let files: string[];
      try {
        files = walk(src);
      } catch {
        return [];
      }
      return files.map((absolute) => ({
        pkg: entry.name,
        path: relative(src, absolute).split(sep).join('/'),
        absolute,
        test: /\.test\.ts$/.test(absolute),
        // Static, type-only, re-exports and dynamic import() alike: each is a dependency.
        imports: ts.preProcessFile(readFileSync(absolute, 'utf8'), true, true).importedFiles.map((f) => f.fileName),
      }));
    });
}

const FILES = sources();

/** The folder a file belongs to: its top folder under src/, or the file itself at the top. */
function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : `${path.slice(0, slash)}/`;
}

/** Resolves a relative import to a path under the same package's src/, or undefined if it leaves it. */
function resolveLocal(file: SourceFile, specifier: string): string | undefined {
  const target = relative(join(PACKAGES, file.pkg, 'src'), resolve(dirname(file.absolute), specifier)).split(sep).join('/');
  return target.startsWith('..') ? undefined : target.replace(/\.js$/, '.ts');
}

/** Every cycle's folders, found by depth-first search (one representative per strongly connected set). */
function findCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** The package an import names (`@scope/name/sub` -> `@scope/name`), or undefined for builtins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] as string)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('import graph', () => {
  it('reads every package source file', () => {
    expect(new Set(FILES.map((f) => f.pkg))).toContain('compiler');
    expect(FILES.filter((f) => !f.test).length).toBeGreaterThan(100);
  });

  const packages = [...new Set(FILES.map((f) => f.pkg))].sort();
  for (const pkg of packages) {
    it(`${pkg}: no import cycle between files of src/`, () => {
      const edges = new Map<string, Set<string>>();
      for (const file of FILES.filter((f) => f.pkg === pkg && !f.test)) {
        const targets = file.imports.filter((s) => s.startsWith('.')).map((s) => resolveLocal(file, s));
        edges.set(file.path, new Set(targets.filter((t): t is string => t !== undefined && t !== file.path)));
      }
      expect(findCycles(edges).map((cycle) => cycle.join(' -> '))).toEqual([]);
    });

    it(`${pkg}: no import cycle between folders of src/`, () => {
      const edges = new Map<string, Set<string>>();
      const why = new Map<string, string>();
      for (const file of FILES.filter((f) => f.pkg === pkg && !f.test)) {
        const from = folderOf(file.path);
        if (!edges.has(from)) edges.set(from, new Set());
        for (const specifier of file.imports.filter((s) => s.startsWith('.'))) {
          const target = resolveLocal(file, specifier);
          if (target === undefined) continue;
          const to = folderOf(target);
          if (to === from) continue;
          edges.get(from)?.add(to);
          if (!why.has(`${from} -> ${to}`)) why.set(`${from} -> ${to}`, `${file.path} imports ${specifier}`);
        }
      }
      const explained = findCycles(edges).map((cycle) =>
        cycle
          .slice(1)
          .map((to, i) => `${cycle[i]} -> ${to} (${why.get(`${cycle[i]} -> ${to}`)})`)
          .join('; '),
      );
      expect(explained).toEqual([]);
    });

    it(`${pkg}: imports only the packages its package.json declares`, () => {
      const manifest = JSON.parse(readFileSync(join(PACKAGES, pkg, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const declared = new Set([
        manifest.name as unknown as string,
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.optionalDependencies ?? {}),
      ]);
      // The HTML runtime is bundled into a generated module at build time (scripts/build-html-runtime.mjs),
      // so what it imports is a build-time (dev) dependency; nothing imports it at run time.
      const buildTime = (path: string) => path.startsWith('html/runtime/');
      const devDeclared = new Set([...declared, ...Object.keys(manifest.devDependencies ?? {})]);
      const undeclared = FILES.filter((f) => f.pkg === pkg && !f.test).flatMap((file) =>
        file.imports
          .filter((s) => !s.startsWith('.'))
          .map((s) => [s, packageOf(s)] as const)
          .filter(([, name]) => name !== undefined && !(buildTime(file.path) ? devDeclared : declared).has(name))
          .map(([s]) => `${file.path} imports ${s}`),
      );
      expect(undeclared).toEqual([]);
    });
  }

  it("no file imports another package's src/ by relative path (tests included)", () => {
    const crossing = FILES.flatMap((file) =>
      file.imports
        .filter((s) => s.startsWith('.'))
        .filter((s) => {
          const target = relative(PACKAGES, resolve(dirname(file.absolute), s)).split(sep).join('/');
          return !target.startsWith('..') && !target.startsWith(`${file.pkg}/`);
        })
        .map((s) => `packages/${file.pkg}/src/${file.path} imports ${s}`),
    );
    expect(crossing).toEqual([]);
  });

  it('finds a cycle and a crossing when there is one (the checks can fail)', () => {
    const edges = new Map([
      ['a/', new Set(['b/'])],
      ['b/', new Set(['c.ts'])],
      ['c.ts', new Set(['a/'])],
    ]);
    expect(findCycles(edges)).toEqual([['a/', 'b/', 'c.ts', 'a/']]);
    expect(findCycles(new Map([['a/', new Set(['b/'])]]))).toEqual([]);
    expect(packageOf('@vigil/compiler/lint')).toBe('@vigil/compiler');
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('yaml')).toBe('yaml');
  });
});
