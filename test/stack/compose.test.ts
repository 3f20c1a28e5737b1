import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => parse(readFileSync(join(root, path), 'utf8'));

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml') as {
    services: Record<string, { image: string; command?: string[]; volumes?: string[]; network_mode?: string }>;
  };

  it('runs Prometheus, Alertmanager and Grafana on the generated files', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'grafana', 'prometheus']);
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('./')) expect(existsSync(join(root, source)), source).toBe(true);
      }
    }
    expect(compose.services.prometheus?.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(compose.services.alertmanager?.command).toContain('--config.file=/etc/alertmanager/alertmanager.yml');
  });

  it('keeps the retention the definitions ask for', () => {
    const storage = read('prometheus/storage.yml') as { storage: { tsdb: { retention: string } } };
    expect(compose.services.prometheus?.command).toContain(`--storage.tsdb.retention.time=${storage.storage.tsdb.retention}`);
  });

  it('reaches what prometheus.yml names on localhost (host networking)', () => {
    const config = read('prometheus/prometheus.yml') as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    expect(config.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['localhost:9093']);
    for (const service of Object.values(compose.services)) expect(service.network_mode).toBe('host');
  });
});
