import { compareText } from '../text-order.js';

// Plain scalars only where no YAML 1.1 or 1.2 reader could take them for anything but a string;
// other printable text is single-quoted; the rest double-quoted with JSON escapes, which YAML's
// double-quoted style accepts.
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./()-]+)*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|nan|inf)$/i;
const DURATION = /^(?:\d+(?:ms|[smhdwy]))+$/;
const PRINTABLE = /^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]+$/;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if ((PLAIN.test(value) && !RESERVED.test(value)) || DURATION.test(value)) return value;
  // Single quotes keep PromQL readable (no escaped double quotes); they only double `'`.
  if (PRINTABLE.test(value)) return `'${value.replaceAll("'", "''")}'`;
  return JSON.stringify(value);
}

/** Keys repeat (`series`, `values`, label names): each is quoted once per process. */
const KEY_SCALARS = new Map<string, string>();
function keyScalar(key: string): string {
  let quoted = KEY_SCALARS.get(key);
  if (quoted === undefined) {
    quoted = scalar(key);
    if (KEY_SCALARS.size < 10_000) KEY_SCALARS.set(key, quoted);
  }
  return quoted;
}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

function isScalar(value: Value): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

function isEmpty(value: Value): boolean {
  return Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function write(value: Value, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isScalar(item) || isEmpty(item)) {
        out.push(`${indent}- ${isScalar(item) ? scalar(item) : Array.isArray(item) ? '[]' : '{}'}\n`);
      } else if (Array.isArray(item)) {
        out.push(`${indent}-\n`);
        write(item, `${indent}  `, out);
      } else {
        // The first key shares the dash's line, the rest align under it (rewritten in place:
        // copying each item's lines up through every level cost a third of the emitter's time).
        const first = out.length;
        write(item, `${indent}  `, out);
        out[first] = `${indent}- ${(out[first] as string).slice(indent.length + 2)}`;
      }
    }
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, Value>)) {
    if (item === undefined) continue;
    const name = keyScalar(key);
    if (isScalar(item)) out.push(`${indent}${name}: ${scalar(item)}\n`);
    else if (isEmpty(item)) out.push(`${indent}${name}: ${Array.isArray(item) ? '[]' : '{}'}\n`);
    else {
      out.push(`${indent}${name}:\n`);
      write(item, `${indent}  `, out);
    }
  }
}

/**
 * Deterministic block-style YAML for generated files: keys in the order given, two-space
 * indent, no folding. Written here rather than with the `yaml` package's stringify because
 * building its document model dominated `vigil generate` (scripts/bench.mjs compares both);
 * a property test parses the output back with `yaml` and checks it is the same data. `header`
 * goes first, as is: a generated file's notice (see generated-mark.ts).
 */
export function toYaml(value: unknown, header = ''): string {
  const out: string[] = [header];
  if (isScalar(value as Value) || isEmpty(value as Value)) {
    out.push(`${isScalar(value as Value) ? scalar(value as string) : Array.isArray(value) ? '[]' : '{}'}\n`);
  } else write(value as Value, '', out);
  return out.join('');
}

/** Sorts an object's keys, so label maps never depend on the order they were written in. */
export function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
