// Bundles the `vigil` CLI (after `tsc -b`) into packages/cli/dist/bundle/vigil.mjs.
// Why: unbundled, Node loads the compiler and its dependencies module by module (the Datadog
// client has one per model class); `vigil generate` on 1,000 alerts then takes 1.26x as long
// (see `npm run bench`, "unbundled"). Commands that need heavy parts only
// they use (the Datadog API client for `datadog sync`, the autopilot) stay separate chunks,
// loaded on demand; the controller and its native SQLite binding are not bundled at all.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const pkg = resolve(import.meta.dirname, '../packages/cli');
// Chunk names carry content hashes: without this, every rebuild would leave the old chunks
// behind, and `npm pack` would ship them all.
await rm(join(pkg, 'dist/bundle'), { recursive: true, force: true });

const result = await build({
  entryPoints: { vigil: join(pkg, 'dist/bin.js') },
  outdir: join(pkg, 'dist/bundle'),
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  external: ['@vigil/controller', '@vigil/controller/*', 'better-sqlite3'],
  // Bundled CommonJS packages (yaml, the Datadog client) call require(); ESM output has none.
  banner: { js: "import { createRequire as __vigilCreateRequire } from 'node:module'; const require = __vigilCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
const entry = outputs.find(([path]) => path.endsWith('/vigil.mjs'));
console.log(`bundle-cli: ${outputs.length} files, vigil.mjs ${(entry[1].bytes / 1024).toFixed(0)} KiB (${Object.keys(result.metafile.inputs).length} modules)`);
