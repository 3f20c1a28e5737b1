import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fileSdContent, hookUrl, localAlertmanagerConfig, localPrometheusConfig, staticTargets } from './local-config.js';

const prometheusYml = `global: { scrape_interval: 30s, evaluation_interval: 30s }
rule_files: ['rules/*.yml', /abs/extra.yml]
alerting: { alertmanagers: [{ static_configs: [{ targets: ['localhost:9093', 'other:9093'] }] }] }
scrape_configs:
  - { job_name: prometheus, static_configs: [{ targets: ['localhost:9090'] }] }
  - { job_name: shop, metrics_path: /metrics, scheme: http, static_configs: [{ targets: ['localhost:9464', 'localhost:9465'] }] }
  - { job_name: hand-written, static_configs: [{ targets: ['x:1'] }] }
`;

const alertmanagerYml = `global:
  resolve_timeout: 5m
  smtp_auth_password_file: /etc/alertmanager/secrets/smtp
route:
  receiver: unrouted
  group_by: [alertname]
  routes: [{ receiver: shop-chat, matchers: ['team="shop"'] }]
inhibit_rules:
  - { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: [alertname] }
receivers:
  - name: unrouted
    webhook_configs: [{ url: 'http://127.0.0.1:9099/unrouted' }]
  - name: shop-chat
    slack_configs: [{ api_url_file: /etc/alertmanager/secrets/slack, channel: '#shop' }]
    email_configs: [{ to: a@b.example, smarthost: 'smtp.example:587' }]
templates: ['templates/*.tmpl']
`;

describe('localPrometheusConfig', () => {
  const local = parse(
    localPrometheusConfig(prometheusYml, { generatedDir: '/p/prometheus', prometheus: '127.0.0.1:1000', alertmanager: '127.0.0.1:1001', serviceJobs: ['shop'], targetsDir: '/p/.vigil/targets' }),
  ) as Record<string, unknown>;

  it('resolves rule files against the generated config and sends alerts only to the local Alertmanager', () => {
    expect(local.rule_files).toEqual(['/p/prometheus/rules/*.yml', '/abs/extra.yml']);
    expect(local.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:1001'] }] }] });
    expect(local.global).toEqual({ scrape_interval: '30s', evaluation_interval: '30s' });
  });

  it('scrapes itself on its port, service jobs from file_sd, other jobs as generated', () => {
    expect(local.scrape_configs).toEqual([
      { job_name: 'prometheus', static_configs: [{ targets: ['127.0.0.1:1000'] }] },
      { job_name: 'shop', metrics_path: '/metrics', scheme: 'http', file_sd_configs: [{ files: ['/p/.vigil/targets/shop.json'], refresh_interval: '5s' }] },
      { job_name: 'hand-written', static_configs: [{ targets: ['x:1'] }] },
    ]);
  });

  it('seeds file_sd with each service job\'s static targets', () => {
    expect([...staticTargets(prometheusYml, ['shop'])]).toEqual([['shop', fileSdContent(['localhost:9464', 'localhost:9465'])]]);
    expect(JSON.parse(fileSdContent(['a:1']))).toEqual([{ targets: ['a:1'], labels: {} }]);
  });
});

describe('localAlertmanagerConfig', () => {
  const local = parse(localAlertmanagerConfig(alertmanagerYml, { generatedDir: '/p/alertmanager', sinkUrl: 'http://127.0.0.1:2000' })) as Record<string, unknown>;

  it('replaces every receiver by a webhook to the sink named after it', () => {
    expect(local.receivers).toEqual([
      { name: 'unrouted', webhook_configs: [{ url: 'http://127.0.0.1:2000/hook/unrouted', send_resolved: true }] },
      { name: 'shop-chat', webhook_configs: [{ url: 'http://127.0.0.1:2000/hook/shop-chat', send_resolved: true }] },
    ]);
    expect(hookUrl('http://s', 'a/b c')).toBe('http://s/hook/a%2Fb%20c');
  });

  it('keeps the routing tree and inhibit rules, drops secrets from global, resolves templates', () => {
    const generated = parse(alertmanagerYml) as Record<string, unknown>;
    expect(local.route).toEqual(generated.route);
    expect(local.inhibit_rules).toEqual(generated.inhibit_rules);
    expect(local.global).toEqual({ resolve_timeout: '5m' });
    expect(local.templates).toEqual(['/p/alertmanager/templates/*.tmpl']);
    expect(JSON.stringify(local)).not.toContain('secrets');
  });
});
