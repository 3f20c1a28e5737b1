import { generate } from '@vigil/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import {
  type MetricsEndpoint,
  type RunningPrometheus,
  startMetricsEndpoint,
  startPrometheus,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '../support/servers.js';
import { type ClusterPeer, startAlertmanagerCluster } from './support/engines.js';

// Two real Prometheus replicas (the generated prometheus-<replica>.yml: `replica` external label,
// dropped by alert_relabel_configs) send the same alerts to both peers of a two-peer Alertmanager
// cluster; the receiver is a local webhook. One notification per alert group, also after one
// peer is killed mid-incident.

const skip = missingBinaries('prometheus', 'prometheus-alertmanager');

function definitions(metricsTarget: string, alertmanagers: string[]): string {
  return `apiVersion: vigil.dev/v1
settings:
  scrape_interval: 1s
  evaluation_interval: 1s
  replicas: [a, b]
  external_labels: { cluster: ha-test }
  alertmanagers: [${alertmanagers.map((t) => JSON.stringify(t)).join(', ')}]
  outputs: []
services:
  - { name: ha, team: sre, targets: ["${metricsTarget}"] }
metrics:
  - { name: ha_first, type: gauge, description: First incident, service: ha }
  - { name: ha_second, type: gauge, description: Second incident, service: ha }
alerts:
  - name: HaFirstIncident
    severity: critical
    summary: first
    runbook: https://runbooks.example/ha/first
    condition: { kind: threshold, metric: ha_first, above: 0, for: 0s }
  - name: HaSecondIncident
    severity: critical
    summary: second
    runbook: https://runbooks.example/ha/second
    condition: { kind: threshold, metric: ha_second, above: 0, for: 0s }
`;
}

const alertmanagerConfig = (webhook: string) => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: ${webhook}/hook
        send_resolved: false
`;

interface Notification {
  groupLabels: Record<string, string>;
  alerts: { labels: Record<string, string> }[];
}

describe.skipIf(skip !== undefined)('HA: two Prometheus replicas, a two-peer Alertmanager cluster', () => {
  let metrics: MetricsEndpoint;
  let webhook: WebhookReceiver;
  let peers: ClusterPeer[] = [];
  let replicas: RunningPrometheus[] = [];
  let configs: Record<string, string> = {};

  beforeAll(async () => {
    metrics = await startMetricsEndpoint();
    metrics.set('# TYPE ha_first gauge\nha_first 1\n# TYPE ha_second gauge\nha_second 0\n');
    webhook = await startWebhookReceiver();
    peers = await startAlertmanagerCluster(alertmanagerConfig(webhook.url), 2);
    const result = generate([{ path: 'definitions/ha.yaml', text: definitions(`127.0.0.1:${metrics.port}`, peers.map((p) => `127.0.0.1:${p.port}`)) }]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const outputs = result.value.outputs;
    configs = Object.fromEntries(outputs.filter((o) => /^prometheus\/prometheus(-\w+)?\.yml$/.test(o.path)).map((o) => [o.path, o.content]));
    const rules = Object.fromEntries(outputs.filter((o) => o.path.startsWith('prometheus/rules/')).map((o) => [o.path.slice('prometheus/'.length), o.content]));
    replicas = await Promise.all(['a', 'b'].map((name) => startPrometheus(configs[`prometheus/prometheus-${name}.yml`] as string, rules)));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map((p) => p.stop()));
    await Promise.all(peers.map((p) => p.stop()));
    await webhook?.close();
    await metrics?.close();
  });

  const notifications = (alertname: string): Notification[] =>
    webhook.deliveries.map((d) => d.body as Notification).filter((n) => n.groupLabels.alertname === alertname);

  it('writes one config per replica with the replica label, dropped before Alertmanager', () => {
    expect(Object.keys(configs).sort()).toEqual(['prometheus/prometheus-a.yml', 'prometheus/prometheus-b.yml', 'prometheus/prometheus.yml']);
    expect(configs['prometheus/prometheus-a.yml']).toMatch(/replica: a/);
    expect(configs['prometheus/prometheus-b.yml']).toMatch(/replica: b/);
    for (const text of Object.values(configs)) expect(text).toMatch(/alert_relabel_configs:\n\s+- action: labeldrop\n\s+regex: replica/);
  });

  it('both replicas fire, with their replica label, and the cluster has two members', async () => {
    for (const [i, prometheus] of replicas.entries()) {
      const alert = await waitFor(async () => {
        const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=ALERTS{alertname="HaFirstIncident",alertstate="firing"}`)).json()) as { data: { result: unknown[] } };
        return body.data.result[0];
      }, 30_000, 'HaFirstIncident firing');
      expect(alert).toBeDefined();
      const label = (await (await fetch(`${prometheus.url}/api/v1/status/config`)).json()) as { data: { yaml: string } };
      expect(label.data.yaml).toContain(`replica: ${['a', 'b'][i] as string}`);
    }
    for (const peer of peers) {
      const status = (await (await fetch(`${peer.url}/api/v2/status`)).json()) as { cluster: { peers: unknown[]; status: string } };
      expect(status.cluster.peers).toHaveLength(2);
    }
  }, 60_000);

  it('notifies exactly once per alert group with both replicas sending to both peers', async () => {
    await waitFor(async () => (notifications('HaFirstIncident').length > 0 ? true : undefined), 30_000, 'the first notification');
    // Both peers hold the alert from both replicas; wait past the second peer's turn (peer timeout 3s).
    await waitFor(async () => {
      const held = await Promise.all(peers.map(async (p) => ((await (await fetch(`${p.url}/api/v2/alerts`)).json()) as unknown[]).length));
      return held.every((n) => n >= 1) ? true : undefined;
    }, 20_000, 'both peers to hold the alert');
    await new Promise((r) => setTimeout(r, 8000));
    const first = notifications('HaFirstIncident');
    expect(first).toHaveLength(1);
    // One alert in it: the replicas' copies are one after `replica` is dropped.
    expect(first[0]?.alerts).toHaveLength(1);
    expect(first[0]?.alerts[0]?.labels).not.toHaveProperty('replica');
    expect(first[0]?.alerts[0]?.labels).toMatchObject({ cluster: 'ha-test', alertname: 'HaFirstIncident' });
  }, 60_000);

  it('with one peer killed mid-incident, a new alert group is still notified exactly once', async () => {
    await (peers[0] as ClusterPeer).kill();
    metrics.set('# TYPE ha_first gauge\nha_first 1\n# TYPE ha_second gauge\nha_second 1\n');
    await waitFor(async () => (notifications('HaSecondIncident').length > 0 ? true : undefined), 60_000, 'the second notification');
    await new Promise((r) => setTimeout(r, 8000));
    expect(notifications('HaSecondIncident')).toHaveLength(1);
    expect(notifications('HaFirstIncident')).toHaveLength(1);
  }, 90_000);
});
