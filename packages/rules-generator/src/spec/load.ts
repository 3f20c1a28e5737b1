import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { ZodError } from 'zod';
import { fail, ok, type Result, type SourceIssue, type SourceLocation } from '../errors.js';
import { API_VERSION, type DefinitionsFile, DefinitionsFileSchema } from './schema.js';

/** A definitions file's text and the path it is reported under. */
export interface SourceText {
  path: string;
  text: string;
}

/** Finds the source location of a path inside a parsed definitions file. */
export type Locator = (path: readonly (string | number)[], atKey?: boolean) => SourceLocation;

/** A definitions file that passed the schema, with a way back to its lines. */
export interface LoadedDefinitions {
  path: string;
  spec: DefinitionsFile;
  locate: Locator;
}

function locatorFor(path: string, doc: Document, lines: LineCounter): Locator {
  return (at, atKey = false) => {
    const last = at[at.length - 1];
    if (atKey && typeof last === 'string') {
      const parent = doc.getIn(at.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
        if (pair && isNode(pair.key) && pair.key.range) {
          const { line, col } = lines.linePos(pair.key.range[0]);
          return { file: path, line, column: col };
        }
      }
    }
    // Walk up the path until a node exists: a missing key is reported at its parent.
    for (let depth = at.length; depth >= 0; depth--) {
      const node = doc.getIn(at.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const { line, col } = lines.linePos(node.range[0]);
        return { file: path, line, column: col };
      }
    }
    return { file: path, line: 1, column: 1 };
  };
}

function describeZodIssues(error: ZodError, locate: Locator): SourceIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
      const keyPath = [...path, issue.keys[0] as string];
      return { ...locate(keyPath, true), message: `${where}${message}` };
    }
    if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
      message = 'expected `kind` to be one of threshold, rate_of_change, anomaly, forecast, staleness, absence, ratio, promql';
    }
    if (issue.code === 'invalid_key') {
      // zod's own text ("Invalid key in record") hides why the key is wrong.
      const key = path.at(-1);
      message = `key ${JSON.stringify(key)}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
      return { ...locate(path, true), message: `${path.slice(0, -1).join('.')}: ${message}` };
    }
    return { ...locate(path), message: `${where}${message}` };
  });
}

/** Offset of the first alias that names no earlier anchor, or of the first alias at all. */
function firstAliasOffset(doc: Document): number | undefined {
  let unresolved: number | undefined;
  let any: number | undefined;
  visit(doc, {
    Alias(_, node) {
      const offset = node.range?.[0];
      any ??= offset;
      if (unresolved === undefined && node.resolve(doc) === undefined) unresolved = offset;
    },
  });
  return unresolved ?? any;
}

/**
 * Parses and schema-checks definitions files. Every problem in every file is returned, each
 * with its file, line and column; nothing is thrown for bad input.
 */
export function parseDefinitions(sources: readonly SourceText[]): Result<LoadedDefinitions[]> {
  const issues: SourceIssue[] = [];
  const loaded: LoadedDefinitions[] = [];
  for (const source of sources) {
    const lines = new LineCounter();
    const doc = parseDocument(source.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, col } = lines.linePos(error.pos[0]);
        issues.push({ file: source.path, line, column: col, message: `invalid YAML: ${error.message.split('\n')[0]}` });
      }
      continue;
    }
    const locate = locatorFor(source.path, doc, lines);
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // yaml reports unresolved or excessive aliases only when converting; point at the alias.
      const { line, col } = lines.linePos(firstAliasOffset(doc) ?? 0);
      issues.push({ file: source.path, line, column: col, message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    if (raw === null || raw === undefined) {
      issues.push({ file: source.path, line: 1, column: 1, message: `empty file: expected \`apiVersion: ${API_VERSION}\`` });
      continue;
    }
    if (typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).apiVersion !== API_VERSION) {
      const found = (raw as Record<string, unknown>).apiVersion;
      issues.push({
        ...locate(['apiVersion']),
        message:
          found === undefined
            ? `missing apiVersion: expected \`apiVersion: ${API_VERSION}\``
            : `unsupported apiVersion ${JSON.stringify(found)}: expected ${API_VERSION}`,
      });
      continue;
    }
    const parsed = DefinitionsFileSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...describeZodIssues(parsed.error, locate));
      continue;
    }
    loaded.push({ path: source.path, spec: parsed.data, locate });
  }
  return issues.length > 0 ? fail(issues) : ok(loaded);
}
