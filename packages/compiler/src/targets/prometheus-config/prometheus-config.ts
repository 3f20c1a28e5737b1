import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { sortedRecord, toYaml } from '../../emit/yaml.js';
import type { Model } from '../../model/types.js';
import { formatDuration } from '../../spec/duration.js';
import { compareText } from '../../text-order.js';

/** The Prometheus configuration: intervals, rule files, the Alertmanagers and a scrape job per service. */
export function emitPrometheusConfig(model: Model): OutputFile[] {
  const { settings } = model;
  const config = {
    global: {
      scrape_interval: formatDuration(settings.scrapeIntervalSeconds),
      evaluation_interval: formatDuration(settings.evaluationIntervalSeconds),
      ...(Object.keys(settings.externalLabels).length > 0 ? { external_labels: sortedRecord(settings.externalLabels) } : {}),
    },
    rule_files: ['rules/*.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: settings.alertmanagers }] }] },
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] },
      ...[...model.services]
        .sort((a, b) => compareText(a.name, b.name))
        .map((service) => ({
          job_name: service.job,
          metrics_path: service.metricsPath,
          scheme: service.scheme,
          static_configs: [{ targets: service.targets }],
        })),
    ],
  };
  // Retention is a flag, not a config key: record it beside the config for whatever starts Prometheus.
  const flags = {
    retention: formatDuration(settings.retentionSeconds),
    args: [`--storage.tsdb.retention.time=${formatDuration(settings.retentionSeconds)}`],
  };
  return [
    { path: 'prometheus/prometheus.yml', content: toYaml(config, hashHeader('prometheus-config')) },
    { path: 'prometheus/storage.yml', content: toYaml({ storage: { tsdb: flags } }, hashHeader('prometheus-config')) },
  ];
}
