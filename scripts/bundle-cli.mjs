// Bundles the `vigil` CLI (after `tsc -b`) into packages/cli/dist/bundle/vigil.mjs.
// Why: unbundled, Node loads the compiler and its dependencies module by module (the Datadog
// client has one per model class); `vigil generate` on 1,000 alerts then takes 1.26x as long
// (see `npm run bench`, "unbundled"). Commands that need heavy parts only
// they use (the Datadog API client for `datadog sync`, the autopilot) stay separate chunks,
// loaded on demand; the controller and its native SQLite binding are not bundled at all.
import { Buffer } from 'node:buffer';
import { build } from 'esbuild';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const pkg = resolve(import.meta.dirname, '../packages/cli');
const outdir = join(pkg, 'dist/bundle');

const result = await build({
  entryPoints: { vigil: join(pkg, 'dist/bin.js') },
  outdir,
  // Written below, file by file: a rebuild while another process runs the bundle (a test running
  // `npm start` beside others) must never leave it without a file it loads.
  write: false,
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
const written = new Set();
let changed = 0;
for (const file of result.outputFiles) {
  written.add(file.path);
  const before = await readFile(file.path).catch(() => undefined);
  if (before !== undefined && Buffer.compare(before, file.contents) === 0) continue;
  await mkdir(dirname(file.path), { recursive: true });
  const staged = `${file.path}.${process.pid}.tmp`;
  await writeFile(staged, file.contents);
  await rename(staged, file.path);
  changed++;
}
// Chunk names carry content hashes: the old chunks go, or `npm pack` would ship them all.
const existing = await readdir(outdir, { recursive: true, withFileTypes: true }).catch(() => []);
for (const entry of existing) {
  const path = join(entry.parentPath, entry.name);
  if (entry.isFile() && !written.has(path)) await rm(path, { force: true });
}
const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
const entry = outputs.find(([path]) => path.endsWith('/vigil.mjs'));
console.log(`bundle-cli: ${outputs.length} files (${changed} of ${written.size} written), ${relative(process.cwd(), join(outdir, 'vigil.mjs'))} ${(entry[1].bytes / 1024).toFixed(0)} KiB (${Object.keys(result.metafile.inputs).length} modules)`);
