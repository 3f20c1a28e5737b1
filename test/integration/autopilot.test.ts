/**
 * The autopilot end to end: a simulated shop instrumented with `@vigil/instrumentation` reads its
 * parameters through `watchCanaryParameters` (file + candidate), a real engine scrapes it every
 * second, and an `AutopilotRunner` on the real clock runs a whole cycle against it: analysis over
 * the definitions' `analysis_window`, a candidate, a 30 s canary watched on every tick, the final
 * judgement, then promotion or rollback of the parameters file.
 *
 * Good vs bad: both shops convert better the higher their discount (the canary's share of units
 * reads the candidate, so its conversion follows the candidate's value). With no history the
 * optimiser explores half a step in a direction drawn from its seed; the test asks the pure core
 * which way each seed goes, runs the "good" shop with a seed that explores up (conversion 10% ->
 * 14%: promoted) and the "bad" one with a seed that explores down (10% -> 6%: rolled back).
 *
 * The same cycle runs on two engines with the same assertions: Prometheus, and VictoriaMetrics
 * fed by vmagent (the controller reads VictoriaMetrics' Prometheus API); the last test checks
 * both engines led to the same decisions.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CanaryParameters, type Catalog, type Metrics, startTelemetry, type Telemetry, watchCanaryParameters } from '@vigil/instrumentation';
import { loadModel, type Autopilot } from '@vigil/compiler';
import { assertNever } from '@vigil/conventions';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialAutopilotState, step } from '../../packages/controller/src/core/cycle.js';
import { AutopilotRunner, autopilotContext, type AutopilotNotice } from '../../packages/controller/src/edges/runner.js';
import { flushVictoriaMetrics, type RunningEngine, startVictoriaMetrics, startVmagent } from '../engines/support/engines.js';
import { missingBinaries } from '../support/binaries.js';
import { startPrometheus, waitFor } from '../support/servers.js';

/** The engines the cycle runs on: what scrapes the shops and answers the controller's PromQL. */
type EngineName = 'prometheus' | 'victoriametrics';

/** A decision both engines must agree on: the cycle's status and the discount kept. */
interface Decision {
  shop: string;
  status: string;
  discount: number;
}

/** A running engine: the URL the controller queries, and how to end it. */
interface ScrapingEngine {
  url: string;
  stop(): Promise<void>;
}

/** Which binaries an engine needs, for the skip (locally) or failure (CI) when one is missing. */
function binariesOf(engine: EngineName): string[] {
  switch (engine) {
    case 'prometheus':
      return ['prometheus'];
    case 'victoriametrics':
      return ['victoria-metrics', 'vmagent'];
    default:
      return assertNever(engine);
  }
}

/**
 * Starts `engine` scraping with `config` (a prometheus.yml). VictoriaMetrics runs as the docs
 * recommend, with fresh samples visible at once (`-search.latencyOffset=0s`, no response cache)
 * and Prometheus' 5m lookback; vmagent scrapes and remote-writes every 200 ms.
 */
async function startScraping(engine: EngineName, config: string): Promise<ScrapingEngine> {
  switch (engine) {
    case 'prometheus':
      return startPrometheus(config, {});
    case 'victoriametrics': {
      const victoria: RunningEngine = await startVictoriaMetrics();
      let vmagent: RunningEngine;
      try {
        vmagent = await startVmagent({ config, remoteWriteUrl: `${victoria.url}/api/v1/write` });
      } catch (error) {
        await victoria.stop();
        throw error;
      }
      // VictoriaMetrics 1.79 makes a new series (the canary's, born with the candidate) searchable
      // up to 10 s after its first sample: its index is flushed on a timer. The daemon looks
      // once a minute, so at most one of its three allowed looks misses the canary; this test
      // looks every 2 s, so it flushes the index as VictoriaMetrics advises for tests.
      const flusher = setInterval(() => void flushVictoriaMetrics(victoria.url).catch(() => undefined), 500);
      return {
        url: victoria.url,
        stop: async () => {
          clearInterval(flusher);
          await vmagent.stop();
          await victoria.stop();
        },
      };
    }
    default:
      return assertNever(engine);
  }
}

const BASE_DISCOUNT = 0.1;
/** Units per 50 ms tick: 2,000 a second, so a 30 s canary at 20% sees about 12,000 units. */
const UNITS_PER_TICK = 100;

/** The shop's response to its discount: conversion rises 4 points per point of discount. */
const conversionAt = (discount: number): number => Math.min(0.5, Math.max(0.01, 0.1 + 4 * (discount - BASE_DISCOUNT)));
const basketAt = (discount: number): number => 50 + 200 * (discount - BASE_DISCOUNT);

function shopCatalog(name: string) {
  const variant = { values: ['control', 'canary'] } as const;
  return {
    service: name,
    metrics: {
      orders: {
        name: `${name}_orders`,
        type: 'counter',
        unit: '1',
        description: 'Checkouts by outcome',
        labels: { variant, outcome: { values: ['converted', 'abandoned'] } },
        promName: `${name}_orders_total`,
      },
      basketValue: { name: `${name}_basket_value`, type: 'gauge', unit: '1', description: 'Mean basket value', labels: { variant }, promName: `${name}_basket_value` },
    },
  } as const satisfies Catalog;
}

type ShopCatalog = ReturnType<typeof shopCatalog>;

/** Mulberry32: a seeded source so the simulated traffic is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Shop {
  name: string;
  dir: string;
  card: string;
  port: number;
  stop(): Promise<void>;
}

type Card = { pricing: { discount: number } };

/** A shop serving units: each reads its variant's discount and converts with the shop's odds. */
async function startShop(name: string): Promise<Shop> {
  const dir = await mkdtemp(join(tmpdir(), `vigil-${name}-`));
  const card = join(dir, 'card.yaml');
  await writeFile(card, `pricing:\n  discount: ${BASE_DISCOUNT} # tuned by the autopilot\n`);
  const telemetry: Telemetry<ShopCatalog> = await startTelemetry({
    service: { name },
    catalog: shopCatalog(name),
    prometheus: { port: 0, host: '127.0.0.1' },
    shutdownSignals: [],
    registerGlobal: false,
  });
  const metrics: Metrics<ShopCatalog> = telemetry.metrics;
  const parameters: CanaryParameters<Card> = await watchCanaryParameters<Card>({ file: card, percentage: 20, reloadIntervalMs: 200 });
  const random = seeded(42);
  let unit = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < UNITS_PER_TICK; i++) {
      const { variant, values } = parameters.forUnit(`unit-${unit++}`);
      const outcome = random() < conversionAt(values.pricing.discount) ? 'converted' : 'abandoned';
      metrics.orders.add(1, { variant, outcome });
    }
    metrics.basketValue.record(basketAt(parameters.control.pricing.discount) + random(), { variant: 'control' });
    if (parameters.candidate) metrics.basketValue.record(basketAt(parameters.candidate.pricing.discount) + random(), { variant: 'canary' });
  }, 50);
  return {
    name,
    dir,
    card,
    port: telemetry.prometheus?.port ?? 0,
    stop: async () => {
      clearInterval(timer);
      parameters.close();
      await telemetry.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The definitions of one shop's autopilot; `daily` is the current UTC minute so the first tick starts a cycle. */
function definitions(shop: string, prometheusUrl: string, daily: string): string {
  return `apiVersion: vigil.dev/v1
services:
  - { name: ${shop}, team: web }
metrics:
  - { name: ${shop}_orders, type: counter, description: Checkouts, service: ${shop}, labels: { variant: { values: [control, canary] }, outcome: { values: [converted, abandoned] } } }
  - { name: ${shop}_basket_value, type: gauge, description: Basket value, service: ${shop}, labels: { variant: { values: [control, canary] } } }
autopilot:
  service: ${shop}
  parameters_file: card.yaml
  state_file: state.db
  prometheus_url: ${prometheusUrl}
  schedule: { daily: "${daily}" }
  analysis_window: 30s
  canary: { duration: 30s }
  parameters:
    - { name: discount, path: pricing.discount, bounds: { min: 0.05, max: 0.2 }, step: 0.02 }
  kpis:
    - name: conversion
      direction: higher
      min_detectable_effect: 0.2
      ratio: { numerator: { metric: ${shop}_orders, matchers: { outcome: converted } }, denominator: { metric: ${shop}_orders } }
    - { name: basket_value, direction: higher, role: informative, weight: 0.5, gauge: { metric: ${shop}_basket_value } }
`;
}

function autopilotOf(text: string): Autopilot {
  const model = loadModel([{ path: 'defs.yaml', text }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return model.value.autopilots[0] as Autopilot;
}

/** Which way the core's first exploration of `discount` goes with `seed` (asked of the pure core). */
function explorationDirection(autopilot: Autopilot, seed: number): number {
  const context = autopilotContext(autopilot);
  const now = Date.UTC(2026, 0, 5, autopilot.daily.hour, autopilot.daily.minute);
  let state = initialAutopilotState(context, { discount: BASE_DISCOUNT }, now, seed);
  const started = step(context, state, { type: 'tick', now });
  state = started.state;
  const cycleId = state.cycle?.cycleId ?? '';
  const window = { start: now - 30_000, end: now, values: context.kpis.map((k) => ({ kpi: k.name, value: 1, coverage: 1 })) };
  const analysed = step(context, state, { type: 'analysis-ready', now, cycleId, window });
  const candidate = analysed.actions.find((a) => a.type === 'WriteCandidate');
  const change = candidate?.type === 'WriteCandidate' ? candidate.changes[0] : undefined;
  return change ? Math.sign(change.newValue - change.oldValue) : 0;
}

interface Outcome {
  runner: AutopilotRunner;
  shop: Shop;
  notices: AutopilotNotice[];
}

const ENGINES = ['prometheus', 'victoriametrics'] as const satisfies readonly EngineName[];
const skips = new Map(ENGINES.map((engine) => [engine, missingBinaries(...binariesOf(engine))]));
/** Each engine's decisions (good shop, bad shop), for the comparison at the end. */
const decisions = new Map<EngineName, Decision[]>();

for (const engine of ENGINES) describe.skipIf(skips.get(engine) !== undefined)(`the autopilot against a real ${engine} scraping a canary-split service`, () => {
  let prometheus: ScrapingEngine;
  let good: Outcome;
  let bad: Outcome;

  beforeAll(async () => {
    const shops = [await startShop('upshop'), await startShop('downshop')] as const;
    prometheus = await startScraping(
      engine,
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
${shops.map((s) => `  - { job_name: ${s.name}, static_configs: [{ targets: ["127.0.0.1:${s.port}"] }] }`).join('\n')}
`,
    );
    // The analysis needs the 30 s window covered: its first step reads increase(...[60s]) 30 s ago.
    for (const shop of shops) {
      await waitFor(
        async () => {
          const at = (Date.now() - 31_000) / 1000;
          const response = await fetch(`${prometheus.url}/api/v1/query?time=${at}&query=${encodeURIComponent(`sum(increase(${shop.name}_orders_total[60s]))`)}`);
          const body = (await response.json()) as { data: { result: unknown[] } };
          return body.data.result.length > 0 ? true : undefined;
        },
        60_000,
        `30 s of ${shop.name} history in ${engine}`,
      );
    }
    const now = new Date();
    const daily = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
    const make = (shop: Shop, direction: number): Outcome => {
      const autopilot = autopilotOf(definitions(shop.name, prometheus.url, daily));
      const seed = [...Array(50).keys()].map((i) => i + 1).find((s) => explorationDirection(autopilot, s) === direction);
      if (seed === undefined) throw new Error(`no seed explores ${direction > 0 ? 'up' : 'down'}`);
      const notices: AutopilotNotice[] = [];
      return { runner: new AutopilotRunner({ autopilot, root: shop.dir, notify: (n) => void notices.push(n), seed }), shop, notices };
    };
    good = make(shops[0], 1);
    bad = make(shops[1], -1);
    const pilots = [good, bad];
    for (const p of pilots) await p.runner.start();
    // One tick every 2 s on the real clock until both cycles are closed (30 s canary + judgement).
    await waitFor(
      async () => {
        for (const p of pilots) await p.runner.tick();
        const phases = await Promise.all(pilots.map(async (p) => (await p.runner.state()).phase));
        const closed = pilots.every((p) => p.runner.db.listCycles().some((c) => c.completedAt));
        if (closed && phases.every((phase) => phase === 'idle')) return true;
        await new Promise((resolve) => setTimeout(resolve, 1_750));
        return undefined;
      },
      75_000,
      'both cycles to close',
    );
    for (const p of pilots) {
      const [cycle] = p.runner.db.listCycles();
      const [canary] = p.runner.db.canariesOf(cycle?.cycleId as string);
      const conversion = (canary?.controlMetrics as unknown[] | undefined)?.[0];
      console.log(`${engine} ${p.shop.name}: ${cycle?.status} ${(cycle?.decision as { outcome?: string } | undefined)?.outcome} conversion ${JSON.stringify(conversion)}`);
    }
    decisions.set(
      engine,
      await Promise.all(
        pilots.map(async (p) => ({
          shop: p.shop.name,
          status: p.runner.db.listCycles()[0]?.status ?? 'none',
          discount: (parse(await readFile(p.shop.card, 'utf8')) as Card).pricing.discount,
        })),
      ),
    );
  }, 180_000);

  afterAll(async () => {
    for (const p of [good, bad]) p?.runner.db.close();
    await prometheus?.stop();
    for (const p of [good, bad]) await p?.shop.stop();
  }, 30_000);

  it('promotes a change that raises conversion: new parameters file, an autopilot version marked promoted', async () => {
    const [cycle] = good.runner.db.listCycles();
    expect(cycle, JSON.stringify(good.notices, null, 1)).toMatchObject({ status: 'completed', decision: { outcome: 'promoted' } });
    const card = await readFile(good.shop.card, 'utf8');
    expect((parse(card) as Card).pricing.discount).toBeCloseTo(BASE_DISCOUNT + 0.01, 10);
    expect(card).toContain('# tuned by the autopilot');
    const history = await good.runner.store.history();
    expect(history[0]).toMatchObject({ author: 'autopilot', outcome: 'promoted' });
    await expect(readFile(good.runner.store.candidateFile, 'utf8')).rejects.toThrow(/ENOENT/);
    // The judge saw real traffic from Prometheus: the canary's conversion counts, per variant.
    const verdicts = (cycle?.decision as { verdicts: Array<Record<string, unknown>> }).verdicts;
    // `high`: significantly higher than the control, the good direction of this KPI.
    expect(verdicts[0]).toMatchObject({ kpi: 'conversion', verdict: 'high', test: 'two-proportion-z' });
    const [canary] = good.runner.db.canariesOf(cycle?.cycleId as string);
    const counts = (canary?.controlMetrics as Array<{ control: { exposure: number } }>)[0]?.control.exposure ?? 0;
    expect(counts).toBeGreaterThan(10_000);
  });

  it('rolls back a change that lowers conversion: parameters file unchanged, candidate removed', async () => {
    const [cycle] = bad.runner.db.listCycles();
    expect(cycle?.status, JSON.stringify(bad.notices, null, 1)).toBe('rolled_back');
    expect(['rolled-back', 'early-stopped']).toContain((cycle?.decision as { outcome: string }).outcome);
    expect(await readFile(bad.shop.card, 'utf8')).toBe(`pricing:\n  discount: ${BASE_DISCOUNT} # tuned by the autopilot\n`);
    expect((await bad.runner.store.history()).some((v) => v.author === 'autopilot')).toBe(false);
    await expect(readFile(bad.runner.store.candidateFile, 'utf8')).rejects.toThrow(/ENOENT/);
    // The rollback contracted the discount's bounds around the value kept.
    const state = await bad.runner.state();
    const discount = state.parameters.find((p) => p.name === 'discount');
    expect(discount?.rollbackCount).toBe(1);
    const width = discount ? discount.bounds.max - discount.bounds.min : Number.NaN;
    expect(width).toBeCloseTo(0.15 * 0.75, 10);
  });
});

describe.skipIf([...skips.values()].some((reason) => reason !== undefined))('the autopilot on Prometheus and on VictoriaMetrics', () => {
  it('takes the same decisions on both engines: the same cycle status and parameters kept, shop by shop', () => {
    const [prometheus, victoria] = ENGINES.map((engine) => decisions.get(engine));
    expect(prometheus).toHaveLength(2);
    expect(victoria).toEqual(prometheus);
  });
});
