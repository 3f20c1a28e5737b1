import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHOP_DEFINITIONS } from '../../../test/support/fake-prometheus.js';
import { EXIT } from './exit-codes.js';
import { runCli } from './main.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-validate-power-'));
  await mkdir(join(root, 'definitions'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function validate(perMinute: number): Promise<{ code: number; out: string }> {
  const text = SHOP_DEFINITIONS.replace(
    'denominator: { metric: shop.orders } }\n',
    `denominator: { metric: shop.orders } }\n      expected_traffic: { per_minute: ${perMinute}, rate: 0.01 }\n`,
  );
  await writeFile(join(root, 'definitions/shop.yaml'), text);
  let out = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (out += t) };
  expect(await runCli(['--root', root, 'generate'], io, {})).toBe(EXIT.ok);
  out = '';
  return { code: await runCli(['--root', root, 'validate'], io, {}), out };
}

describe('vigil validate: honest power from the declared traffic (issue 12)', () => {
  it('warns, without failing, when a KPI cannot be decided within the canary window', async () => {
    const slow = await validate(1200);
    expect(slow.code, slow.out).toBe(EXIT.ok);
    expect(slow.out).toMatch(/^warning: autopilot shop, KPI failed_orders: cannot reach the configured 10\.0% within 60 min/m);
    const fast = await validate(12_000);
    expect(fast.code, fast.out).toBe(EXIT.ok);
    expect(fast.out).not.toMatch(/warning/);
  });
});
