import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';
import { assertNever, fail, ok, type Result, type SourceIssue, type SourceLocation } from '../errors.js';
import { invalidYamlMessage, type SourceText } from '../spec/load.js';

/**
 * Where an expression's text sits in its file, so an offset inside the expression maps back to a
 * line and column: `inline` for a one-line scalar, `block` for a `|` block (one source line per
 * expression line, indented), `opaque` when escapes or folding break the mapping.
 */
export interface ExprPlacement {
  layout: 'inline' | 'block' | 'opaque';
  /** Where the expression's first character is (for `block`, the first content line). */
  line: number;
  column: number;
}

interface UserRuleBase {
  expr: string;
  labels: Record<string, string>;
  /** Where the rule's entry (`- alert:` or `- record:`) starts. */
  location: SourceLocation;
  exprPlacement: ExprPlacement;
  /**
   * Where the rule's other checked values are, by key: `record`, `for`, `keep_firing_for`,
   * `labels.<name>`, `annotations.<name>`.
   */
  places: Record<string, ExprPlacement>;
}

/** A hand-written alerting rule. */
export interface UserAlertingRule extends UserRuleBase {
  type: 'alerting';
  alert: string;
  annotations: Record<string, string>;
  /** `for` as written (Prometheus parses it as a duration), when given. */
  for?: string;
  /** `keep_firing_for` as written, when given. */
  keepFiringFor?: string;
}

/** A hand-written recording rule. */
export interface UserRecordingRule extends UserRuleBase {
  type: 'recording';
  record: string;
}

export type UserRule = UserAlertingRule | UserRecordingRule;

/** A group of a hand-written rule file. */
export interface UserRuleGroup {
  name: string;
  rules: UserRule[];
}

/** A hand-written Prometheus rule file, with the positions lint findings point at. */
export interface UserRuleFile {
  path: string;
  groups: UserRuleGroup[];
}

/**
 * Parses a Prometheus rule file (`groups: [{name, rules: [{alert|record, expr, ...}]}]`),
 * keeping where each rule, expression and checked value is. Malformed files come back as issues,
 * not throws; keys Prometheus knows but lint does not need (`interval`, `limit`...) are ignored.
 */
export function parseUserRules(source: SourceText): Result<UserRuleFile> {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false });
  const at = (node: Node | null | undefined): SourceLocation => {
    const { line, col } = lines.linePos(node?.range?.[0] ?? 0);
    return { file: source.path, line, column: col };
  };
  const issues: SourceIssue[] = [];
  const issue = (node: Node | null | undefined, message: string) => issues.push({ ...at(node), message });
  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return {
          file: source.path,
          line,
          column: col,
          message: invalidYamlMessage(error),
        };
      }),
    );
  }
  const root = doc.contents;
  const groupsNode = isMap(root) ? root.get('groups', true) : undefined;
  if (!isSeq(groupsNode)) {
    issue(isMap(root) ? root : null, 'expected a rule file: a map with a `groups` list');
    return fail(issues);
  }
  const groups: UserRuleGroup[] = [];
  for (const groupNode of groupsNode.items) {
    if (!isMap(groupNode)) {
      issue(groupNode as Node, 'expected a group: a map with `name` and `rules`');
      continue;
    }
    const name = scalarText(groupNode.get('name', true));
    if (name === undefined) issue(groupNode, 'the group needs a `name`');
    const rulesNode = groupNode.get('rules', true);
    // An empty `rules:` is null, which Prometheus accepts as no rules.
    const empty = isScalar(rulesNode) && rulesNode.value === null;
    if (rulesNode !== undefined && !empty && !isSeq(rulesNode)) issue(rulesNode as Node, '`rules` must be a list');
    const rules: UserRule[] = [];
    for (const ruleNode of isSeq(rulesNode) ? rulesNode.items : []) {
      const rule = readRule(ruleNode as Node, source.text, at, issue, lines);
      if (rule) rules.push(rule);
    }
    groups.push({ name: name ?? '', rules });
  }
  return issues.length > 0 ? fail(issues) : ok({ path: source.path, groups });
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') return undefined;
  return String(node.value);
}

function stringMap(node: unknown): Record<string, string> {
  if (!isMap(node)) return {};
  const out: Record<string, string> = {};
  for (const pair of node.items) {
    const key = scalarText(pair.key);
    const value = scalarText(pair.value);
    if (key !== undefined && value !== undefined) out[key] = value;
  }
  return out;
}

function readRule(
  node: Node,
  text: string,
  at: (node: Node | null | undefined) => SourceLocation,
  issue: (node: Node | null | undefined, message: string) => void,
  lines: LineCounter,
): UserRule | undefined {
  if (!isMap(node)) {
    issue(node, 'expected a rule: a map with `alert` or `record`, and `expr`');
    return undefined;
  }
  const alert = scalarText(node.get('alert', true));
  const record = scalarText(node.get('record', true));
  const exprNode = node.get('expr', true);
  const expr = scalarText(exprNode);
  if ((alert === undefined) === (record === undefined)) {
    issue(node, 'expected exactly one of `alert` or `record`');
    return undefined;
  }
  if (expr === undefined || !isScalar(exprNode)) {
    issue(node, 'the rule needs an `expr`');
    return undefined;
  }
  const places: Record<string, ExprPlacement> = {};
  const place = (key: string, value: unknown) => {
    if (isScalar(value)) places[key] = placementOf(value, text, lines);
  };
  for (const key of ['record', 'for', 'keep_firing_for']) place(key, node.get(key, true));
  for (const map of ['labels', 'annotations']) {
    const mapNode = node.get(map, true);
    if (!isMap(mapNode)) continue;
    for (const pair of mapNode.items) {
      const key = scalarText(pair.key);
      if (key !== undefined) place(`${map}.${key}`, pair.value);
    }
  }
  const base = {
    expr,
    labels: stringMap(node.get('labels', true)),
    location: at(node),
    exprPlacement: placementOf(exprNode, text, lines),
    places,
  };
  if (alert === undefined) return { type: 'recording', record: record as string, ...base };
  const forText = scalarText(node.get('for', true));
  const keepFiringFor = scalarText(node.get('keep_firing_for', true));
  return {
    type: 'alerting',
    alert,
    annotations: stringMap(node.get('annotations', true)),
    ...(forText !== undefined ? { for: forText } : {}),
    ...(keepFiringFor !== undefined ? { keepFiringFor } : {}),
    ...base,
  };
}

function placementOf(node: Scalar, text: string, lines: LineCounter): ExprPlacement {
  const [start = 0, end = start] = node.range ?? [];
  const { line, col } = lines.linePos(start);
  const raw = text.slice(start, end);
  switch (node.type) {
    case Scalar.PLAIN:
      return { layout: raw.includes('\n') ? 'opaque' : 'inline', line, column: col };
    case Scalar.QUOTE_DOUBLE:
    case Scalar.QUOTE_SINGLE: {
      // Escapes shift offsets; only a one-line string without them maps exactly.
      const exact = !raw.includes('\n') && !raw.includes(node.type === Scalar.QUOTE_DOUBLE ? '\\' : "''");
      return { layout: exact ? 'inline' : 'opaque', line, column: col + 1 };
    }
    case Scalar.BLOCK_LITERAL: {
      const body = raw.slice(raw.indexOf('\n') + 1);
      const indent = /^( *)\S/m.exec(body)?.[1]?.length ?? 0;
      return { layout: 'block', line: line + 1, column: indent + 1 };
    }
    default:
      return { layout: 'opaque', line, column: col };
  }
}

/** Maps an offset inside a rule's expression to its line and column in the rule file. */
export function locateInExpr(
  file: string,
  placement: ExprPlacement,
  expr: string,
  offset: number,
): SourceLocation {
  switch (placement.layout) {
    case 'inline':
      return { file, line: placement.line, column: placement.column + offset };
    case 'block': {
      const before = expr.slice(0, offset).split('\n');
      const lineIndex = before.length - 1;
      return {
        file,
        line: placement.line + lineIndex,
        column: placement.column + (before[lineIndex]?.length ?? 0),
      };
    }
    case 'opaque':
      return { file, line: placement.line, column: placement.column };
    default:
      return assertNever(placement.layout);
  }
}
