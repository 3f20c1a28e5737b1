import { CORE_SCHEMA, defineScalarTag, floatCoreTag, load as fastLoad, NOT_RESOLVED } from 'js-yaml';
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

/**
 * The message of a YAML problem: the parser's first line, except that running out of stack on
 * deeply nested collections (hostile or generated input) says so instead of "Maximum call stack
 * size exceeded".
 */
export function invalidYamlMessage(error: { message: string }): string {
  const first = error.message.split('\n')[0] ?? '';
  if (/maximum call stack size exceeded/i.test(first)) return 'invalid YAML: collections nested too deeply to read (thousands of levels); flatten the structure';
  return `invalid YAML: ${first}`;
}

/** Offset of the first alias that names no earlier anchor, or of the first alias at all. */
export function firstAliasOffset(doc: Document): number | undefined {
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
 * YAML 1.2 core floats as `yaml` resolves them: js-yaml keeps an overflowing `1e400` a string,
 * `yaml` makes it Infinity. (Every other core scalar resolves alike; a test compares them.)
 */
const overflowingFloatTag = defineScalarTag('tag:yaml.org,2002:float', {
  ...floatCoreTag,
  resolve: (source, isExplicit, tagName) => {
    const value = floatCoreTag.resolve(source, isExplicit, tagName);
    if (value !== NOT_RESOLVED) return value;
    return /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source) ? Number(source) : NOT_RESOLVED;
  },
});
const FAST_SCHEMA = CORE_SCHEMA.withTags(overflowingFloatTag);

/**
 * A YAML node property: a tag (`!x`, `!!str`; PromQL's `!=` and `!~` aside) or an anchor (`&a`)
 * starting a token. Each was found to let js-yaml take a text yaml rejects.
 */
const NODE_PROPERTY = /(?:^|[\s[\]{},])(?:!(?![=~])|&\S)/m;

/** A tab, a CR not ending a line, or a block scalar header with an indentation indicator (`|2`). */
const UNUSUAL_TEXT = /\t|\r(?!\n)|[|>][+-]?[1-9][+-]?[ ]*(?:#.*)?\r?$/m;

/** A directive, or a document marker anywhere but a plain `---` first line (js-yaml also takes an indented one). */
const DOCUMENT_MARKER = /^[ ]*(?:---|\.\.\.)(?=\s|$)|^%/m;
const LEADING_DOCUMENT_START = /^---[ ]*\n/;

/** Keys js-yaml and `yaml` spell differently: a null key is "null" to one and "" to the other. */
const NULLISH_KEYS = new Set(['null', 'Null', 'NULL', '~', '']);

function hasNullishKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullishKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => NULLISH_KEYS.has(key) || hasNullishKey(inner));
}

/**
 * The fast path: js-yaml (over 10x faster than `yaml` on large files, see `npm run bench`) for a
 * file it reads without complaint and with none of the constructs the two parsers were found to
 * read differently. Returns undefined whenever it cannot vouch for the result, and the file then
 * takes the exact path. A property test checks that it never accepts what yaml rejects.
 */
export function fastValue(text: string): { value: unknown } | undefined {
  // Where the property test found the parsers to disagree (tabs, a lone CR, a BOM past the start,
  // indentation indicators, tags, anchors, document markers), yaml reads the file. Aliases
  // (refused below) keep yaml's expansion limit.
  const unusual = UNUSUAL_TEXT.test(text) || text.indexOf('\ufeff', 1) !== -1 || NODE_PROPERTY.test(text);
  if (unusual || DOCUMENT_MARKER.test(text.replace(LEADING_DOCUMENT_START, ''))) return undefined;
  try {
    const value = fastLoad(text, { schema: FAST_SCHEMA, maxAliases: 0 });
    return hasNullishKey(value) ? undefined : { value };
  } catch {
    return undefined;
  }
}

/** A location whose line and column are found only when read (enumerable, so spreads copy them). */
function lazyLocation(file: string, find: () => SourceLocation): SourceLocation {
  let found: SourceLocation | undefined;
  const at = () => (found ??= find());
  return Object.defineProperties({ file } as SourceLocation, {
    line: { enumerable: true, get: () => at().line },
    column: { enumerable: true, get: () => at().column },
  });
}

/**
 * A locator for a file read by the fast path: `yaml` parses the file (keeping its exact
 * positions) only when a location is first read, which a clean compile never does.
 */
function lazyLocator(source: SourceText): Locator {
  let locate: Locator | undefined;
  const exact = (): Locator => {
    if (locate) return locate;
    const { doc, lines } = readExactly(source.text);
    locate = locatorFor(source.path, doc, lines);
    return locate;
  };
  return (path, atKey) => lazyLocation(source.path, () => exact()(path, atKey));
}

/** Which parser reads definitions: `fast` tries js-yaml first, `exact` always uses `yaml`. */
export type DefinitionsParser = 'fast' | 'exact';

/**
 * Parses and schema-checks definitions files. Every problem in every file is returned, each
 * with its file, line and column; nothing is thrown for bad input. A file that is valid YAML
 * and valid definitions takes the fast path; anything else is read again by `yaml`, which
 * reports the problems with their positions.
 */
export function parseDefinitions(sources: readonly SourceText[], parser: DefinitionsParser = 'fast'): Result<LoadedDefinitions[]> {
  const issues: SourceIssue[] = [];
  const loaded: LoadedDefinitions[] = [];
  for (const source of sources) {
    const fast = parser === 'fast' ? fastValue(source.text) : undefined;
    if (fast && typeof fast.value === 'object' && fast.value !== null && (fast.value as Record<string, unknown>).apiVersion === API_VERSION) {
      const parsed = DefinitionsFileSchema.safeParse(fast.value);
      if (parsed.success) {
        loaded.push({ path: source.path, spec: parsed.data, locate: lazyLocator(source) });
        continue;
      }
    }
    const exact = parseExactly(source);
    if (exact.ok) loaded.push(exact.value);
    else issues.push(...exact.issues);
  }
  return issues.length > 0 ? fail(issues) : ok(loaded);
}

/** A text read by `yaml`, keeping every node's position. */
function readExactly(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  return { doc: parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false }), lines };
}

/** One definitions file read by `yaml`, with exact positions for every problem. */
function parseExactly(source: SourceText): Result<LoadedDefinitions> {
  const { doc, lines } = readExactly(source.text);
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { file: source.path, line, column: col, message: invalidYamlMessage(error) };
    }));
  }
  const locate = locatorFor(source.path, doc, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml reports unresolved or excessive aliases only when converting; point at the alias.
    const { line, col } = lines.linePos(firstAliasOffset(doc) ?? 0);
    return fail([{ file: source.path, line, column: col, message: invalidYamlMessage(error as Error) }]);
  }
  if (raw === null || raw === undefined) {
    return fail([{ file: source.path, line: 1, column: 1, message: `empty file: expected \`apiVersion: ${API_VERSION}\`` }]);
  }
  if (typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).apiVersion !== API_VERSION) {
    const found = (raw as Record<string, unknown>).apiVersion;
    return fail([{
      ...locate(['apiVersion']),
      message:
        found === undefined
          ? `missing apiVersion: expected \`apiVersion: ${API_VERSION}\``
          : `unsupported apiVersion ${JSON.stringify(found)}: expected ${API_VERSION}`,
    }]);
  }
  const parsed = DefinitionsFileSchema.safeParse(raw);
  if (!parsed.success) return fail(describeZodIssues(parsed.error, locate));
  return ok({ path: source.path, spec: parsed.data, locate });
}
