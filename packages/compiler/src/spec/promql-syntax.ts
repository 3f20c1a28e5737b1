// Lives in spec/ because the schema parses raw expressions at load; promql/parse.ts re-exports it.
import { parser } from '@prometheus-io/lezer-promql';
import { promqlTypeErrors } from './promql-types.js';

export type { PromqlSyntaxError } from './promql-error.js';
import type { PromqlSyntaxError } from './promql-error.js';

/** Parses an expression with Prometheus' own lezer grammar and returns its syntax and type errors. */
export function promqlSyntaxErrors(expr: string): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        const near = expr.slice(node.from, node.from + 20) || 'end of expression';
        errors.push({ offset: node.from, message: `PromQL syntax error at offset ${node.from} near ${JSON.stringify(near)}` });
      }
    },
  });
  // Types are checked only on a tree the grammar accepted, as Prometheus does.
  return errors.length > 0 ? errors : promqlTypeErrors(tree.topNode, expr);
}
