#!/usr/bin/env node
// The `vigil` executable. Shipped bundled (dist/bundle/vigil.mjs, see scripts/bundle-cli.mjs):
// Node loading the compiler and its dependencies module by module made the CLI 1.26x slower.
import module from 'node:module';

// Node's compile cache first, before the CLI's code is loaded (hence the dynamic import below):
// later runs skip compiling the bundle. Its default directory is under os.tmpdir(), writable
// even when the package is installed read-only; NODE_COMPILE_CACHE overrides it, and a failure
// to open it is reported in the result, never thrown.
module.enableCompileCache?.();

const { runCli } = await import('./main.js');

// A closed pipe (`vigil lint | head`) ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}, process.env);
