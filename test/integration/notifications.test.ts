import { emitAlertmanagerConfig, generate } from '@vigil/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import {
  freePort,
  type MetricsEndpoint,
  type RunningAlertmanager,
  type RunningPrometheus,
  startAlertmanager,
  startMetricsEndpoint,
  startPrometheus,
  startWebhookReceiver,
  waitFor,
  type WebhookDelivery,
  type WebhookReceiver,
} from '../support/servers.js';

const skip = missingBinaries('prometheus', 'prometheus-alertmanager');

/** Alertmanager's webhook payload (version 4), the fields the tests read. */
interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

/** Alertmanager's API v2 view of an alert. */
interface AmAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[] };
}

// Short intervals so the whole path (scrape, rule, Alertmanager grouping, webhook) takes seconds.
function definitions(target: string, alertmanager: string): string {
  return `apiVersion: vigil.dev/v1
settings:
  scrape_interval: 1s
  evaluation_interval: 1s
  alertmanagers: ["${alertmanager}"]
  grafana_url: https://grafana.test
services:
  - { name: shop, team: web, targets: ["${target}"] }
metrics:
  - { name: shop_queue_depth, type: gauge, description: Orders waiting, service: shop }
  - { name: shop_payment_errors, type: gauge, description: Payments failing now, service: shop }
alerts:
  - name: ShopQueueDeep
    severity: warning
    summary: "Queue depth {{ $value }} is above 100"
    description: Orders wait longer than customers accept.
    runbook: https://runbooks.example/shop/queue
    cooldown: 3s
    condition: { kind: threshold, metric: shop_queue_depth, above: 100 }
  - name: ShopPaymentsFailing
    severity: warning
    summary: Payments are failing
    runbook: https://runbooks.example/shop/payments
    escalate_after: 3s
    condition: { kind: threshold, metric: shop_payment_errors, above: 5 }
dashboards:
  - uid: shop
    title: Shop
    rows:
      - title: Orders
        panels: [{ metric: shop_queue_depth, title: Queue depth }, { metric: shop_payment_errors, title: Payment errors }]
notifications:
  default_receiver: unrouted
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  receivers:
    - { name: unrouted, webhook: [{ url: "http://127.0.0.1:9/unused" }] }
    - name: web-chat
      slack: [{ api_url: { file: /run/secrets/web-slack }, channel: "#web" }]
    - name: web-pager
      pagerduty: [{ routing_key: { env: WEB_PAGERDUTY_KEY } }]
  routes:
    - { team: web, receiver: web-chat, escalation_receiver: web-pager }
`;
}

const metricsText = (queue: number, errors: number) =>
  `# TYPE shop_queue_depth gauge\nshop_queue_depth ${queue}\n# TYPE shop_payment_errors gauge\nshop_payment_errors ${errors}\n`;

describe.skipIf(skip !== undefined)('generated routing in a real Prometheus and Alertmanager', () => {
  let metrics: MetricsEndpoint;
  let webhook: WebhookReceiver;
  let alertmanager: RunningAlertmanager;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    metrics = await startMetricsEndpoint();
    metrics.set(metricsText(12, 0));
    webhook = await startWebhookReceiver();
    const alertmanagerPort = await freePort();
    const result = generate([
      { path: 'definitions/shop.yaml', text: definitions(`127.0.0.1:${metrics.port}`, `127.0.0.1:${alertmanagerPort}`) },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const outputs = result.value.outputs;
    // The test variant: the same routes, grouping and inhibition; every receiver a local webhook.
    const [testConfig] = emitAlertmanagerConfig(result.value.model, { webhookOverride: webhook.url });
    const templates = Object.fromEntries(
      outputs.filter((o) => o.path.startsWith('alertmanager/templates/')).map((o) => [o.path.slice('alertmanager/'.length), o.content]),
    );
    alertmanager = await startAlertmanager(testConfig?.content as string, templates, alertmanagerPort);
    const rules = Object.fromEntries(
      outputs.filter((o) => o.path.startsWith('prometheus/rules/')).map((o) => [o.path.slice('prometheus/'.length), o.content]),
    );
    prometheus = await startPrometheus(outputs.find((o) => o.path === 'prometheus/prometheus.yml')?.content as string, rules);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await webhook?.close();
    await metrics?.close();
  });

  const deliveries = (path: string, alertname: string): (WebhookDelivery & { body: Notification })[] =>
    webhook.deliveries.filter(
      (d): d is WebhookDelivery & { body: Notification } =>
        d.path === path && (d.body as Notification).groupLabels.alertname === alertname,
    );

  it('notifies the team receiver with grouping, labels and links, and repeats after the alert cooldown', async () => {
    metrics.set(metricsText(150, 0));
    const [first] = await waitFor(async () => {
      const found = deliveries('/web-chat', 'ShopQueueDeep');
      return found.length > 0 ? found : undefined;
    }, 30_000, 'the first notification of ShopQueueDeep');
    const notification = (first as WebhookDelivery & { body: Notification }).body;
    expect(notification.receiver).toBe('web-chat');
    expect(notification.status).toBe('firing');
    expect(notification.groupLabels).toEqual({ alertname: 'ShopQueueDeep', service: 'shop' });
    expect(notification.commonLabels).toMatchObject({ alertname: 'ShopQueueDeep', service: 'shop', team: 'web', severity: 'warning' });
    expect(notification.alerts).toHaveLength(1);
    expect(notification.alerts[0]?.annotations).toEqual({
      summary: 'Queue depth 150 is above 100',
      description: 'Orders wait longer than customers accept.',
      runbook_url: 'https://runbooks.example/shop/queue',
      // The panel that draws the alert's threshold (panel ids as in grafana/dashboards/shop.json).
      dashboard_url: 'https://grafana.test/d/shop?viewPanel=2',
    });

    // Nothing changed in the group: only the 3s cooldown (repeat_interval of its route, the
    // root's being 1h) makes Alertmanager notify again, and not before it has passed.
    const repeated = await waitFor(async () => {
      const found = deliveries('/web-chat', 'ShopQueueDeep');
      return found.length > 1 ? found : undefined;
    }, 30_000, 'the repeated notification of ShopQueueDeep');
    const [a, b] = repeated as [WebhookDelivery, WebhookDelivery];
    expect(b.receivedAt - a.receivedAt).toBeGreaterThanOrEqual(3000);
    expect((b.body as Notification).alerts.map((alert) => alert.labels.alertname)).toEqual(['ShopQueueDeep']);
  }, 60_000);

  it('escalates to the escalation receiver, and the critical copy inhibits the warning', async () => {
    metrics.set(metricsText(150, 10));
    const warning = await waitFor(async () => deliveries('/web-chat', 'ShopPaymentsFailing')[0], 30_000, 'the warning notification');
    expect(warning.body.commonLabels).toMatchObject({ severity: 'warning', team: 'web' });

    const escalated = await waitFor(async () => deliveries('/web-pager', 'ShopPaymentsFailing')[0], 30_000, 'the escalated notification');
    expect(escalated.body.receiver).toBe('web-pager');
    expect(escalated.body.commonLabels).toMatchObject({ alertname: 'ShopPaymentsFailing', severity: 'critical', escalated: 'true', service: 'shop' });
    expect(escalated.body.alerts[0]?.annotations).toMatchObject({
      runbook_url: 'https://runbooks.example/shop/payments',
      dashboard_url: 'https://grafana.test/d/shop?viewPanel=3',
    });

    // Critical inhibits warning for the same alert and service: Alertmanager marks it suppressed.
    const inhibited = await waitFor(async () => {
      const response = await fetch(`${alertmanager.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="ShopPaymentsFailing"')}`);
      const alerts = (await response.json()) as AmAlert[];
      const warn = alerts.find((alert) => alert.labels.severity === 'warning');
      return warn?.status.state === 'suppressed' ? { warn, alerts } : undefined;
    }, 30_000, 'the warning to be inhibited');
    expect(inhibited.warn.status.inhibitedBy).toHaveLength(1);
    const critical = inhibited.alerts.find((alert) => alert.labels.severity === 'critical');
    expect(critical?.status.state).toBe('active');
    // The unrelated queue alert of the same service is not inhibited.
    const queue = (await (await fetch(`${alertmanager.url}/api/v2/alerts?filter=${encodeURIComponent('alertname="ShopQueueDeep"')}`)).json()) as AmAlert[];
    expect(queue[0]?.status.state).toBe('active');
  }, 60_000);
});
