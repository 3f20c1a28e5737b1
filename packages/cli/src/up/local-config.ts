// Local mode derives its configuration from the generated files and never edits them: the
// committed outputs stay what `vigil check` compares, and the copies under `.vigil/config/` only
// move addresses to loopback ports and send every notification to the local sink.
import { isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/** Where the local Prometheus listens and finds the rest of the stack. */
export interface LocalPrometheusOptions {
  /** The directory of the generated prometheus.yml: relative rule_files resolve against it. */
  generatedDir: string;
  /** Prometheus's own `host:port`, which replaces the `prometheus` job's target. */
  prometheus: string;
  /** The local Alertmanager's `host:port`, the only one alerts go to. */
  alertmanager: string;
  /** The service jobs (one per service in the definitions); their targets come from file_sd. */
  serviceJobs: readonly string[];
  /** The directory of the file_sd files, one `<job>.json` per service job (absolute). */
  targetsDir: string;
}

type Yaml = Record<string, unknown>;

function record(value: unknown, what: string): Yaml {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`generated ${what} is not a YAML mapping`);
  return value as Yaml;
}

/** The file_sd path of a service job. */
export function targetsFile(targetsDir: string, job: string): string {
  return join(targetsDir, `${job}.json`);
}

/**
 * The local prometheus.yml from the generated one: rule files resolved to the project's
 * generated rules, alerts sent to the local Alertmanager, Prometheus scraping its own port, and
 * every service job's targets read from its file_sd file (which `vigil up` seeds with the
 * generated static targets when absent, and the demo replaces).
 */
export function localPrometheusConfig(generated: string, options: LocalPrometheusOptions): string {
  const config = record(parse(generated), 'prometheus.yml');
  const jobs = new Set(options.serviceJobs);
  const ruleFiles = Array.isArray(config.rule_files) ? (config.rule_files as string[]) : [];
  const scrapeConfigs = Array.isArray(config.scrape_configs) ? (config.scrape_configs as Yaml[]) : [];
  const local: Yaml = {
    ...config,
    rule_files: ruleFiles.map((file) => (isAbsolute(file) ? file : resolve(options.generatedDir, file))),
    alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] },
    scrape_configs: scrapeConfigs.map((job) => {
      const name = String(job.job_name);
      if (name === 'prometheus') return { ...job, static_configs: [{ targets: [options.prometheus] }] };
      if (!jobs.has(name)) return job;
      const { static_configs: _static, ...rest } = job;
      return { ...rest, file_sd_configs: [{ files: [targetsFile(options.targetsDir, name)], refresh_interval: '5s' }] };
    }),
  };
  return `# Written by vigil up from the generated prometheus.yml (local mode; do not edit).\n${stringify(local)}`;
}

/** The static targets of each service job in the generated prometheus.yml, as file_sd content. */
export function staticTargets(generated: string, serviceJobs: readonly string[]): Map<string, string> {
  const config = record(parse(generated), 'prometheus.yml');
  const jobs = new Set(serviceJobs);
  const result = new Map<string, string>();
  for (const job of Array.isArray(config.scrape_configs) ? (config.scrape_configs as Yaml[]) : []) {
    const name = String(job.job_name);
    if (!jobs.has(name)) continue;
    const groups = Array.isArray(job.static_configs) ? (job.static_configs as Yaml[]) : [];
    result.set(name, fileSdContent(groups.flatMap((group) => (Array.isArray(group.targets) ? (group.targets as string[]) : []))));
  }
  return result;
}

/** A file_sd file listing `targets` with no extra labels. */
export function fileSdContent(targets: readonly string[]): string {
  return `${JSON.stringify([{ targets, labels: {} }])}\n`;
}

/** Where the local Alertmanager sends notifications and finds the generated templates. */
export interface LocalAlertmanagerOptions {
  /** The directory of the generated alertmanager.yml: relative template globs resolve against it. */
  generatedDir: string;
  /** The sink's base URL; a receiver `r` posts to `<sink>/hook/<r>`. */
  sinkUrl: string;
}

/** The sink URL a receiver's notifications go to in local mode. */
export function hookUrl(sinkUrl: string, receiver: string): string {
  return `${sinkUrl}/hook/${encodeURIComponent(receiver)}`;
}

/**
 * The local alertmanager.yml from the generated one: the routing tree, inhibit rules and time
 * intervals as generated, every receiver replaced by one webhook to the sink (its name in the
 * path, so the sink knows which receiver a notification was meant for), and the global section
 * cut to what needs no secret or mail server.
 */
export function localAlertmanagerConfig(generated: string, options: LocalAlertmanagerOptions): string {
  const config = record(parse(generated), 'alertmanager.yml');
  const receivers = Array.isArray(config.receivers) ? (config.receivers as Yaml[]) : [];
  const global = typeof config.global === 'object' && config.global !== null ? (config.global as Yaml) : {};
  const { global: _global, receivers: _receivers, templates, ...rest } = config;
  const local: Yaml = {
    ...(global.resolve_timeout !== undefined ? { global: { resolve_timeout: global.resolve_timeout } } : {}),
    ...rest,
    receivers: receivers.map((receiver) => ({
      name: String(receiver.name),
      webhook_configs: [{ url: hookUrl(options.sinkUrl, String(receiver.name)), send_resolved: true }],
    })),
    ...(Array.isArray(templates)
      ? { templates: (templates as string[]).map((glob) => (isAbsolute(glob) ? glob : resolve(options.generatedDir, glob))) }
      : {}),
  };
  return `# Written by vigil up from the generated alertmanager.yml (local mode; do not edit).\n${stringify(local)}`;
}
