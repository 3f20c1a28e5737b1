import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeDatadog, type FakeDatadog } from '@vigil/exporters';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';
import { EXIT } from '../exit-codes.js';
import { planSync, sameWhereSet, type DesiredObject, type ExistingObject } from './sync.js';

describe('planSync (pure)', () => {
  const desired = (id: string, body: Record<string, unknown>): DesiredObject => ({ kind: 'monitor', id, body });
  const existing = (id: string, remoteId: string, body: Record<string, unknown>): ExistingObject => ({ kind: 'monitor', id, remoteId, body });

  it('creates missing, updates changed, keeps unchanged, reports orphans', () => {
    const plan = planSync(
      [desired('a', { query: 'q > 1' }), desired('b', { query: 'q > 2' }), desired('c', { query: 'q > 3' })],
      [existing('b', '11', { query: 'q > 2', id: 11, overall_state: 'OK' }), existing('c', '12', { query: 'q > 30' }), existing('gone', '13', { query: 'x' })],
    );
    expect(plan.create.map((o) => o.id)).toEqual(['a']);
    expect(plan.unchanged.map((u) => [u.desired.id, u.remoteId])).toEqual([['b', '11']]);
    expect(plan.update.map((u) => [u.desired.id, u.remoteId])).toEqual([['c', '12']]);
    expect(plan.orphaned.map((o) => o.id)).toEqual(['gone']);
  });

  it('matches by kind as well as id', () => {
    const plan = planSync([{ kind: 'dashboard', id: 'a', body: {} }], [existing('a', '1', {})]);
    expect(plan.create).toHaveLength(1);
  });

  it('compares only what Vigil sets: server defaults are ignored, changed arrays are not', () => {
    expect(sameWhereSet({ options: { thresholds: { critical: 1 } } }, { options: { thresholds: { critical: 1 }, notify_audit: false }, id: 3 })).toBe(true);
    expect(sameWhereSet({ tags: ['a', 'b'] }, { tags: ['a'] })).toBe(false);
    expect(sameWhereSet({ options: { thresholds: { critical: 1 } } }, { options: { thresholds: { critical: 2 } } })).toBe(false);
    expect(sameWhereSet({ options: {} }, {})).toBe(false);
  });
});

describe('vigil datadog sync against a local Datadog API', () => {
  let root: string;
  let fake: FakeDatadog;
  let out: string;
  let err: string;
  const io = {
    out: (t: string) => {
      out += t;
    },
    err: (t: string) => {
      err += t;
    },
  };
  const sync = (...args: string[]) => {
    out = '';
    err = '';
    return runCli(['--root', root, 'datadog', 'sync', ...args], io, { DD_API_KEY: 'api', DD_APP_KEY: 'app', DD_API_URL: fake.url });
  };
  const writes = () => fake.requests.filter((r) => r.method === 'POST' || r.method === 'PUT');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-datadog-'));
    await cp(join(import.meta.dirname, '..', 'testdata', 'in-basic'), root, { recursive: true });
    await turnDatadogOn(true);
    fake = await startFakeDatadog({ apiKey: 'api' });
  });
  afterEach(async () => {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Datadog is an output a project asks for (`settings.outputs`). */
  const turnDatadogOn = async (on: boolean) => {
    const path = join(root, 'definitions/app.yaml');
    const text = await readFile(path, 'utf8');
    const settings = 'settings: { scrape_interval: 30s, evaluation_interval: 30s, retention: 90d';
    await writeFile(path, text.replace(/^settings: .*$/m, `${settings}${on ? ', outputs: [alertmanager, grafana, html, datadog]' : ''} }`));
  };

  it('refuses to sync definitions that do not ask for Datadog, changing nothing', async () => {
    await turnDatadogOn(false);
    expect(await sync('--apply')).toBe(1);
    expect(err).toContain('add datadog to settings.outputs');
    expect(fake.requests).toEqual([]);
  });

  it('dry run by default: prints the plan and changes nothing', async () => {
    expect(await sync()).toBe(EXIT.ok);
    expect(out).toContain('dry run');
    expect(out).toContain('create monitor shop_queue_deep');
    expect(out).toMatch(/create dashboard vigil-shop/);
    expect(writes()).toEqual([]);
    expect(fake.monitors.size).toBe(0);
  });

  it('--apply creates, a second --apply finds everything unchanged, a changed threshold updates by id', async () => {
    expect(await sync('--apply')).toBe(EXIT.ok);
    const created = fake.monitors.size;
    expect(created).toBeGreaterThanOrEqual(6); // 2 alerts + 4 SLO burn tiers
    expect(fake.dashboards.size).toBeGreaterThanOrEqual(1);
    expect(out).toMatch(/created monitor shop_queue_deep \(id \d+\)/);
    const queue = [...fake.monitors.values()].find((m) => (m.tags as string[]).includes('vigil_id:shop_queue_deep'))!;
    expect(queue.query).toBe('min(last_10m):avg:shop_queue_depth{service:shop} > 100');
    expect(fake.requests.find((r) => r.method === 'POST')?.headers['dd-application-key']).toBe('app');

    fake.clearRequests();
    expect(await sync('--apply')).toBe(EXIT.ok);
    expect(out).toMatch(/0 to create, 0 to update, \d+ unchanged/);
    expect(writes()).toEqual([]);

    const path = join(root, 'definitions/app.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('above: 100', 'above: 150'));
    fake.clearRequests();
    expect(await sync('--apply')).toBe(EXIT.ok);
    expect(out).toContain(`update monitor shop_queue_deep (id ${String(queue.id)})`);
    // The service dashboard draws the alert's bound as a marker, so it changes too.
    expect(out).toMatch(/update dashboard vigil-shop \(id [\w-]+\)/);
    expect(out).toMatch(/0 to create, 2 to update/);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toContain(`PUT /api/v1/monitor/${String(queue.id)}`);
    expect(writes()).toHaveLength(2);
    expect(fake.monitors.get(queue.id as number)?.query).toBe('min(last_10m):avg:shop_queue_depth{service:shop} > 150');
    expect(fake.monitors.size).toBe(created);
  });

  it('--only limits the sync to one kind', async () => {
    expect(await sync('--apply', '--only', 'dashboards')).toBe(EXIT.ok);
    expect(fake.monitors.size).toBe(0);
    expect(fake.dashboards.size).toBeGreaterThanOrEqual(1);
    expect(await sync('--only', 'alerts')).toBe(EXIT.usage);
  });

  it('an API 500 on one object exits 1, names it, and says what was applied before it', async () => {
    fake.setHandler((request) => {
      const tags = (request.body as { tags?: string[] } | undefined)?.tags ?? [];
      return request.method === 'POST' && tags.includes('vigil_id:shop_checkout_errors') ? { status: 500, body: { errors: ['boom'] } } : undefined;
    });
    expect(await sync('--apply')).toBe(EXIT.checkFailed);
    expect(err).toMatch(/monitor shop_checkout_errors failed: HTTP 500/);
    expect(err).toMatch(/applied \d+ before the failure; not attempted: /);
    const applied = (out.match(/^ {2}created /gm) ?? []).length;
    expect(err).toContain(`applied ${applied} before the failure`);
    expect(applied).toBeGreaterThan(0);
    expect(fake.monitors.size + fake.dashboards.size).toBe(applied);
  });

  it('without keys it refuses with a usage error', async () => {
    out = '';
    err = '';
    expect(await runCli(['--root', root, 'datadog', 'sync'], io, {})).toBe(EXIT.usage);
    expect(err).toContain('DD_API_KEY and DD_APP_KEY must be set');
  });
});
