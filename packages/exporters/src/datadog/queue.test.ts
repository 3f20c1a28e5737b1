import { describe, expect, it } from 'vitest';
import { BatchQueue, estimateBatchBytes } from './queue.js';
import type { SeriesBatch } from './types.js';

function batch(id: string, series: number): SeriesBatch {
  return {
    id,
    createdAt: 0,
    series: Array.from({ length: series }, (_, i) => ({ metric: 'http.server.requests', type: 'count' as const, tags: ['service:checkout', `route:/api/${i}`, 'region:eu'], points: [{ timestamp: 1, value: i }] })),
  };
}

describe('BatchQueue bounds in bytes as well as batches', () => {
  it('evicts the oldest batches until the new one fits in the byte bound', () => {
    const size = estimateBatchBytes(batch('x', 100));
    // Room for three 100-series batches (and the longer tags of a 200-series one).
    const queue = new BatchQueue(1_000, 'drop-oldest', size * 3 + 1_000);
    expect(queue.push(batch('a', 100))).toEqual([]);
    expect(queue.push(batch('b', 100))).toEqual([]);
    expect(queue.push(batch('c', 100))).toEqual([]);
    expect(queue.push(batch('d', 200)).map((b) => b.id)).toEqual(['a', 'b']);
    expect(queue.toArray().map((b) => b.id)).toEqual(['c', 'd']);
    expect(queue.bytes).toBe(size + estimateBatchBytes(batch('d', 200)));
    queue.shift();
    queue.shift();
    expect(queue.bytes).toBe(0);
  });

  it('refuses the arriving batch with drop-newest, and a batch larger than the whole bound with either policy', () => {
    const size = estimateBatchBytes(batch('x', 100));
    const newest = new BatchQueue(1_000, 'drop-newest', size * 2);
    newest.push(batch('a', 100));
    newest.push(batch('b', 100));
    expect(newest.push(batch('c', 100)).map((b) => b.id)).toEqual(['c']);
    const oldest = new BatchQueue(1_000, 'drop-oldest', size * 2);
    oldest.push(batch('a', 100));
    expect(oldest.push(batch('huge', 1_000)).map((b) => b.id)).toEqual(['huge']);
    expect(oldest.toArray().map((b) => b.id)).toEqual(['a']);
  });

  it('estimates about 400 bytes per series of a typical batch, so the 64 MiB default holds about 80 batches of 2,000 series', () => {
    const perSeries = estimateBatchBytes(batch('x', 2_000)) / 2_000;
    expect(perSeries).toBeGreaterThan(300);
    expect(perSeries).toBeLessThan(600);
  });
});
