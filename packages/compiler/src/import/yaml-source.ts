import { type Document, isMap, isNode, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { ZodError } from 'zod';
import { fail, ok, type Result, type SourceIssue, type SourceLocation } from '../errors.js';
import { firstAliasOffset, invalidYamlMessage } from '../spec/load.js';

/** A path into a YAML document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** One document of a (possibly multi-document) YAML file, with a way back to its lines. */
export interface SourceDocument {
  /** The document as plain data. */
  value: unknown;
  /** Where a path of this document starts; a missing key is reported at its parent. */
  locate: (path: YamlPath) => SourceLocation;
  /** Where the key that a path ends in is written (for unknown keys); else as {@link locate}. */
  locateKey: (path: YamlPath) => SourceLocation;
  /** The source text of a scalar (`010`, `yes`), for fields the original tool reads as strings. */
  scalarText: (path: YamlPath) => string | undefined;
}

/**
 * Parses every document of a YAML file. Empty documents (a leading `---`, comments only) are
 * skipped; syntax errors come back as issues with their line and column.
 *
 * `version: '1.1'` reads the file as Go's yaml.v2 does (Sloth, Prometheus): `yes`/`no` are
 * booleans there, and a spec must mean the same thing to the importer as to the tool that wrote it.
 */
export function parseYamlDocuments(text: string, path: string, version: '1.1' | '1.2' = '1.2'): Result<SourceDocument[]> {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, version });
  const issues: SourceIssue[] = [];
  const out: SourceDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, col } = lines.linePos(error.pos[0]);
        issues.push({ file: path, line, column: col, message: invalidYamlMessage(error) });
      }
      continue;
    }
    if (doc.contents === null) continue;
    const locate = locator(path, doc, lines);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias bomb or an unresolved alias shows only when converting: point at the alias.
      const { line, col } = lines.linePos(firstAliasOffset(doc) ?? 0);
      issues.push({ file: path, line, column: col, message: invalidYamlMessage(error as Error) });
      continue;
    }
    out.push({
      value,
      locate,
      locateKey: (at) => {
        const parent = at.length > 1 ? doc.getIn(at.slice(0, -1), true) : doc.contents;
        const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === at.at(-1)) : undefined;
        if (pair && isScalar(pair.key) && pair.key.range) {
          const { line, col } = lines.linePos(pair.key.range[0]);
          return { file: path, line, column: col };
        }
        return locate(at);
      },
      scalarText: (at) => {
        const node = doc.getIn(at, true);
        if (!isScalar(node)) return undefined;
        return typeof node.source === 'string' ? node.source : String(node.value);
      },
    });
  }
  return issues.length > 0 ? fail(issues) : ok(out);
}

function locator(path: string, doc: Document, lines: LineCounter): (at: YamlPath) => SourceLocation {
  return (at) => {
    for (let depth = at.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(at.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const { line, col } = lines.linePos(node.range[0]);
        return { file: path, line, column: col };
      }
    }
    return { file: path, line: 1, column: 1 };
  };
}

/** Turns a schema check's failures into issues at the lines they point to. */
export function zodIssues(error: ZodError, doc: SourceDocument, base: YamlPath = []): SourceIssue[] {
  return error.issues.map((issue) => {
    const path = [...base, ...issue.path.filter((part): part is string | number => typeof part !== 'symbol')];
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => `\`${key}\``).join(', ');
      return { ...doc.locateKey([...path, issue.keys[0] as string]), message: `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}` };
    }
    return { ...doc.locate(path), message: `${where}${issue.message}` };
  });
}

/** `true` for a plain object (a YAML map), as opposed to a list or a scalar. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
