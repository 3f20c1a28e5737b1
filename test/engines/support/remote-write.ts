/**
 * A minimal Prometheus remote-write client: a protobuf `WriteRequest` encoded by hand and
 * framed as snappy literals (valid snappy that does not compress), so the test feeds the same
 * samples to Prometheus' and VictoriaMetrics' `/api/v1/write` without a protobuf or snappy
 * dependency.
 */
import { parseSelector } from './promtool-scenarios.js';

/** One series: labels (with `__name__`) and samples as `[timestampMs, value]`. */
export interface WriteSeries {
  labels: Record<string, string>;
  samples: (readonly [number, number])[];
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  while (v >= 0x80n) {
    bytes.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  bytes.push(Number(v));
  return bytes;
}

function field(tag: number, wire: number, payload: number[]): number[] {
  return [...varint((tag << 3) | wire), ...(wire === 2 ? varint(payload.length) : []), ...payload];
}

function text(tag: number, value: string): number[] {
  return field(tag, 2, [...Buffer.from(value, 'utf8')]);
}

function encodeSeries(series: WriteSeries): number[] {
  const out: number[] = [];
  for (const [name, value] of Object.entries(series.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push(...field(1, 2, [...text(1, name), ...text(2, value)]));
  }
  for (const [ts, value] of series.samples) {
    const double = Buffer.alloc(8);
    double.writeDoubleLE(value);
    out.push(...field(2, 2, [...field(1, 1, [...double]), ...field(2, 0, varint(ts))]));
  }
  return out;
}

/** Snappy block format with literal chunks only (at most 60 bytes need no length bytes). */
export function snappyLiteral(input: Uint8Array): Buffer {
  const out: number[] = [...varint(input.length)];
  for (let offset = 0; offset < input.length; offset += 65536) {
    const chunk = input.subarray(offset, offset + 65536);
    const n = chunk.length - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    for (const byte of chunk) out.push(byte);
  }
  return Buffer.from(out);
}

/** The body of a remote-write request for `series`. */
export function encodeWriteRequest(series: readonly WriteSeries[]): Buffer {
  const body: number[] = [];
  for (const one of series) body.push(...field(1, 2, encodeSeries(one)));
  return snappyLiteral(Uint8Array.from(body));
}

/** Posts `series` to a remote-write endpoint, in batches; throws on a non-2xx answer. */
export async function remoteWrite(url: string, series: readonly WriteSeries[]): Promise<void> {
  for (let i = 0; i < series.length; i += 50) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      body: encodeWriteRequest(series.slice(i, i + 50)),
    });
    if (!response.ok) throw new Error(`remote write to ${url}: ${response.status} ${await response.text()}`);
  }
}

/** OpenMetrics text (`name{labels} value seconds` lines, as `syntheticOpenMetrics` writes) as remote-write series. */
export function openMetricsSeries(text: string): WriteSeries[] {
  const series = new Map<string, WriteSeries>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(.*)\s(\S+)\s(\S+)$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    const entry = series.get(key) ?? { labels: parseSelector(key), samples: [] };
    entry.samples.push([Math.round(Number(match[3]) * 1000), Number(match[2])]);
    series.set(key, entry);
  }
  return [...series.values()];
}
