import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { assertNever } from '@vigil/conventions';
import type { ExpositionFormat } from './exposition-format.js';

/**
 * The kind of an instrument as the writer exposes it: `updowncounter` is written as a gauge, as
 * the OpenTelemetry serializer writes non-monotonic sums.
 */
export type ExpositionKind = 'counter' | 'updowncounter' | 'gauge' | 'histogram';

/** The instrumentation scope of a family (`otel_scope_name`, `otel_scope_version` labels). */
export interface ExpositionScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
}

/**
 * One exemplar: the trace and span that were active when a value was recorded. Written in
 * OpenMetrics only (`# {trace_id="...",span_id="..."} value timestamp`).
 */
export interface ExpositionExemplar {
  traceId: string;
  spanId: string;
  value: number;
  /** Milliseconds since the epoch. */
  time: number;
}

/**
 * A family begun by {@link ExpositionWriter.family}: the strings every sample line of it is made
 * of, built once per scrape, so that a line is a few concatenations of cached strings.
 */
export interface ExpositionFamily {
  /** The sample name (with `_total` for counters). */
  readonly name: string;
  /** `name{` for lines whose label block is not empty. */
  readonly open: string;
  /** `,<scope and resource labels>} ` after a label block. */
  readonly close: string;
  /** The whole `name{<scope and resource labels>} ` (or `name `) of a line without a label block. */
  readonly bare: string;
  /** Histograms: per bucket (the last is `+Inf`), the `_bucket` line parts. */
  readonly bucketClose: readonly string[];
  readonly bucketBare: readonly string[];
  readonly bucketOpen: string;
  readonly countOpen: string;
  readonly countClose: string;
  readonly countBare: string;
  readonly sumOpen: string;
  readonly sumBare: string;
}

/** Options of an {@link ExpositionWriter}, from the endpoint's options. */
export interface ExpositionWriterOptions {
  /** Prefix (`prefix_`) on every metric name. */
  prefix?: string | undefined;
  /** Leave out `otel_scope_name`/`otel_scope_version`. */
  withoutScopeInfo?: boolean | undefined;
  /** Resource attributes written on every series, in order (already filtered by the endpoint). */
  constantLabels?: Attributes | undefined;
}

/** A source that writes its series straight into a scrape (Vigil's cells, the prom-client bridge). */
export interface ExpositionSource {
  /** Writes this source's families; may be async (a prom-client registry with async collectors). */
  writeExposition(writer: ExpositionWriter): void | Promise<void>;
}

/** Whether a metric producer can write its series itself, skipping OpenTelemetry's MetricData. */
export function isExpositionSource(value: unknown): value is ExpositionSource {
  return typeof value === 'object' && value !== null && typeof (value as Partial<ExpositionSource>).writeExposition === 'function';
}

const INVALID_NAME = /[^a-z0-9_]/gi;
const UNDERSCORE_RUNS = /_{2,}/g;
const NEEDS_ESCAPE = /[\\\n"]/;

/** A metric or label name as the OpenTelemetry serializer sanitizes it. */
export function sanitizeName(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(INVALID_NAME, '_').replace(UNDERSCORE_RUNS, '_');
}

/** A label value escaped for both text formats (backslash, newline, double quote); non-strings as JSON, as OpenTelemetry does. */
export function escapeLabelValue(value: AttributeValue | undefined): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** HELP and UNIT text: the Prometheus format escapes backslash and newline, OpenMetrics also double quotes. */
function escapeText(text: string, format: ExpositionFormat): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

/** A sample value as both formats write it (what `${value}` gives, with `+Inf`/`-Inf`). */
export function formatValue(value: number): string {
  return value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : '' + value;
}

/**
 * `name="value",...` for attributes, as the OpenTelemetry serializer writes them (attribute
 * order, sanitized names, escaped values): the part of a series' line that never changes, which
 * sources build once and cache.
 */
export function labelBlock(attributes: Attributes): string {
  const parts: string[] = [];
  for (const key in attributes) {
    if (parts.length > 0) parts.push(',');
    parts.push(sanitizeName(key), '="', escapeLabelValue(attributes[key]), '"');
  }
  // join gives one flat string; `+=` would keep a rope of small strings alive per cached block.
  return parts.join('');
}

/** OpenTelemetry units whose Prometheus unit word a family name may end with (OpenMetrics `# UNIT`). */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
  '1': 'ratio',
};

/**
 * The OpenMetrics `# UNIT` of a family, or undefined: OpenMetrics requires the family name to end
 * with `_<unit>`, and names must stay the same in both formats (rules query them), so a unit is
 * written only when the name already carries it (`checkout_duration_seconds`, unit `s`).
 */
function openMetricsUnit(family: string, unit: string): string | undefined {
  if (unit === '') return undefined;
  const word = UNIT_WORDS[unit] ?? sanitizeName(unit).toLowerCase();
  return word !== '' && family.endsWith(`_${word}`) ? word : undefined;
}

const INITIAL_BYTES = 64 * 1024;
const FLUSH_AT = 64 * 1024;

/**
 * Writes one scrape: families and their samples as text, in the Prometheus format byte for byte
 * as `@opentelemetry/exporter-prometheus`'s `PrometheusSerializer` writes it, or in OpenMetrics.
 * Lines are concatenated from strings cached per family and per series into a chunk, and each
 * chunk is encoded into one growing Buffer: no object per series or per line.
 */
export class ExpositionWriter {
  /** Families written (target_info aside): the Prometheus format says so when there are none. */
  families = 0;
  private chunk = '';
  private buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private used = 0;
  private readonly prefix: string;
  private readonly withoutScopeInfo: boolean;
  private readonly constantLabels: string;
  private readonly scopeTails = new Map<string, string>();

  constructor(
    readonly format: ExpositionFormat,
    options: ExpositionWriterOptions = {},
  ) {
    this.prefix = options.prefix ? `${options.prefix}_` : '';
    this.withoutScopeInfo = options.withoutScopeInfo ?? false;
    this.constantLabels = options.constantLabels ? labelBlock(options.constantLabels) : '';
  }

  /** {@link labelBlock}, for sources that must not load this package at run time to build their cached blocks. */
  labelBlock(attributes: Attributes): string {
    return labelBlock(attributes);
  }

  /**
   * The constant parts of label blocks over `names`: part j goes before the j-th value
   * (`name="` first, `",name="` after), and a block ends with `"`. A source that keeps label
   * values rather than blocks concatenates `part0 + value0 + part1 + value1 + ... + '"'`, which is
   * {@link labelBlock} when no value needs escaping.
   */
  labelBlockParts(names: readonly string[]): string[] {
    return names.map((name, j) => `${j === 0 ? '' : '",'}${sanitizeName(name)}="`);
  }

  /** Whether exemplars are written (OpenMetrics only). */
  get exemplars(): boolean {
    return this.format === 'openmetrics';
  }

  /** Appends raw text. */
  write(text: string): void {
    this.chunk += text;
    if (this.chunk.length >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    const chunk = this.chunk;
    this.chunk = '';
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    const need = this.used + chunk.length * 3;
    if (need > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    this.used += this.buffer.write(chunk, this.used, 'utf8');
  }

  /**
   * The Prometheus name of an OpenTelemetry metric name (prefix, sanitizing, leading digit, and
   * `_total` for counters in the Prometheus format), or undefined for a name that sanitizes to
   * nothing usable. In OpenMetrics a counter's family name has no `_total`; its samples do.
   */
  metricName(name: string, kind: ExpositionKind): string | undefined {
    let out = this.prefix + sanitizeName(name);
    if (out === '' || out === '_') return undefined;
    if (out.charCodeAt(0) >= 48 && out.charCodeAt(0) <= 57) out = `_${out}`;
    if (kind === 'counter' && !out.endsWith('_total')) out += '_total';
    return out;
  }

  /** `,otel_scope_name="...",...,<resource labels>` for a scope (cached per scope for the scrape). */
  private tail(scope: ExpositionScope | undefined): string {
    const key = scope === undefined || this.withoutScopeInfo ? '' : `${scope.name}\u0000${scope.schemaUrl ?? ''}\u0000${scope.version ?? ''}`;
    let tail = this.scopeTails.get(key);
    if (tail === undefined) {
      tail = '';
      if (scope !== undefined && !this.withoutScopeInfo) {
        tail += `,otel_scope_name="${escapeLabelValue(scope.name)}"`;
        if (scope.schemaUrl) tail += `,otel_scope_schema_url="${escapeLabelValue(scope.schemaUrl)}"`;
        if (scope.version) tail += `,otel_scope_version="${escapeLabelValue(scope.version)}"`;
      }
      if (this.constantLabels !== '') tail += `,${this.constantLabels}`;
      this.scopeTails.set(key, tail);
    }
    return tail;
  }

  /**
   * Writes a family's HELP, UNIT and TYPE and returns the parts of its sample lines, or undefined
   * when its name is unusable. `name` is the Prometheus name from {@link metricName}; for a
   * family whose samples come from several scopes, call {@link samplesOf} for the other scopes.
   */
  family(name: string, kind: ExpositionKind, help: string, unit: string, scope: ExpositionScope | undefined, boundaries: readonly number[] = []): ExpositionFamily {
    this.header(name, kind, help, unit);
    return this.samplesOf(name, kind, scope, boundaries);
  }

  /** Writes the HELP, UNIT and TYPE lines of a family. */
  header(name: string, kind: ExpositionKind, help: string, unit: string): void {
    this.families++;
    const type = kind === 'counter' ? 'counter' : kind === 'histogram' ? 'histogram' : 'gauge';
    switch (this.format) {
      case 'prometheus':
        this.write(`# HELP ${name} ${escapeText(help || 'description missing', 'prometheus')}\n${unit ? `# UNIT ${name} ${escapeText(unit, 'prometheus')}\n` : ''}# TYPE ${name} ${type}\n`);
        return;
      case 'openmetrics': {
        const family = kind === 'counter' ? name.slice(0, -'_total'.length) : name;
        const word = openMetricsUnit(family, unit);
        this.write(`# HELP ${family} ${escapeText(help || 'description missing', 'openmetrics')}\n# TYPE ${family} ${type}\n${word ? `# UNIT ${family} ${word}\n` : ''}`);
        return;
      }
      default:
        assertNever(this.format);
    }
  }

  /** The sample line parts of a family in one scope (without writing its header). */
  samplesOf(name: string, kind: ExpositionKind, scope: ExpositionScope | undefined, boundaries: readonly number[] = []): ExpositionFamily {
    const tail = this.tail(scope);
    const bare = (sample: string, labels: string): string => (labels === '' ? `${sample} ` : `${sample}{${labels.slice(1)}} `);
    const bucketClose: string[] = [];
    const bucketBare: string[] = [];
    if (kind === 'histogram') {
      for (let i = 0; i <= boundaries.length; i++) {
        const bound = boundaries[i];
        const le = `${tail},le="${bound === undefined || bound === Infinity ? '+Inf' : String(bound)}"`;
        bucketClose.push(`${le}} `);
        bucketBare.push(bare(`${name}_bucket`, le));
        if (bound === Infinity) break;
      }
    }
    return {
      name,
      open: `${name}{`,
      close: `${tail}} `,
      bare: bare(name, tail),
      bucketClose,
      bucketBare,
      bucketOpen: `${name}_bucket{`,
      countOpen: `${name}_count{`,
      countClose: `${tail}} `,
      countBare: bare(`${name}_count`, tail),
      sumOpen: `${name}_sum{`,
      sumBare: bare(`${name}_sum`, tail),
    };
  }

  /** One counter, up-down counter or gauge sample; `block` from {@link labelBlock}. */
  sample(family: ExpositionFamily, block: string, value: number, exemplar?: ExpositionExemplar): void {
    const head = block === '' ? family.bare : family.open + block + family.close;
    if (exemplar !== undefined && this.format === 'openmetrics') this.write(head + formatValue(value) + exemplarText(exemplar) + '\n');
    else this.write(head + formatValue(value) + '\n');
  }

  /**
   * One histogram's samples: `_count`, `_sum`, then the cumulative `_bucket` lines (the
   * OpenTelemetry serializer's order). `counts` holds per-bucket counts from `at`, one per
   * boundary plus the overflow; `exemplars[i]`, if any, the last value recorded in bucket i.
   */
  histogram(
    family: ExpositionFamily,
    block: string,
    count: number,
    sum: number | undefined,
    counts: ArrayLike<number>,
    at: number,
    exemplars?: readonly (ExpositionExemplar | undefined)[],
  ): void {
    let text = (block === '' ? family.countBare : family.countOpen + block + family.countClose) + formatValue(count) + '\n';
    if (sum !== undefined) text += (block === '' ? family.sumBare : family.sumOpen + block + family.countClose) + formatValue(sum) + '\n';
    const withExemplars = exemplars !== undefined && this.format === 'openmetrics';
    let cumulative = 0;
    const n = family.bucketClose.length;
    for (let i = 0; i < n; i++) {
      cumulative += counts[at + i] as number;
      text += (block === '' ? family.bucketBare[i] : family.bucketOpen + block + family.bucketClose[i]) + formatValue(cumulative);
      const exemplar = withExemplars ? exemplars[i] : undefined;
      text += exemplar === undefined ? '\n' : exemplarText(exemplar) + '\n';
    }
    this.write(text);
  }

  /** Ends the scrape: what the format requires at the end, then the body. */
  finish(): Buffer {
    switch (this.format) {
      case 'prometheus':
        if (this.families === 0) this.chunk += '# no registered metrics';
        break;
      case 'openmetrics':
        this.chunk += '# EOF\n';
        break;
      default:
        assertNever(this.format);
    }
    this.flush();
    return this.buffer.subarray(0, this.used);
  }
}

/** ` # {trace_id="...",span_id="..."} value timestamp` (seconds) after a sample value. */
function exemplarText(exemplar: ExpositionExemplar): string {
  return ` # {trace_id="${exemplar.traceId}",span_id="${exemplar.spanId}"} ${formatValue(exemplar.value)} ${(exemplar.time / 1000).toFixed(3)}`;
}
