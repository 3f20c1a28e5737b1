import { constants, gzipSync } from 'node:zlib';
import type { DatadogSeries } from './types.js';

/** Request limits of Datadog's v2 series API; options so tests can make them small. */
export interface PayloadLimits {
  /** Compressed body limit (bytes); Datadog: 512,000. */
  maxCompressedBytes: number;
  /** Decompressed body limit (bytes); Datadog: 5,242,880. */
  maxUncompressedBytes: number;
  /** Points per request; Datadog: 10,000 (we keep under it). */
  maxPoints: number;
}

/** Datadog's documented limits for `POST /api/v2/series`. */
export const DATADOG_PAYLOAD_LIMITS: PayloadLimits = {
  maxCompressedBytes: 512_000,
  maxUncompressedBytes: 5_242_880,
  maxPoints: 10_000,
};

const TYPE_CODES = { count: 1, gauge: 3 } as const;

/** The JSON the API client sends for one series (type as the intake code). */
export function toWireSeries(s: DatadogSeries): Record<string, unknown> {
  return {
    metric: s.metric,
    type: TYPE_CODES[s.type],
    points: s.points,
    tags: s.tags,
    ...(s.interval !== undefined ? { interval: s.interval } : {}),
    ...(s.unit !== undefined ? { unit: s.unit } : {}),
  };
}

/** The request body for a list of series, as sent before compression. */
export function seriesBody(series: readonly DatadogSeries[]): string {
  return JSON.stringify({ series: series.map(toWireSeries) });
}

/** A split outcome: chunks that fit, and series too large to ever fit on their own. */
export interface SplitResult {
  chunks: DatadogSeries[][];
  /** Single-point series that exceed a limit alone (dropped and counted as `too-large`). */
  oversized: DatadogSeries[];
}

const ENVELOPE_BYTES = '{"series":[]}'.length;

/**
 * Packs series into request-sized chunks: greedily by point count and uncompressed size, then
 * each chunk is compressed and halved until it is under the compressed limit. A series with many
 * points is split by points when it alone is too large.
 */
export function splitSeries(series: readonly DatadogSeries[], limits: PayloadLimits): SplitResult {
  const chunks: DatadogSeries[][] = [];
  const oversized: DatadogSeries[] = [];
  let current: DatadogSeries[] = [];
  let bytes = ENVELOPE_BYTES;
  let points = 0;

  const flush = (): void => {
    if (current.length > 0) chunks.push(current);
    current = [];
    bytes = ENVELOPE_BYTES;
    points = 0;
  };

  // Halves of too-large series wait on a stack (LIFO keeps their points in order); no Array#shift,
  // which is O(n) per call on 10k series.
  const halves: DatadogSeries[] = [];
  let next = 0;
  while (halves.length > 0 || next < series.length) {
    const s = halves.length > 0 ? halves.pop()! : series[next++]!;
    const size = Buffer.byteLength(JSON.stringify(toWireSeries(s))) + 1;
    if (ENVELOPE_BYTES + size > limits.maxUncompressedBytes || s.points.length > limits.maxPoints) {
      if (s.points.length > 1) {
        halves.push(...halvePoints(s).reverse());
      } else {
        oversized.push(s);
      }
      continue;
    }
    if (bytes + size > limits.maxUncompressedBytes || points + s.points.length > limits.maxPoints) flush();
    current.push(s);
    bytes += size;
    points += s.points.length;
  }
  flush();

  const fitted: DatadogSeries[][] = [];
  for (const chunk of chunks) fitCompressed(chunk, limits.maxCompressedBytes, fitted, oversized);
  return { chunks: fitted, oversized };
}

function halvePoints(s: DatadogSeries): DatadogSeries[] {
  const middle = Math.ceil(s.points.length / 2);
  return [
    { ...s, points: s.points.slice(0, middle) },
    { ...s, points: s.points.slice(middle) },
  ];
}

/**
 * Upper bound of the compressed size: gzip at the fastest level, whose output is larger than the
 * default level's that the transport sends, at a fraction of the time. A body whose raw size is
 * already under the limit needs no compression to know it fits.
 */
function compressedUpperBound(body: string): number {
  return gzipSync(body, { level: constants.Z_BEST_SPEED }).length;
}

function fitCompressed(chunk: DatadogSeries[], maxCompressed: number, out: DatadogSeries[][], oversized: DatadogSeries[]): void {
  const body = seriesBody(chunk);
  // gzip adds ~20 bytes of framing to incompressible input; 1 KiB of headroom covers it.
  if (Buffer.byteLength(body) + 1024 <= maxCompressed || compressedUpperBound(body) <= maxCompressed) {
    out.push(chunk);
    return;
  }
  const halves = halveChunk(chunk);
  if (halves === undefined) {
    oversized.push(...chunk);
    return;
  }
  for (const half of halves) fitCompressed(half, maxCompressed, out, oversized);
}

/** Halves a chunk by series, or a lone series by points; undefined when it is one point. */
export function halveChunk(chunk: readonly DatadogSeries[]): DatadogSeries[][] | undefined {
  if (chunk.length > 1) {
    const middle = Math.ceil(chunk.length / 2);
    return [chunk.slice(0, middle), chunk.slice(middle)];
  }
  const only = chunk[0];
  if (only === undefined || only.points.length <= 1) return undefined;
  return halvePoints(only).map((s) => [s]);
}

/** Number of points in a list of series. */
export function countPoints(series: readonly DatadogSeries[]): number {
  let n = 0;
  // Tolerant of damaged input (it counts what is dropped, and must not throw while doing so).
  for (const s of series) n += Array.isArray(s?.points) ? s.points.length : 0;
  return n;
}
