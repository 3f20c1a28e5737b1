/** One changed value of a JSON document, by path. */
export interface JsonChange {
  /** `dashboard.panels[3]("Error ratio").targets[0].expr`: objects with a title are named. */
  path: string;
  /** JSON text of the value before and after; undefined when absent on that side. */
  before?: string;
  after?: string;
}

function label(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return '';
  const named = value as Record<string, unknown>;
  const name = named.title ?? named.name ?? named.uid;
  return typeof name === 'string' && name !== '' ? `(${JSON.stringify(name)})` : '';
}

function walk(path: string, before: unknown, after: unknown, out: JsonChange[]): void {
  if (before === after) return;
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = before !== null && after !== null && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after);
  if (bothArrays) {
    const a = before as unknown[];
    const b = after as unknown[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      walk(`${path}[${i}]${label(b[i] ?? a[i])}`, i < a.length ? a[i] : undefined, i < b.length ? b[i] : undefined, out);
    }
    return;
  }
  if (bothObjects) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
      walk(`${path}${step}`, a[key], b[key], out);
    }
    return;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  out.push({
    path: path.replace(/^\./, '') || '(root)',
    ...(before === undefined ? {} : { before: JSON.stringify(before) }),
    ...(after === undefined ? {} : { after: JSON.stringify(after) }),
  });
}

/** Every changed leaf (or added/removed subtree) between two JSON values, in document order. */
export function jsonChanges(before: unknown, after: unknown): JsonChange[] {
  const out: JsonChange[] = [];
  walk('', before, after, out);
  return out;
}

/** Text cut to `max` characters, saying how much was cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

/** Changes as `path: old -> new` lines, values truncated, at most `limit` lines and a count of the rest. */
export function formatJsonChanges(changes: readonly JsonChange[], limit = 20, width = 80): string[] {
  const lines = changes.slice(0, limit).map((c) => {
    if (c.before === undefined) return `  + ${c.path}: ${truncate(c.after ?? '', width)}`;
    if (c.after === undefined) return `  - ${c.path}: ${truncate(c.before, width)}`;
    return `  ~ ${c.path}: ${truncate(c.before, width)} -> ${truncate(c.after, width)}`;
  });
  if (changes.length > limit) lines.push(`  ... and ${changes.length - limit} more changed value(s)`);
  return lines;
}
