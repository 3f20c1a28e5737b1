import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canarySplit, candidateFileOf, watchCanaryParameters } from './canary.js';

describe('canarySplit', () => {
  it('gives each unit the same variant every time', () => {
    const split = canarySplit({ percentage: 20 });
    fc.assert(fc.property(fc.string(), (id) => split.variantOf(id) === split.variantOf(id)));
  });

  it('puts the configured share of units in the canary (within 1 point on 100k ids)', () => {
    for (const percentage of [0, 5, 20, 50, 100]) {
      const split = canarySplit({ percentage });
      let canary = 0;
      for (let i = 0; i < 100_000; i++) if (split.variantOf(`user-${i}`) === 'canary') canary++;
      expect(Math.abs(canary / 1000 - percentage)).toBeLessThan(1);
    }
  });

  it('keeps canary units in the canary when the percentage grows, and reshuffles with a new salt', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (id, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        if (canarySplit({ percentage: low }).variantOf(id) === 'canary') {
          expect(canarySplit({ percentage: high }).variantOf(id)).toBe('canary');
        }
      }),
    );
    const ids = Array.from({ length: 2000 }, (_, i) => `u${i}`);
    const one = ids.map((id) => canarySplit({ percentage: 50, salt: 'exp-1' }).variantOf(id));
    const two = ids.map((id) => canarySplit({ percentage: 50, salt: 'exp-2' }).variantOf(id));
    const same = one.filter((v, i) => v === two[i]).length / ids.length;
    expect(same).toBeGreaterThan(0.4);
    expect(same).toBeLessThan(0.6);
  });

  it('rejects a percentage outside 0..100', () => {
    expect(() => canarySplit({ percentage: 120 })).toThrow(/within 0..100/);
    expect(() => canarySplit({ percentage: Number.NaN })).toThrow(RangeError);
  });
});

describe('watchCanaryParameters', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-canary-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves control to everyone until a candidate exists, then the canary share reads it', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, 'selection:\n  diversity_weight: 0.4\n');
    const params = await watchCanaryParameters<{ selection: { diversity_weight: number } }>({ file, percentage: 20, reloadIntervalMs: 60_000 });
    try {
      expect(params.forUnit('u1')).toEqual({ variant: 'control', values: { selection: { diversity_weight: 0.4 } } });
      await writeFile(candidateFileOf(file), 'selection:\n  diversity_weight: 0.5\n');
      await params.reload();
      const seen = new Map<string, number>();
      for (let i = 0; i < 1000; i++) {
        const { variant, values } = params.forUnit(`u${i}`);
        expect(values.selection.diversity_weight).toBe(variant === 'canary' ? 0.5 : 0.4);
        seen.set(variant, (seen.get(variant) ?? 0) + 1);
      }
      expect(seen.get('canary')).toBeGreaterThan(150);
      expect(seen.get('canary')).toBeLessThan(250);
      await unlink(candidateFileOf(file));
      await params.reload();
      expect(params.candidate).toBeUndefined();
      expect(params.forUnit('u1').variant).toBe('control');
    } finally {
      params.close();
    }
  });

  it('keeps the last good parameters when a reload fails', async () => {
    const file = join(dir, 'card.json');
    await writeFile(file, '{"budget": 120}');
    const params = await watchCanaryParameters({ file, percentage: 20, reloadIntervalMs: 60_000 });
    try {
      await writeFile(file, '{"budget": ');
      await expect(params.reload()).rejects.toThrow();
      expect(params.control).toEqual({ budget: 120 });
    } finally {
      params.close();
    }
  });
});
