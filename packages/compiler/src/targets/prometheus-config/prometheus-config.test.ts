import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as build from '../../model/testing/builders.js';
import { emitPrometheusConfig } from './prometheus-config.js';

function emitted(model = build.model()): { config: Record<string, unknown>; storage: Record<string, unknown> } {
  const [config, storage] = emitPrometheusConfig(model);
  expect(config?.path).toBe('prometheus/prometheus.yml');
  expect(storage?.path).toBe('prometheus/storage.yml');
  return { config: parse(config!.content), storage: parse(storage!.content) };
}

describe('emitPrometheusConfig', () => {
  it('takes intervals, external labels and Alertmanagers from the settings', () => {
    const settings = build.settings({ scrapeIntervalSeconds: 15, evaluationIntervalSeconds: 60, externalLabels: { region: 'eu', cluster: 'a' }, alertmanagers: ['am:9093'] });
    const { config } = emitted(build.model({ settings }));
    expect(config.global).toEqual({ scrape_interval: '15s', evaluation_interval: '1m', external_labels: { cluster: 'a', region: 'eu' } });
    expect(config.rule_files).toEqual(['rules/*.yml']);
    expect(config.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['am:9093'] }] }] });
  });

  it('leaves external labels out when there are none', () => {
    expect(emitted().config.global).toEqual({ scrape_interval: '30s', evaluation_interval: '30s' });
  });

  it('scrapes Prometheus itself, then each service by name', () => {
    const services = [build.service({ name: 'web', targets: ['w:1'] }), build.service({ name: 'api', targets: ['a:1', 'a:2'], scheme: 'https', metricsPath: '/m' })];
    expect(emitted(build.model({ services })).config.scrape_configs).toEqual([
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      { job_name: 'api', metrics_path: '/m', scheme: 'https', static_configs: [{ targets: ['a:1', 'a:2'] }] },
      { job_name: 'web', metrics_path: '/metrics', scheme: 'http', static_configs: [{ targets: ['w:1'] }] },
    ]);
  });

  it('records retention as the flag that sets it', () => {
    const { storage } = emitted(build.model({ settings: build.settings({ retentionSeconds: 15 * 86400 }) }));
    expect(storage).toEqual({ storage: { tsdb: { retention: '15d', args: ['--storage.tsdb.retention.time=15d'] } } });
  });

  it('writes one config per replica: the replica label, dropped from alerts in every file', () => {
    const settings = build.settings({ replicas: ['a', 'b'], externalLabels: { cluster: 'eu' }, alertmanagers: ['am1:9093', 'am2:9093'] });
    const files = emitPrometheusConfig(build.model({ settings }));
    expect(files.map((f) => f.path)).toEqual(['prometheus/prometheus.yml', 'prometheus/prometheus-a.yml', 'prometheus/prometheus-b.yml', 'prometheus/storage.yml']);
    const [base, a, b] = files.slice(0, 3).map((f) => parse(f.content) as { global: { external_labels: unknown }; alerting: unknown });
    expect(base?.global.external_labels).toEqual({ cluster: 'eu' });
    expect(a?.global.external_labels).toEqual({ cluster: 'eu', replica: 'a' });
    expect(b?.global.external_labels).toEqual({ cluster: 'eu', replica: 'b' });
    for (const config of [base, a, b]) {
      expect(config?.alerting).toEqual({
        alert_relabel_configs: [{ action: 'labeldrop', regex: 'replica' }],
        alertmanagers: [{ static_configs: [{ targets: ['am1:9093', 'am2:9093'] }] }],
      });
    }
  });

  it('writes remote_write with secrets by file only', () => {
    const remoteWrite = [
      { url: 'https://vm.example/api/v1/write', name: 'vm', basicAuth: { username: 'vigil', passwordFile: '/run/secrets/vm' } },
      { url: 'https://mimir.example/api/v1/push', bearerTokenFile: '/run/secrets/mimir' },
    ];
    const { config } = emitted(build.model({ settings: build.settings({ remoteWrite }) }));
    expect(config.remote_write).toEqual([
      { url: 'https://vm.example/api/v1/write', name: 'vm', basic_auth: { username: 'vigil', password_file: '/run/secrets/vm' } },
      { url: 'https://mimir.example/api/v1/push', authorization: { type: 'Bearer', credentials_file: '/run/secrets/mimir' } },
    ]);
  });

  it('leaves remote_write out when there is none', () => {
    expect(emitted().config).not.toHaveProperty('remote_write');
  });
});
