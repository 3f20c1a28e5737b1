import { parser } from '@prometheus-io/lezer-promql';
import type { Matcher } from '../model/types.js';
import { parseDuration } from '../spec/duration.js';

// The lezer tree types, taken from the parser so that @lezer/common need not be a dependency.
type Tree = ReturnType<typeof parser.parse>;
type SyntaxNode = Tree['topNode'];

/** The labels a series or an expression's result carries; `unknown` where they cannot be known offline. */
export type LabelSet = ReadonlySet<string> | 'unknown';

/** Looks up the labels of the series with a given metric name (catalog, recording rule or internal). */
export type SeriesLabels = (metricName: string) => LabelSet;

/** A label matcher of a selector, with its place in the expression (0-based offsets). */
export interface PromqlMatcher extends Matcher {
  from: number;
  to: number;
}

/** A function a selector is (directly or indirectly) an argument of: its name and which argument. */
export interface AppliedFunction {
  name: string;
  /** 0-based index of the argument that holds the selector. */
  argument: number;
}

/** One vector selector of an expression. */
export interface PromqlSelector {
  /** The metric name, from the identifier or an `__name__="..."` matcher; absent for `{job="x"}` alone. */
  metric?: string;
  /** The label matchers, `__name__` excluded. */
  matchers: PromqlMatcher[];
  /** The functions around the selector, innermost first (aggregations are not functions). */
  functions: AppliedFunction[];
  /** The range of the matrix selector (`x[5m]`) the selector is in, when it is a literal. */
  rangeSeconds?: number;
  from: number;
  to: number;
}

/** A range: a matrix selector's `[5m]` or a subquery's `[1h:1m]`. */
export interface PromqlRange {
  /** The window in seconds, `undefined` when it is not a literal (`[step()]`). */
  seconds?: number;
  /** The function the range is an argument of (`rate`), if any. */
  function?: string;
  subquery: boolean;
  /** For a subquery whose expression is an aggregation (`sum(...)[1h:1m]`, parentheses aside), its operator. */
  aggregation?: string;
  from: number;
  to: number;
}

/** A grouping label of an aggregation, with its place in the expression. */
export interface PromqlLabelRef {
  name: string;
  from: number;
  to: number;
}

/** An aggregation's `by (...)` or `without (...)` clause. */
export interface PromqlGrouping {
  /** The aggregation operator (`sum`, `topk`...). */
  operator: string;
  modifier: 'by' | 'without';
  labels: PromqlLabelRef[];
  /** The labels of the aggregated input, as far as they can be inferred. */
  inputLabels: LabelSet;
  from: number;
  to: number;
}

/** A place where the expression does not parse. */
export interface PromqlSyntaxError {
  message: string;
  from: number;
  to: number;
}

/** What the lint checks need to know of one expression. */
export interface PromqlAnalysis {
  selectors: PromqlSelector[];
  ranges: PromqlRange[];
  groupings: PromqlGrouping[];
  /** Syntax errors in the order they occur; empty when the expression parses. */
  errors: PromqlSyntaxError[];
  /** The labels of the expression's result series. */
  outputLabels: LabelSet;
}

const EMPTY: ReadonlySet<string> = new Set();

/** Nodes that wrap one expression without changing its labels. */
const TRANSPARENT = new Set([
  'ParenExpr',
  'OffsetExpr',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
  'UnaryExpr',
  'MatrixSelector',
  'SubqueryExpr',
]);

/** Functions whose result is a scalar or a label-less vector, whatever their arguments. */
const LABEL_FREE_FUNCTIONS = new Set(['vector', 'time', 'pi', 'scalar', 'step', 'start', 'end', 'range']);

/** Functions whose vector argument is not the first one. */
const VECTOR_ARGUMENT: Record<string, number> = {
  histogram_quantile: 1,
  quantile_over_time: 1,
  histogram_fraction: 2,
};

/**
 * Parses a PromQL expression and extracts what the lint checks look at: selectors with their
 * matchers, the functions around them and their ranges, aggregation groupings, the labels of
 * the result and syntax errors. Pure; `labelsOf` tells the labels of named series.
 */
export function analyzePromql(expr: string, labelsOf: SeriesLabels = () => 'unknown'): PromqlAnalysis {
  const tree = parser.parse(expr);
  const analysis: PromqlAnalysis = {
    selectors: [],
    ranges: [],
    groupings: [],
    errors: syntaxErrors(expr, tree),
    outputLabels: 'unknown',
  };
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  const infer = (node: SyntaxNode | null) => inferLabels(node, text, labelsOf);
  analysis.outputLabels = analysis.errors.length > 0 ? 'unknown' : infer(firstExpr(tree.topNode)).labels;

  const visit = (node: SyntaxNode, functions: AppliedFunction[]): void => {
    switch (node.name) {
      case 'VectorSelector':
        analysis.selectors.push(readSelector(node, text, functions));
        return;
      case 'MatrixSelector':
      case 'SubqueryExpr': {
        const seconds = durationSeconds(child(node, 'DurationExpr'), text);
        let body = firstExpr(node);
        while (body?.name === 'ParenExpr') body = firstExpr(body);
        const aggregation =
          node.name === 'SubqueryExpr' && body?.name === 'AggregateExpr'
            ? text(child(body, 'AggregateOp') ?? body)
            : undefined;
        analysis.ranges.push({
          ...(seconds !== undefined ? { seconds } : {}),
          ...(functions[0] ? { function: functions[0].name } : {}),
          subquery: node.name === 'SubqueryExpr',
          ...(aggregation !== undefined ? { aggregation } : {}),
          from: node.from,
          to: node.to,
        });
        const inner = firstExpr(node);
        if (inner?.name === 'VectorSelector' && node.name === 'MatrixSelector') {
          analysis.selectors.push({
            ...readSelector(inner, text, functions),
            ...(seconds !== undefined ? { rangeSeconds: seconds } : {}),
          });
        } else if (inner) {
          visit(inner, functions);
        }
        return;
      }
      case 'FunctionCall': {
        const name = text(child(node, 'FunctionIdentifier') ?? node);
        exprChildren(child(node, 'FunctionCallBody')).forEach((arg, argument) => {
          visit(arg, [{ name, argument }, ...functions]);
        });
        return;
      }
      case 'AggregateExpr': {
        const operator = text(child(node, 'AggregateOp') ?? node);
        const args = exprChildren(child(node, 'FunctionCallBody'));
        const modifier = child(node, 'AggregateModifier');
        if (modifier) {
          const labels = child(modifier, 'GroupingLabels');
          analysis.groupings.push({
            operator,
            modifier: child(modifier, 'Without') ? 'without' : 'by',
            labels: labels ? labelRefs(labels, text) : [],
            inputLabels: infer(args[args.length - 1] ?? null).labels,
            from: modifier.from,
            to: modifier.to,
          });
        }
        for (const arg of args) visit(arg, functions);
        return;
      }
      default:
        for (let c = node.firstChild; c; c = c.nextSibling) visit(c, functions);
    }
  };
  visit(tree.topNode, []);
  analysis.selectors.sort((a, b) => a.from - b.from);
  return analysis;
}

function syntaxErrors(expr: string, tree: Tree): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  if (expr.trim() === '') return [{ message: 'empty expression', from: 0, to: 0 }];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        const token =
          node.to > node.from
            ? expr.slice(node.from, node.to)
            : (/^\S+/.exec(expr.slice(node.from))?.[0] ?? '');
        errors.push({
          message:
            token === ''
              ? 'unexpected end of expression'
              : `unexpected ${JSON.stringify(token.slice(0, 20))}`,
          from: node.from,
          to: node.to,
        });
        return false;
      }
      if (node.name === 'StringLiteral') {
        const literal = expr.slice(node.from, node.to);
        if (literal.length < 2 || literal[literal.length - 1] !== literal[0]) {
          errors.push({
            message: `unterminated string ${literal.slice(0, 20)}`,
            from: node.from,
            to: node.to,
          });
        }
      }
      return undefined;
    },
  });
  return errors.sort((a, b) => a.from - b.from);
}

function child(node: SyntaxNode | null, name: string): SyntaxNode | null {
  return node?.getChild(name) ?? null;
}

/** The expression children of a node: everything but tokens, comments, grouping and error nodes. */
function exprChildren(node: SyntaxNode | null): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node?.firstChild ?? null; c; c = c.nextSibling) {
    if (c.type.isError || !c.type.is('Expr')) continue;
    out.push(c);
  }
  return out;
}

function firstExpr(node: SyntaxNode | null): SyntaxNode | null {
  return exprChildren(node)[0] ?? null;
}

/** The value of a PromQL string literal: Go escapes in `"` and `'` strings, raw in backquotes. */
export function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, literal.length > 1 && literal[literal.length - 1] === quote ? -1 : undefined);
  if (quote === '`') return body;
  try {
    const json = quote === "'" ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body;
    return JSON.parse(`"${json}"`) as string;
  } catch {
    // Go escapes that JSON lacks (\a, \x41, octal): close enough for linting.
    return body;
  }
}

function readSelector(
  node: SyntaxNode,
  text: (n: SyntaxNode) => string,
  functions: AppliedFunction[],
): PromqlSelector {
  const identifier = child(node, 'Identifier');
  let metric = identifier ? text(identifier) : undefined;
  const matchers: PromqlMatcher[] = [];
  for (let c = child(node, 'LabelMatchers')?.firstChild ?? null; c; c = c.nextSibling) {
    if (c.name === 'QuotedLabelName') {
      // `{"metric.name"}`: the UTF-8 spelling of the metric name.
      metric = unquote(text(c));
      continue;
    }
    if (c.name !== 'UnquotedLabelMatcher' && c.name !== 'QuotedLabelMatcher') continue;
    const nameNode = c.getChild('LabelName') ?? c.getChild('QuotedLabelName');
    const op = c.getChild('MatchOp');
    const value = c.getChild('StringLiteral');
    if (!nameNode || !op || !value) continue;
    const label = nameNode.name === 'QuotedLabelName' ? unquote(text(nameNode)) : text(nameNode);
    const matcher: PromqlMatcher = {
      label,
      op: text(op) as Matcher['op'],
      value: unquote(text(value)),
      from: c.from,
      to: c.to,
    };
    if (label === '__name__') {
      if (matcher.op === '=') metric = matcher.value;
      continue;
    }
    matchers.push(matcher);
  }
  return { ...(metric !== undefined ? { metric } : {}), matchers, functions, from: node.from, to: node.to };
}

function labelRefs(node: SyntaxNode, text: (n: SyntaxNode) => string): PromqlLabelRef[] {
  const refs: PromqlLabelRef[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'LabelName') refs.push({ name: text(c), from: c.from, to: c.to });
    else if (c.name === 'QuotedLabelName') refs.push({ name: unquote(text(c)), from: c.from, to: c.to });
  }
  return refs;
}

/** Evaluates a duration expression (`5m`, `300`, `2 * 5m`) to seconds; `undefined` when not constant. */
function durationSeconds(node: SyntaxNode | null, text: (n: SyntaxNode) => string): number | undefined {
  if (!node) return undefined;
  if (node.name === 'NumberDurationLiteralInDurationContext') {
    const literal = text(node).replace(/_/g, '');
    const duration = parseDuration(literal);
    if (duration !== undefined) return duration;
    const number = Number(literal);
    return Number.isFinite(number) ? number : undefined;
  }
  if (node.name !== 'DurationExpr') return undefined;
  const parts: (number | string | undefined)[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'DurationExpr' || c.name === 'NumberDurationLiteralInDurationContext')
      parts.push(durationSeconds(c, text));
    else if (c.name === 'UnaryOp') parts.push(text(c));
    else if (['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow'].includes(c.name)) parts.push(c.name);
    else return undefined; // step(), range(), min_of()...
  }
  if (parts.length === 1) return typeof parts[0] === 'number' ? parts[0] : undefined;
  if (parts.length === 2 && typeof parts[1] === 'number') return parts[0] === '-' ? -parts[1] : parts[1];
  const [a, op, b] = parts;
  if (parts.length !== 3 || typeof a !== 'number' || typeof b !== 'number') return undefined;
  switch (op) {
    case 'Add':
      return a + b;
    case 'Sub':
      return a - b;
    case 'Mul':
      return a * b;
    case 'Div':
      return a / b;
    case 'Mod':
      return a % b;
    case 'Pow':
      return a ** b;
    default:
      return undefined;
  }
}

interface Inferred {
  labels: LabelSet;
  scalar: boolean;
}

const UNKNOWN: Inferred = { labels: 'unknown', scalar: false };
const vectorOf = (labels: LabelSet): Inferred => ({ labels, scalar: false });

function union(a: LabelSet, b: LabelSet): LabelSet {
  return a === 'unknown' || b === 'unknown' ? 'unknown' : new Set([...a, ...b]);
}

function without(a: LabelSet, drop: readonly string[]): LabelSet {
  return a === 'unknown' ? 'unknown' : new Set([...a].filter((label) => !drop.includes(label)));
}

/** The labels an expression's result carries, following Prometheus' rules for each operator. */
function inferLabels(
  node: SyntaxNode | null,
  text: (n: SyntaxNode) => string,
  labelsOf: SeriesLabels,
): Inferred {
  if (!node) return UNKNOWN;
  const infer = (n: SyntaxNode | null) => inferLabels(n, text, labelsOf);
  if (TRANSPARENT.has(node.name)) return infer(firstExpr(node));
  switch (node.name) {
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return { labels: EMPTY, scalar: true };
    case 'VectorSelector': {
      const { metric } = readSelector(node, text, []);
      return vectorOf(metric === undefined ? 'unknown' : labelsOf(metric));
    }
    case 'FunctionCall': {
      const name = text(child(node, 'FunctionIdentifier') ?? node);
      const args = exprChildren(child(node, 'FunctionCallBody'));
      if (LABEL_FREE_FUNCTIONS.has(name)) return { labels: EMPTY, scalar: name !== 'vector' };
      if (name === 'absent' || name === 'absent_over_time') {
        // absent() returns the equality matchers of its selector as labels.
        const selector = args[0]?.name === 'MatrixSelector' ? firstExpr(args[0]) : args[0];
        if (selector?.name !== 'VectorSelector') return vectorOf(EMPTY);
        const { matchers } = readSelector(selector, text, []);
        return vectorOf(new Set(matchers.filter((m) => m.op === '=').map((m) => m.label)));
      }
      if (name === 'label_replace' || name === 'label_join') {
        const target = args[1];
        const added = target?.name === 'StringLiteral' ? [unquote(text(target))] : undefined;
        return vectorOf(added ? union(infer(args[0] ?? null).labels, new Set(added)) : 'unknown');
      }
      if (name === 'info') return UNKNOWN;
      const vector = infer(args[VECTOR_ARGUMENT[name] ?? 0] ?? null);
      if (args.length === 0) return vectorOf(EMPTY); // minute(), hour()...: vector(time())
      if (name === 'histogram_quantile' || name === 'histogram_fraction')
        return vectorOf(without(vector.labels, ['le']));
      return vectorOf(vector.labels);
    }
    case 'AggregateExpr': {
      const operator = text(child(node, 'AggregateOp') ?? node);
      const args = exprChildren(child(node, 'FunctionCallBody'));
      const input = infer(args[args.length - 1] ?? null).labels;
      if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(operator)) return vectorOf(input);
      const modifier = child(node, 'AggregateModifier');
      const grouping = modifier
        ? labelRefs(child(modifier, 'GroupingLabels') ?? modifier, text).map((l) => l.name)
        : [];
      let labels: LabelSet = !modifier
        ? EMPTY
        : child(modifier, 'Without')
          ? without(input, grouping)
          : new Set(grouping);
      if (operator === 'count_values') {
        const target = args[0];
        labels =
          target?.name === 'StringLiteral' ? union(labels, new Set([unquote(text(target))])) : 'unknown';
      }
      return vectorOf(labels);
    }
    case 'BinaryExpr':
      return inferBinary(node, text, infer);
    default:
      return UNKNOWN;
  }
}

function inferBinary(
  node: SyntaxNode,
  text: (n: SyntaxNode) => string,
  infer: (n: SyntaxNode | null) => Inferred,
): Inferred {
  const [leftNode, rightNode] = exprChildren(node);
  const left = infer(leftNode ?? null);
  const right = infer(rightNode ?? null);
  if (left.scalar && right.scalar) return { labels: EMPTY, scalar: true };
  if (left.scalar) return right;
  if (right.scalar) return left;
  const operator = node.getChild('And') ?? node.getChild('Unless') ?? node.getChild('Or');
  if (operator?.name === 'Or') return vectorOf(union(left.labels, right.labels));
  if (operator) return left;
  const matching = node.getChild('MatchingModifierClause');
  if (!matching) return left;
  const groups = matching.getChildren('GroupingLabels').map((g) => labelRefs(g, text).map((l) => l.name));
  const on = matching.getChild('On') !== null;
  const [matchingLabels = [], include = []] = groups;
  if (matching.getChild('GroupLeft')) return vectorOf(union(left.labels, new Set(include)));
  if (matching.getChild('GroupRight')) return vectorOf(union(right.labels, new Set(include)));
  // One-to-one matching keeps only the `on` labels, or drops the `ignoring` ones.
  if (on) return vectorOf(new Set(matchingLabels));
  return vectorOf(without(left.labels, matchingLabels));
}
