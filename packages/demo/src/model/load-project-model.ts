import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadModel, type Model, type SourceText } from '@vigil/compiler/core';
import { InvalidDefinitionsError } from '@vigil/conventions';

/**
 * Reads every `*.yaml`/`*.yml` file under `definitionsDir` (sorted, recursively) and compiles the
 * model through the compiler's public entry. Invalid definitions throw the shared typed error, so
 * the CLI maps them to its exit code.
 */
export async function loadProjectModel(projectDir: string, definitionsDir: string): Promise<Model> {
  const files = await yamlFiles(definitionsDir);
  const sources: SourceText[] = await Promise.all(
    files.map(async (file) => ({ path: relative(projectDir, file) || file, text: await readFile(file, 'utf8') })),
  );
  if (sources.length === 0) {
    throw new InvalidDefinitionsError([{ file: definitionsDir, line: 1, column: 1, message: 'no definitions found: expected *.yaml files' }]);
  }
  const model = loadModel(sources);
  if (!model.ok) throw new InvalidDefinitionsError(model.issues);
  return model.value;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(async (entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return yamlFiles(path);
        return /\.ya?ml$/.test(entry.name) ? [path] : [];
      }),
  );
  return nested.flat();
}
