import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { sortedRecord, toYaml } from '../../emit/yaml.js';
import type { Model, RemoteWrite } from '../../model/types.js';
import { formatDuration } from '../../spec/duration.js';
import { compareText } from '../../text-order.js';

/** The label that tells the replicas of an HA pair apart; Alertmanager must not see it. */
export const REPLICA_LABEL = 'replica';

/** Prometheus' `remote_write` entry: secrets by file only. */
function remoteWriteEntry(entry: RemoteWrite): Record<string, unknown> {
  return {
    url: entry.url,
    ...(entry.name ? { name: entry.name } : {}),
    ...(entry.basicAuth ? { basic_auth: { username: entry.basicAuth.username, password_file: entry.basicAuth.passwordFile } } : {}),
    ...(entry.bearerTokenFile ? { authorization: { type: 'Bearer', credentials_file: entry.bearerTokenFile } } : {}),
  };
}

/**
 * The Prometheus configuration: intervals, rule files, the Alertmanagers and a scrape job per
 * service. With `replicas`, one more file per replica (`prometheus-<replica>.yml`) carries the
 * `replica` external label, and every file drops that label from alerts, so the Alertmanager
 * cluster sees the two replicas' alerts as one and notifies once.
 */
export function emitPrometheusConfig(model: Model): OutputFile[] {
  const { settings } = model;
  const ha = settings.replicas.length > 0;
  const configFor = (replica: string | undefined) => {
    const labels = { ...settings.externalLabels, ...(replica === undefined ? {} : { [REPLICA_LABEL]: replica }) };
    return {
      global: {
        scrape_interval: formatDuration(settings.scrapeIntervalSeconds),
        evaluation_interval: formatDuration(settings.evaluationIntervalSeconds),
        ...(Object.keys(labels).length > 0 ? { external_labels: sortedRecord(labels) } : {}),
      },
      rule_files: ['rules/*.yml'],
      alerting: {
        ...(ha ? { alert_relabel_configs: [{ action: 'labeldrop', regex: REPLICA_LABEL }] } : {}),
        alertmanagers: [{ static_configs: [{ targets: settings.alertmanagers }] }],
      },
      ...(settings.remoteWrite.length > 0 ? { remote_write: settings.remoteWrite.map(remoteWriteEntry) } : {}),
      scrape_configs: scrapeConfigs,
    };
  };
  const scrapeConfigs = [
    { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
    ...[...model.services]
      .sort((a, b) => compareText(a.name, b.name))
      .map((service) => ({
        job_name: service.job,
        metrics_path: service.metricsPath,
        scheme: service.scheme,
        static_configs: [{ targets: service.targets }],
      })),
  ];
  // Retention is a flag, not a config key: record it beside the config for whatever starts Prometheus.
  const flags = {
    retention: formatDuration(settings.retentionSeconds),
    args: [`--storage.tsdb.retention.time=${formatDuration(settings.retentionSeconds)}`],
  };
  return [
    { path: 'prometheus/prometheus.yml', content: toYaml(configFor(undefined), hashHeader('prometheus-config')) },
    ...settings.replicas.map((replica) => ({
      path: `prometheus/prometheus-${replica}.yml`,
      content: toYaml(configFor(replica), hashHeader('prometheus-config')),
    })),
    { path: 'prometheus/storage.yml', content: toYaml({ storage: { tsdb: flags } }, hashHeader('prometheus-config')) },
  ];
}
