// Model builders for unit tests: a valid value of each model type from a few overrides, so an
// emitter test states only what it is about instead of round-tripping YAML through the spec.
// Test-only: excluded from the published build (see the package's tsconfig).
import type { SourceLocation } from '../../errors.js';
import { conditionMetrics } from '../condition-metrics.js';
import { BURN_TIERS } from '../burn-tiers.js';
import { prometheusMetricName } from '@vigil/conventions';
import type { Integration, NotificationRoute, Notifications, Receiver } from '../routing.js';
import type { Alert, CounterSignal, Metric, Model, Service, Settings, Slo, ValueSignal } from '../types.js';

/** Where a test's model element was "defined". */
export function at(line = 1, file = 'definitions/test.yaml'): SourceLocation {
  return { file, line, column: 1 };
}

/** The settings a project without `settings:` gets. */
export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    scrapeIntervalSeconds: 30,
    evaluationIntervalSeconds: 30,
    retentionSeconds: 90 * 86400,
    alertmanagers: ['localhost:9093'],
    externalLabels: {},
    replicas: [],
    remoteWrite: [],
    outputs: ['alertmanager', 'grafana', 'html'],
    ...overrides,
  };
}

/** A service scraped at one target. */
export function service(overrides: Partial<Service> = {}): Service {
  const name = overrides.name ?? 'shop';
  return { name, team: 'web', job: name, targets: ['localhost:9464'], metricsPath: '/metrics', scheme: 'http', source: at(), ...overrides };
}

/** A catalog metric (a gauge unless told), with its Prometheus name derived as the model does. */
export function metric(overrides: Partial<Metric> = {}): Metric {
  const name = overrides.name ?? 'shop_queue_depth';
  const type = overrides.type ?? 'gauge';
  return { name, type, unit: '', description: name, service: 'shop', labels: [], promName: prometheusMetricName(name, type), source: at(), ...overrides };
}

/** A metric's value as an alert reads it: averaged over the evaluation interval. */
export function valueOf(of: Metric, overrides: Partial<ValueSignal> = {}): ValueSignal {
  return { metric: of, matchers: [], aggregate: 'avg', windowSeconds: 300, ...overrides };
}

/** A counter as a ratio or SLI reads it. */
export function countOf(of: Metric, overrides: Partial<CounterSignal> = {}): CounterSignal {
  return { metric: of, matchers: [], ...overrides };
}

/** A warning alert on `shop_queue_depth > 100` for 10m, unless told otherwise. */
export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    name: 'ShopQueueDeep',
    service: service(),
    severity: 'warning',
    summary: 'Queue depth {{ $value }} above 100',
    runbook: 'https://runbooks.example/shop/queue',
    labels: {},
    annotations: {},
    by: [],
    condition: { kind: 'threshold', value: valueOf(metric()), bound: { op: '>', value: 100 }, forSeconds: 600 },
    source: at(),
    ...overrides,
  };
}

/** A 99% events SLO over 30 days (bad / total checkouts) with every burn tier. */
export function slo(overrides: Partial<Slo> = {}): Slo {
  const errors = metric({ name: 'shop_checkout_errors', type: 'counter' });
  const total = metric({ name: 'shop_checkouts', type: 'counter' });
  return {
    name: 'checkout-success',
    service: service(),
    objectivePercent: 99,
    windowSeconds: 30 * 86400,
    sli: { kind: 'events', bad: countOf(errors), total: countOf(total) },
    groupBy: [],
    labels: {},
    alertName: 'ShopCheckoutSuccessErrorBudgetBurn',
    alertLabels: {},
    alertAnnotations: {},
    page: { severity: 'critical', labels: {}, annotations: {} },
    ticket: { severity: 'warning', labels: {}, annotations: {} },
    tiers: [...BURN_TIERS],
    source: at(),
    ...overrides,
  };
}

/** A receiver with the given integrations (a local webhook unless told). */
export function receiver(name: string, integrations: Integration[] = [{ kind: 'webhook', url: 'http://127.0.0.1:9099/', sendResolved: true }]): Receiver {
  return { name, integrations, source: at() };
}

/** A route sending the alerts that match `matchers` (label = value) to `to`. */
export function route(to: string, matchers: Record<string, string>, overrides: Partial<NotificationRoute> = {}): NotificationRoute {
  return {
    receiver: to,
    matchers: Object.entries(matchers).map(([label, value]) => ({ label, op: '=', value })),
    continue: false,
    source: at(),
    ...overrides,
  };
}

/** Notifications with a default receiver `unrouted` and the given receivers and routes. */
export function notifications(overrides: Partial<Notifications> = {}): Notifications {
  return {
    defaultReceiver: 'unrouted',
    secretsDir: '/etc/alertmanager/secrets',
    groupBy: ['alertname', 'service'],
    groupWaitSeconds: 30,
    groupIntervalSeconds: 300,
    repeatIntervalSeconds: 4 * 3600,
    receivers: [receiver('unrouted')],
    routes: [],
    source: at(),
    ...overrides,
  };
}

/**
 * A model of the given parts; services and metrics default to those the alerts and SLOs use,
 * so a test builds the alert it is about and gets a consistent model around it. The model
 * compares services by identity (as the built one may): each alert and SLO is pointed at the
 * model's service of its name.
 */
export function model(overrides: Partial<Model> = {}): Model {
  const given = [...(overrides.alerts ?? []), ...(overrides.slos ?? [])];
  const services = overrides.services ?? uniqueBy(given.map((part) => part.service), (s) => s.name);
  const byName = new Map(services.map((s) => [s.name, s]));
  const own = <T extends { service: Service }>(part: T): T => ({ ...part, service: byName.get(part.service.name) ?? part.service });
  const alerts = (overrides.alerts ?? []).map(own);
  const slos = (overrides.slos ?? []).map(own);
  const used = [
    ...alerts.flatMap((a) => conditionMetrics(a.condition)),
    ...slos.flatMap((s) => (s.sli.kind === 'events' ? [s.sli.bad?.metric, s.sli.good?.metric, s.sli.total.metric] : s.sli.kind === 'latency' ? [s.sli.metric] : [])),
  ].filter((m): m is Metric => m !== undefined);
  return {
    settings: settings(),
    metrics: uniqueBy(used, (m) => m.name),
    dashboards: [],
    autopilots: [],
    ...overrides,
    services,
    alerts,
    slos,
  };
}


function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}
