import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = join(import.meta.dirname, '../dist/bundle/vigil.mjs');

/** The static `import ... from "./x.mjs"` of a bundled chunk: esbuild writes them first, before any code. */
function staticImports(source: string): string[] {
  const head = source.slice(0, source.search(/^(?:var|const|let|function|class|export) /m) >>> 0);
  return [...head.matchAll(/^import\s[^;]*?from\s*"(\.[^"]+)";/gms), ...head.matchAll(/^import\s*"(\.[^"]+)";/gm)].map((m) => m[1] as string);
}

/** Every chunk Node evaluates before the CLI runs a command: the entry, its `await import` of the CLI, and their static imports. */
function chunksLoadedAtStart(): Map<string, string> {
  const loaded = new Map<string, string>();
  const visit = (file: string): void => {
    if (loaded.has(file)) return;
    const source = readFileSync(file, 'utf8');
    loaded.set(file, source);
    for (const specifier of staticImports(source)) visit(join(dirname(file), specifier));
  };
  visit(BUNDLE);
  const entry = loaded.get(BUNDLE) ?? '';
  for (const m of entry.matchAll(/await import\("(\.[^"]+)"\)/g)) visit(join(dirname(BUNDLE), m[1] as string));
  return loaded;
}

describe('the bundled CLI at start-up (dist/bundle, built by `npm run build`)', () => {
  it('loads neither the Datadog API client nor the Grafana SDK: their targets load them on demand', () => {
    const chunks = chunksLoadedAtStart();
    expect(chunks.size).toBeGreaterThan(2);
    const heavy = [...chunks].filter(([, source]) => /^\/\/ node_modules\/@(datadog\/datadog-api-client|grafana\/grafana-foundation-sdk)\//m.test(source));
    expect(heavy.map(([file]) => file.split('/').pop())).toEqual([]);
    // They are in the bundle, reachable on demand.
    const all = readFileSync(BUNDLE, 'utf8');
    expect(all).toMatch(/await import\(/);
  });
});
