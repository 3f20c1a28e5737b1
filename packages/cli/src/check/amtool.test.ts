import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emitAlertmanagerConfig } from '@vigil/compiler';
import { generate } from '@vigil/compiler';
import { writeOutputsAtomically } from '../io/write-outputs.js';
import { checkAlertmanagerConfig, formatRouteTests, testAlertRoutes } from './amtool.js';
import { missingBinaries } from '../../../../test/support/binaries.js';

const skip = missingBinaries('amtool') !== undefined;

const definitions = (routes: string) => `apiVersion: vigil.dev/v1
services:
  - { name: app, team: web }
  - { name: batch, team: data }
metrics:
  - { name: app_queue_depth, type: gauge, description: Items waiting, service: app }
  - { name: batch_lag_seconds, type: gauge, description: Lag, service: batch }
alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    runbook: https://runbooks.example/queue
    cooldown: 2h
    escalate_after: 30m
    by: [instance]
    condition: { kind: threshold, metric: app_queue_depth, above: 100 }
  - name: BatchLagging
    severity: warning
    summary: lagging
    condition: { kind: threshold, metric: batch_lag_seconds, above: 600 }
notifications:
  default_receiver: unrouted
  receivers:
    - { name: unrouted, webhook: [{ url: "http://127.0.0.1:9099/" }] }
    - { name: watchdog, webhook: [{ url: "http://127.0.0.1:9099/watchdog" }] }
    - name: chat
      slack: [{ api_url: { file: /run/secrets/slack }, channel: "#web" }]
    - name: pager
      pagerduty: [{ routing_key: { env: PD_KEY } }]
  routes:
    - { alertname: VigilWatchdog, receiver: watchdog }
${routes}`;

function generated(routes: string) {
  const result = generate([{ path: 'definitions/app.yaml', text: definitions(routes) }]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

const webRoutes = `    - { team: web, receiver: chat, escalation_receiver: pager }
    - { team: data, receiver: chat }
`;

describe.skipIf(skip)('Alertmanager configuration under amtool', () => {
  it('routes each alert to its team, escalations to the escalation receiver, with the cooldown as repeat interval', async () => {
    const generation = generated(webRoutes);
    const results = await testAlertRoutes(generation, 'amtool');
    const receiversOf = (alert: string, severity: string) =>
      results.find((r) => r.alert === alert && r.labels.severity === severity)?.receivers;
    expect(receiversOf('QueueDeep', 'warning')).toEqual(['chat']);
    expect(receiversOf('QueueDeep', 'critical')).toEqual(['pager']);
    expect(receiversOf('BatchLagging', 'warning')).toEqual(['chat']);
    expect(receiversOf('VigilWatchdog', 'info')).toEqual(['watchdog']);
    expect(results.every((r) => !r.defaultOnly)).toBe(true);

    const config = parse(emitAlertmanagerConfig(generation.model)[0]?.content as string) as {
      route: { routes: { receiver: string; matchers: string[]; routes?: { matchers: string[]; repeat_interval: string }[] }[] };
      inhibit_rules: { source_matchers: string[]; equal: string[] }[];
    };
    const web = config.route.routes.find((r) => r.receiver === 'chat' && r.matchers.includes('team="web"'));
    expect(web?.routes).toEqual([{ matchers: ['alertname="QueueDeep"'], repeat_interval: '2h' }]);
    // `by: [instance]` joins `equal`: one instance's critical must not hide another's warning.
    expect(config.inhibit_rules[0]).toMatchObject({ source_matchers: ['severity="critical"'], equal: ['alertname', 'service', 'instance'] });
  });

  it('reports, with its source line, an alert that would reach only the default receiver', async () => {
    const results = await testAlertRoutes(generated(`    - { team: web, receiver: chat }\n`), 'amtool');
    const lost = results.filter((r) => r.defaultOnly).map((r) => `${r.alert}/${r.labels.severity}`);
    expect(lost).toEqual(['BatchLagging/warning', 'VigilTargetDown/critical', 'VigilRuleEvaluationFailures/warning']);
    const report = formatRouteTests(results, 'unrouted');
    expect(report).toMatch(/^Route tests \(amtool\): \d+\/\d+ alerts reach a receiver other than unrouted/);
    expect(report).toMatch(/definitions\/app\.yaml:\d+:\d+: BatchLagging reaches only unrouted \{alertname=BatchLagging/);
  });

  it('passes amtool check-config with its templates, and keeps secrets out of the file', async () => {
    const generation = generated(webRoutes);
    const root = await mkdtemp(join(tmpdir(), 'vigil-am-'));
    try {
      await writeOutputsAtomically(root, generation.outputs);
      const step = await checkAlertmanagerConfig('amtool', root);
      expect(step.output).toContain('1 templates');
      expect(step.ok).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    const config = generation.outputs.find((o) => o.path === 'alertmanager/alertmanager.yml')?.content ?? '';
    expect(config).toContain('api_url_file: /run/secrets/slack');
    expect(config).toContain('routing_key_file: /etc/alertmanager/secrets/PD_KEY');
    const script = generation.outputs.find((o) => o.path === 'alertmanager/secrets-from-env.sh')?.content ?? '';
    expect(script).toContain(`printf '%s' "$PD_KEY" > "$dir/PD_KEY"`);
  });

  it('has a test variant: the same routes, every receiver a webhook to one URL', () => {
    const [variant] = emitAlertmanagerConfig(generated(webRoutes).model, { webhookOverride: 'http://127.0.0.1:1234/hook/' });
    const config = parse(variant?.content as string) as { receivers: unknown[] };
    expect(config.receivers).toContainEqual({ name: 'pager', webhook_configs: [{ url: 'http://127.0.0.1:1234/hook/pager', send_resolved: true }] });
    expect(variant?.content).not.toContain('pagerduty_configs');
  });
});
