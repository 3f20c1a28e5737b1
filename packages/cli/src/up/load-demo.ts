// Loads `@vigil/demo` on demand: the CLI does not depend on it, so `vigil up` without `--demo`
// works where it is absent, and `--demo` says what to install.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ToolError } from '@vigil/conventions';
import { DEMO_PACKAGE, type StartDemo } from './demo-contract.js';

/** For tests: a module file implementing the demo contract, imported instead of the package. */
const DEMO_MODULE_ENV = 'VIGIL_DEMO_MODULE';

/** The demo's `startDemo`; a missing package or module is a {@link ToolError}. */
export async function loadDemo(env: NodeJS.ProcessEnv): Promise<StartDemo> {
  // A variable specifier: the package is optional, so neither the bundler nor the type checker
  // may insist on it.
  const override = env[DEMO_MODULE_ENV];
  const specifier: string = override ? pathToFileURL(resolve(override)).href : DEMO_PACKAGE;
  let module: { startDemo?: unknown };
  try {
    module = (await import(specifier)) as { startDemo?: unknown };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && override) throw new ToolError(`up: --demo: no module at ${override} (${DEMO_MODULE_ENV})`, { cause: error });
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(DEMO_PACKAGE)) {
      throw new ToolError(`up: --demo needs the ${DEMO_PACKAGE} package, which is not installed (npm install ${DEMO_PACKAGE})`, { cause: error });
    }
    throw error;
  }
  if (typeof module.startDemo !== 'function') throw new ToolError(`up: ${DEMO_PACKAGE} does not export startDemo`);
  return module.startDemo as StartDemo;
}
