import { assertNever } from '@vigil/conventions';

/** The text formats the endpoint serves: Prometheus text 0.0.4, or OpenMetrics 1.0.0 (with exemplars). */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** The Prometheus text exposition format, as prom-client and the Go client serve it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The OpenMetrics text format, served when the scraper asks for it (`Accept`). */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The `Content-Type` of a body in `format`. */
export function contentTypeOf(format: ExpositionFormat): string {
  switch (format) {
    case 'prometheus':
      return PROMETHEUS_CONTENT_TYPE;
    case 'openmetrics':
      return OPENMETRICS_CONTENT_TYPE;
    default:
      return assertNever(format);
  }
}

/** One media range of an `Accept` or `Accept-Encoding` header: its value, parameters and weight. */
interface Preference {
  value: string;
  params: Map<string, string>;
  q: number;
}

function preferences(header: string | undefined): Preference[] {
  if (!header) return [];
  const out: Preference[] = [];
  for (const part of header.split(',')) {
    const [head, ...rest] = part.split(';');
    const value = (head ?? '').trim().toLowerCase();
    if (value === '') continue;
    const params = new Map<string, string>();
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, ''));
    }
    const q = params.has('q') ? Number(params.get('q')) : 1;
    out.push({ value, params, q: Number.isFinite(q) ? q : 0 });
  }
  return out;
}

/** OpenMetrics versions whose text this endpoint's output satisfies. */
const OPENMETRICS_VERSIONS = new Set(['1.0.0', '0.0.1']);

/**
 * The format to answer an `Accept` header with: OpenMetrics when the scraper ranks it at least as
 * high as the Prometheus text format (Prometheus itself sends
 * `application/openmetrics-text;version=1.0.0,...,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`),
 * the Prometheus text format otherwise (also for no header, `*\/*` or anything unknown).
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  let openMetrics = 0;
  let text = 0;
  for (const p of preferences(accept)) {
    if (p.value === 'application/openmetrics-text') {
      const version = p.params.get('version');
      if (version === undefined || OPENMETRICS_VERSIONS.has(version)) openMetrics = Math.max(openMetrics, p.q);
    } else if (p.value === 'text/plain' || p.value === '*/*' || p.value === 'text/*') {
      text = Math.max(text, p.q);
    }
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}

/** Whether an `Accept-Encoding` header accepts gzip (`gzip` or `*` with a non-zero weight, and gzip not refused). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  let gzip: number | undefined;
  let any: number | undefined;
  for (const p of preferences(acceptEncoding)) {
    if (p.value === 'gzip' || p.value === 'x-gzip') gzip = Math.max(gzip ?? 0, p.q);
    else if (p.value === '*') any = p.q;
  }
  return (gzip ?? any ?? 0) > 0;
}
