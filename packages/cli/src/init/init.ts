import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadModel } from '@vigil/compiler/core';
import { catalogExportName, emitTypeScriptCatalog, handleName } from '@vigil/compiler/codegen';
import { UsageError } from '@vigil/conventions';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import {
  CI_KINDS,
  GITIGNORE_LINES,
  ciFile,
  initNames,
  routingYaml,
  serviceTs,
  serviceTsconfig,
  servicePackageJson,
  settingsYaml,
  serviceYaml,
  type CiKind,
} from './templates.js';

/** Options of `vigil init`. */
export interface InitOptions {
  service: string;
  ci: CiKind;
  definitions: string;
  /** The version of the Vigil packages the skeleton depends on. */
  version: string;
}

/** A file `vigil init` writes (`append` only adds missing lines to an existing file). */
export interface PlannedFile {
  path: string;
  content: string;
  executable?: boolean;
  append?: boolean;
}

const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks `--service` and `--ci`; a {@link UsageError} names what is expected. */
export function parseInitOptions(raw: { service: string; ci: string }, definitions: string, version: string): InitOptions {
  if (!SERVICE_NAME.test(raw.service)) throw new UsageError(`init: --service ${raw.service}: expected lower-case words joined by -, such as shop or order-api`);
  const ci = CI_KINDS.find((kind) => kind === raw.ci);
  if (ci === undefined) throw new UsageError(`init: --ci ${raw.ci}: expected one of ${CI_KINDS.join(', ')}`);
  return { service: raw.service, ci, definitions, version };
}

/**
 * Every file `vigil init` writes, pure: the definitions, the CI step, the service skeleton with
 * its catalog module exactly as `vigil codegen` writes it, and the `.gitignore` lines.
 */
export function planInit(options: InitOptions): PlannedFile[] {
  const names = initNames(options.service);
  const definitions: PlannedFile[] = [
    { path: join(options.definitions, 'settings.yaml'), content: settingsYaml() },
    { path: join(options.definitions, `${options.service}.yaml`), content: serviceYaml(names) },
    { path: join(options.definitions, 'routing.yaml'), content: routingYaml(names) },
  ];
  const model = loadModel(definitions.map((file) => ({ path: file.path, text: file.content })));
  // The templates are ours: a model that does not load is a bug in them, not the user's input.
  if (!model.ok) throw new Error(`vigil init templates do not compile: ${JSON.stringify(model.issues)}`);
  const handle = (suffix: string) => handleName(`${names.prefix}_${suffix}`, options.service);
  const catalogModule = `${options.service}-catalog`;
  const handles = {
    catalog: catalogExportName(options.service),
    catalogModule,
    orders: handle('orders'),
    inflight: handle('inflight_requests'),
    queueDepth: handle('queue_depth'),
    duration: handle('order_duration_seconds'),
  };
  const service = `services/${options.service}`;
  return [
    ...definitions,
    ciFile(options.ci),
    { path: `${service}/package.json`, content: servicePackageJson(names, { vigil: options.version }) },
    { path: `${service}/tsconfig.json`, content: serviceTsconfig() },
    { path: `${service}/src/${catalogModule}.ts`, content: emitTypeScriptCatalog(model.value, { service: options.service }) },
    { path: `${service}/src/service.ts`, content: serviceTs(names, handles) },
    { path: '.gitignore', content: `${GITIGNORE_LINES.join('\n')}\n`, append: true },
  ];
}

async function readIfExists(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/** What `vigil init` did (or, with `dryRun`, would do), path by path. */
export interface InitResult {
  written: string[];
  appended: string[];
  unchanged: string[];
}

/**
 * Writes the plan under `root`. Existing files are never replaced without `force`: the whole
 * run stops before writing anything, with a {@link UsageError} naming them. `.gitignore` only
 * gets the lines it lacks.
 */
export async function writeInit(root: string, plan: readonly PlannedFile[], options: { force: boolean; dryRun: boolean }): Promise<InitResult> {
  const existing = await Promise.all(plan.map(async (file) => ({ file, current: await readIfExists(join(root, file.path)) })));
  const conflicts = existing.filter(({ file, current }) => current !== undefined && !file.append && current !== file.content);
  if (conflicts.length > 0 && !options.force) {
    throw new UsageError(`init: would overwrite ${conflicts.map(({ file }) => file.path).join(', ')}; nothing was written (--force replaces them)`);
  }
  const result: InitResult = { written: [], appended: [], unchanged: [] };
  const writes: { path: string; content: string; executable?: boolean }[] = [];
  for (const { file, current } of existing) {
    if (file.append && current !== undefined) {
      const have = new Set(current.split('\n').map((line) => line.trim()));
      const missing = file.content.split('\n').filter((line) => line !== '' && !have.has(line));
      if (missing.length === 0) result.unchanged.push(file.path);
      else {
        result.appended.push(file.path);
        writes.push({ path: file.path, content: `${current}${current.endsWith('\n') || current === '' ? '' : '\n'}${missing.join('\n')}\n` });
      }
    } else if (current === file.content) {
      result.unchanged.push(file.path);
    } else {
      result.written.push(file.path);
      writes.push(file);
    }
  }
  if (options.dryRun) return result;
  for (const write of writes) {
    const path = join(root, write.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomically(path, write.content);
    if (write.executable) await chmod(path, (await stat(path)).mode | 0o111);
  }
  return result;
}
