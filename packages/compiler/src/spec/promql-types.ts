// The type checks Prometheus' parser makes after the grammar (promql/parser/parse.go checkAST):
// the lezer grammar accepts `rate(x)` or `sum(x[5m])`, which promtool rejects. Conservative: an
// expression whose type is not known for certain (an unlisted function) is never reported.
import type { parser } from '@prometheus-io/lezer-promql';
import type { PromqlSyntaxError } from './promql-error.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

type ValueType = 'vector' | 'matrix' | 'scalar' | 'string';

interface Signature {
  args: ValueType[];
  /** Arguments from this index on may be left out. */
  optionalFrom?: number;
  /** The last argument may repeat. */
  variadic?: boolean;
  returns: ValueType;
}

const onMatrix: Signature = { args: ['matrix'], returns: 'vector' };
const onVector: Signature = { args: ['vector'], returns: 'vector' };
const clockFn: Signature = { args: ['vector'], optionalFrom: 0, returns: 'vector' };

/** Prometheus' functions whose signature is checked (web/ui lezer names, lower-cased). */
const FUNCTIONS: Record<string, Signature> = {
  ...Object.fromEntries(
    ['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes', 'absent_over_time', 'present_over_time', 'last_over_time']
      .concat(['avg', 'min', 'max', 'sum', 'count', 'stddev', 'stdvar', 'mad'].map((a) => `${a}_over_time`))
      .map((name) => [name, onMatrix]),
  ),
  ...Object.fromEntries(['abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'absent', 'timestamp', 'sort', 'sort_desc', 'sgn'].map((name) => [name, onVector])),
  ...Object.fromEntries(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((name) => [name, clockFn])),
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  holt_winters: { args: ['matrix', 'scalar', 'scalar'], returns: 'vector' },
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  round: { args: ['vector', 'scalar'], optionalFrom: 1, returns: 'vector' },
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  label_replace: { args: ['vector', 'string', 'string', 'string', 'string'], returns: 'vector' },
  label_join: { args: ['vector', 'string', 'string', 'string'], optionalFrom: 3, variadic: true, returns: 'vector' },
  vector: { args: ['scalar'], returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  time: { args: [], returns: 'scalar' },
  pi: { args: [], returns: 'scalar' },
};

/** Aggregations that take a parameter before the vector, and its type. */
const AGGREGATION_PARAMETER: Record<string, ValueType> = { topk: 'scalar', bottomk: 'scalar', quantile: 'scalar', count_values: 'string', limitk: 'scalar', limit_ratio: 'scalar' };

const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Gte', 'Lss', 'Lte']);
const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const BINARY_SKIP = new Set(['BoolModifier', 'MatchingModifierClause']);

const describe = (type: ValueType) => (type === 'vector' ? 'instant vector' : type === 'matrix' ? 'range vector' : type);

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** Whether a label matcher certainly matches the empty value (unknown shapes: false). */
function matchesEmpty(matcher: SyntaxNode, expr: string): boolean {
  const op = matcher.getChild('MatchOp')?.firstChild?.name;
  const literal = matcher.getChild('StringLiteral');
  if (op === undefined || literal === null) return false;
  const value = expr.slice(literal.from + 1, literal.to - 1);
  if (op === 'EqlSingle') return value === '';
  if (op === 'Neq') return value !== '';
  if (op === 'EqlRegex') return value === '' || value === '.*';
  return false;
}

/** The type errors of a tree that parsed without syntax errors. */
export function promqlTypeErrors(top: SyntaxNode, expr: string): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  const fail = (node: SyntaxNode, message: string) => errors.push({ offset: node.from, message: `PromQL error at offset ${node.from}: ${message}` });
  const expect = (node: SyntaxNode, want: ValueType, context: string) => {
    const got = typeOf(node);
    if (got !== undefined && got !== want) fail(node, `expected type ${describe(want)} in ${context}, got ${describe(got)}`);
  };

  function typeOf(node: SyntaxNode): ValueType | undefined {
    switch (node.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'UnaryExpr': {
        // The wrapped expression comes first, after the sign of a unary expression.
        const inner = node.name === 'UnaryExpr' ? node.firstChild?.nextSibling : node.firstChild;
        if (node.name === 'OffsetExpr' && inner && !['VectorSelector', 'MatrixSelector', 'SubqueryExpr'].includes(inner.name)) {
          fail(node, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
        }
        return inner ? typeOf(inner) : undefined;
      }
      case 'NumberDurationLiteral': {
        // Go's ParseFloat refuses what overflows float64 (1e400); JavaScript makes it Infinity.
        const text = expr.slice(node.from, node.to);
        if (!/inf/i.test(text) && !Number.isFinite(Number(text)) && !Number.isNaN(Number(text))) fail(node, `number ${text} out of range`);
        return 'scalar';
      }
      case 'StringLiteral':
        return 'string';
      case 'MatrixSelector':
      case 'SubqueryExpr':
        return 'matrix';
      case 'VectorSelector': {
        const parts = children(node);
        const matchers = parts.find((c) => c.name === 'LabelMatchers');
        if (!parts.some((c) => c.name === 'Identifier') && (matchers === undefined || children(matchers).every((m) => matchesEmpty(m, expr)))) {
          fail(node, 'vector selector must contain at least one non-empty matcher');
        }
        return 'vector';
      }
      case 'FunctionCall': {
        const name = expr.slice(node.firstChild?.from ?? 0, node.firstChild?.to ?? 0);
        const body = children(node).find((c) => c.name === 'FunctionCallBody');
        const args = body ? children(body) : [];
        const signature = FUNCTIONS[name];
        if (signature === undefined) {
          args.forEach(typeOf);
          return undefined;
        }
        const min = signature.optionalFrom ?? signature.args.length;
        const max = signature.variadic ? Infinity : signature.args.length;
        if (args.length < min || args.length > max) {
          fail(node, `expected ${min === max ? min : `${min} or more`} argument(s) in call to "${name}", got ${args.length}`);
          return signature.returns;
        }
        args.forEach((arg, i) => expect(arg, signature.args[Math.min(i, signature.args.length - 1)] as ValueType, `call to function "${name}"`));
        return signature.returns;
      }
      case 'AggregateExpr': {
        const op = expr.slice(node.firstChild?.from ?? 0, node.firstChild?.to ?? 0);
        const body = children(node).find((c) => c.name === 'FunctionCallBody');
        const args = body ? children(body) : [];
        const parameter = AGGREGATION_PARAMETER[op];
        const want = parameter === undefined ? 1 : 2;
        if (args.length !== want) {
          fail(node, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
          return 'vector';
        }
        if (parameter !== undefined) expect(args[0] as SyntaxNode, parameter, 'aggregation parameter');
        expect(args[want - 1] as SyntaxNode, 'vector', 'aggregation expression');
        return 'vector';
      }
      case 'BinaryExpr': {
        const parts = children(node).filter((c) => !BINARY_SKIP.has(c.name));
        const [left, operator, right] = parts;
        if (left === undefined || operator === undefined || right === undefined) return undefined;
        const types = [typeOf(left), typeOf(right)];
        if (types.includes(undefined)) return types.includes('vector') ? 'vector' : undefined;
        if (types.some((t) => t === 'matrix' || t === 'string')) {
          fail(node, 'binary expression must contain only scalar and instant vector types');
          return undefined;
        }
        const hasBool = children(node).some((c) => c.name === 'BoolModifier');
        if (SET_OPERATORS.has(operator.name) && types.includes('scalar')) fail(node, `set operator "${expr.slice(operator.from, operator.to)}" not allowed in binary scalar expression`);
        if (COMPARISONS.has(operator.name) && types.every((t) => t === 'scalar') && !hasBool) fail(node, 'comparisons between scalars must use BOOL modifier');
        return types.includes('vector') ? 'vector' : 'scalar';
      }
      default:
        return undefined;
    }
  }

  const result = typeOf(top);
  // A rule's result is evaluated as a vector or a scalar; promtool's tests fail on anything else.
  if (errors.length === 0 && (result === 'string' || result === 'matrix')) {
    fail(top, `expected an instant vector or scalar result, got ${describe(result)}`);
  }
  return errors;
}
