import type { Matcher, Service } from '../../model/types.js';
import { datadogTag } from '@vigil/conventions';

/** Why a definition has no Datadog equivalent (closed set of reasons, with details). */
export class UnmappedError extends Error {}

/** A duration as a Datadog timeframe (`5m`, `1h`, `2d`), rounded up to whole minutes, at least 1m. */
export function ddDuration(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Whole minutes, rounded up, at least `min`. */
export function ddMinutes(seconds: number, min = 1): number {
  return Math.max(min, Math.ceil(seconds / 60));
}

/** A number as Datadog queries and thresholds write it. */
export function ddNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

/**
 * The values a regular-expression matcher accepts, as Datadog tag values (`*` wildcards); only
 * alternations of literals with optional `.*` are expressible in a Datadog tag filter.
 */
function regexValues(matcher: Matcher): string[] {
  const alternatives = matcher.value.split('|');
  return alternatives.map((alternative) => {
    const pieces = alternative.split('.*');
    if (pieces.some((piece) => /[\\^$.+?()[\]{}*|]/.test(piece)) || alternative === '') {
      throw new UnmappedError(`matcher ${matcher.label}${matcher.op}"${matcher.value}" is not a list of literals (Datadog tag filters take values and * wildcards)`);
    }
    return pieces.map(datadogTag).join('*');
  });
}

/**
 * The tag filter of a query: the service's `service` tag (the exporter sends the resource's
 * `service.name`) and the matchers, with label names as tag keys. Plain filters are joined
 * with commas; any `IN` list (`oneOf`, or a regex alternation) switches the whole filter to ` AND `.
 */
export function ddFilter(service: Service | undefined, matchers: readonly Matcher[], oneOf?: { key: string; values: string[] }): string {
  const parts: string[] = service ? [`service:${datadogTag(service.name)}`] : [];
  let boolean = false;
  if (oneOf) {
    boolean = true;
    parts.push(`${oneOf.key} IN (${oneOf.values.join(',')})`);
  }
  for (const matcher of matchers) {
    const key = datadogTag(matcher.label);
    if (matcher.op === '=' || matcher.op === '!=') {
      parts.push(`${matcher.op === '!=' ? '!' : ''}${key}:${datadogTag(matcher.value)}`);
      continue;
    }
    const values = regexValues(matcher);
    if (values.length === 1) parts.push(`${matcher.op === '!~' ? '!' : ''}${key}:${values[0]!}`);
    else {
      boolean = true;
      parts.push(`${key} ${matcher.op === '!~' ? 'NOT IN' : 'IN'} (${values.join(',')})`);
    }
  }
  if (parts.length === 0) return '{*}';
  return `{${parts.join(boolean ? ' AND ' : ',')}}`;
}

/** ` by {a,b}` or nothing. */
export function ddBy(groupBy: readonly string[]): string {
  return groupBy.length === 0 ? '' : ` by {${groupBy.map(datadogTag).join(',')}}`;
}
