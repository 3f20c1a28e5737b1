import type { Dashboard, Panel, PanelQuery } from '@vigil/compiler';

/** Values for Grafana's built-in variables, as Grafana would fill them on a 1 h range. */
export const BUILTIN_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '1h',
};

/**
 * Substitutes Grafana variables in a query: built-ins by their value, dashboard variables by
 * `.*` (Grafana's "All"), since Vigil puts every dashboard variable in a regex matcher.
 */
export function substituteVariables(expr: string, builtins: Record<string, string> = BUILTIN_VARIABLES): string {
  return expr.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => builtins[name] ?? '.*');
}

/** Every panel of a dashboard, rows flattened. */
export function panelsOf(board: Dashboard): Panel[] {
  return board.rows.flatMap((row) => row.panels);
}

/** One query with where it comes from, for messages. */
export interface LocatedQuery {
  dashboard: string;
  panel: Panel;
  query: PanelQuery;
}

export function queriesOf(boards: readonly Dashboard[]): LocatedQuery[] {
  return boards.flatMap((board) => panelsOf(board).flatMap((panel) => panel.queries.map((query) => ({ dashboard: board.uid, panel, query }))));
}

/** `label_values(<selector>, <label>)` split into its parts, or undefined for other queries. */
export function parseLabelValues(query: string): { selector: string; label: string } | undefined {
  const match = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(query.trim());
  return match ? { selector: match[1] as string, label: match[2] as string } : undefined;
}
