import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { toYaml } from '../../emit/yaml.js';
import { assertNever } from '../../errors.js';
import { satisfies } from '../../model/matchers.js';
import type { Integration, NotificationRoute, Notifications, Receiver, SecretRef } from '../../model/routing.js';
import { ESCALATED_LABEL } from '../../model/routing.js';
import type { Alert, Matcher, Model } from '../../model/types.js';
import { alertLabels } from '../../rules/alerts.js';
import { formatDuration } from '../../spec/duration.js';
import { ALERTMANAGER_TEMPLATES_GLOB, TEMPLATE } from './alertmanager-templates.js';

/** Where the generated Alertmanager configuration goes. */
export const ALERTMANAGER_CONFIG_PATH = 'alertmanager/alertmanager.yml';
/** The script that writes `{ env: NAME }` secrets to files before Alertmanager starts. */
export const SECRETS_SCRIPT_PATH = 'alertmanager/secrets-from-env.sh';

/** Options for a variant of the configuration (tests). */
export interface AlertmanagerConfigOptions {
  /**
   * Replace every receiver's integrations with one webhook to `<webhookOverride>/<receiver>`,
   * keeping routes, grouping and inhibition: the same routing, delivered to a test receiver.
   */
  webhookOverride?: string;
}

type Yaml = Record<string, unknown>;

/** An Alertmanager matcher string (`team="scholar"`); the value is quoted as Alertmanager parses it. */
export function formatMatcher(matcher: Matcher): string {
  return `${matcher.label}${matcher.op}${JSON.stringify(matcher.value)}`;
}

function matches(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
  return matchers.every((matcher) => satisfies(matcher, labels[matcher.label] ?? ''));
}

const regexOf = (names: readonly string[]): string => names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/**
 * Child routes that set each alert's `cooldown` as its repeat interval, one per distinct
 * cooldown; they inherit the receiver and grouping of the route they sit under.
 */
function cooldownRoutes(alerts: readonly Alert[], labelsOf: (alert: Alert) => Record<string, string> | undefined, parent: readonly Matcher[]): Yaml[] {
  const byCooldown = new Map<number, string[]>();
  for (const alert of alerts) {
    const labels = labelsOf(alert);
    if (alert.cooldownSeconds === undefined || !labels || !matches(parent, { ...labels, alertname: alert.name })) continue;
    byCooldown.set(alert.cooldownSeconds, [...(byCooldown.get(alert.cooldownSeconds) ?? []), alert.name]);
  }
  return [...byCooldown.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cooldown, names]) => {
      const sorted = [...new Set(names)].sort();
      const matcher: Matcher =
        sorted.length === 1 ? { label: 'alertname', op: '=', value: sorted[0] as string } : { label: 'alertname', op: '=~', value: regexOf(sorted) };
      return { matchers: [formatMatcher(matcher)], repeat_interval: formatDuration(cooldown) };
    });
}

function grouping(route: NotificationRoute): Yaml {
  return {
    ...(route.groupBy !== undefined ? { group_by: route.groupBy } : {}),
    ...(route.groupWaitSeconds !== undefined ? { group_wait: formatDuration(route.groupWaitSeconds) } : {}),
    ...(route.groupIntervalSeconds !== undefined ? { group_interval: formatDuration(route.groupIntervalSeconds) } : {}),
    ...(route.repeatIntervalSeconds !== undefined ? { repeat_interval: formatDuration(route.repeatIntervalSeconds) } : {}),
  };
}

const withChildren = (route: Yaml, children: Yaml[]): Yaml => (children.length > 0 ? { ...route, routes: children } : route);

/**
 * The route tree: escalation routes first (escalated copies of a route's alerts go to its
 * escalation receiver, whatever their new severity), then the user routes in order; under each,
 * the cooldown routes of the alerts it catches.
 */
function routeTree(model: Model, notifications: Notifications): Yaml {
  const baseLabels = (alert: Alert) => alertLabels(alert);
  const escalatedLabels = (alert: Alert) =>
    alert.escalation ? { ...alertLabels(alert, alert.escalation.severity), [ESCALATED_LABEL]: 'true' } : undefined;
  const escalations = notifications.routes
    .filter((route) => route.escalationReceiver !== undefined)
    .map((route) => {
      const matchers = [...route.matchers.filter((m) => m.label !== 'severity'), { label: ESCALATED_LABEL, op: '=' as const, value: 'true' }];
      return withChildren(
        { receiver: route.escalationReceiver, matchers: matchers.map(formatMatcher), ...grouping(route) },
        cooldownRoutes(model.alerts, escalatedLabels, matchers),
      );
    });
  const routes = notifications.routes.map((route) =>
    withChildren(
      { receiver: route.receiver, matchers: route.matchers.map(formatMatcher), ...grouping(route), ...(route.continue ? { continue: true } : {}) },
      cooldownRoutes(model.alerts, baseLabels, route.matchers),
    ),
  );
  return {
    receiver: notifications.defaultReceiver,
    group_by: notifications.groupBy,
    group_wait: formatDuration(notifications.groupWaitSeconds),
    group_interval: formatDuration(notifications.groupIntervalSeconds),
    repeat_interval: formatDuration(notifications.repeatIntervalSeconds),
    routes: [...escalations, ...routes],
  };
}

/**
 * Inhibition: a higher severity silences a lower one of the same alert and service; a faster
 * SLO burn tier silences the slower ones of the same SLO; a target that is down silences its
 * service's other alerts (they are blind meanwhile). `equal` also lists every grouping label
 * (`by`, `group_by`): a label absent from both alerts compares equal, so one instance's critical
 * never hides another instance's warning.
 */
function inhibitRules(model: Model): Yaml[] {
  const groupLabels = [...new Set([...model.alerts.flatMap((alert) => alert.by), ...model.slos.flatMap((slo) => slo.groupBy)])].sort();
  const sameAlert = ['alertname', 'service', ...groupLabels.filter((label) => label !== 'service' && label !== 'alertname')];
  const rules: Yaml[] = [
    { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: sameAlert },
    { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: sameAlert },
  ];
  if (model.slos.length > 0) {
    const tiers = ['fast', 'medium', 'slow', 'slowest'];
    const sloLabels = [...new Set(model.slos.flatMap((slo) => slo.groupBy))].sort();
    tiers.slice(0, -1).forEach((tier, index) => {
      rules.push({
        source_matchers: [`burn_tier="${tier}"`],
        target_matchers: [`burn_tier=~"${tiers.slice(index + 1).join('|')}"`],
        equal: ['alertname', 'slo_id', ...sloLabels],
      });
    });
  }
  if (model.services.length > 0) {
    rules.push({ source_matchers: ['alertname="VigilTargetDown"'], target_matchers: ['alertname!="VigilTargetDown"'], equal: ['service'] });
  }
  return rules;
}

function secretFile(secret: SecretRef, secretsDir: string): string {
  return secret.kind === 'file' ? secret.path : `${secretsDir.replace(/\/+$/, '')}/${secret.name}`;
}

function integrationConfig(integration: Integration, secretsDir: string): [string, Yaml] {
  const file = (secret: SecretRef) => secretFile(secret, secretsDir);
  switch (integration.kind) {
    case 'webhook':
      return [
        'webhook_configs',
        {
          ...(typeof integration.url === 'string' ? { url: integration.url } : { url_file: file(integration.url) }),
          send_resolved: integration.sendResolved,
          ...(integration.bearerToken ? { http_config: { authorization: { credentials_file: file(integration.bearerToken) } } } : {}),
        },
      ];
    case 'slack':
      return [
        'slack_configs',
        {
          api_url_file: file(integration.apiUrl),
          channel: integration.channel,
          send_resolved: integration.sendResolved,
          title: TEMPLATE.title,
          text: TEMPLATE.slackText,
        },
      ];
    case 'email':
      return [
        'email_configs',
        {
          to: integration.to,
          from: integration.from,
          smarthost: integration.smarthost,
          ...(integration.authUsername !== undefined ? { auth_username: integration.authUsername } : {}),
          ...(integration.authPassword ? { auth_password_file: file(integration.authPassword) } : {}),
          require_tls: integration.requireTls,
          send_resolved: integration.sendResolved,
          headers: { Subject: TEMPLATE.emailSubject },
          html: TEMPLATE.emailHtml,
          text: TEMPLATE.emailText,
        },
      ];
    case 'pagerduty':
      return [
        'pagerduty_configs',
        { routing_key_file: file(integration.routingKey), send_resolved: integration.sendResolved, description: TEMPLATE.title },
      ];
    default:
      return assertNever(integration);
  }
}

function receiverConfig(receiver: Receiver, secretsDir: string, options: AlertmanagerConfigOptions): Yaml {
  if (options.webhookOverride !== undefined) {
    const base = options.webhookOverride.replace(/\/+$/, '');
    return { name: receiver.name, webhook_configs: [{ url: `${base}/${receiver.name}`, send_resolved: true }] };
  }
  const byKind = new Map<string, Yaml[]>();
  for (const integration of receiver.integrations) {
    const [key, config] = integrationConfig(integration, secretsDir);
    byKind.set(key, [...(byKind.get(key) ?? []), config]);
  }
  return { name: receiver.name, ...Object.fromEntries(byKind) };
}

function envSecrets(notifications: Notifications): string[] {
  const names = new Set<string>();
  for (const receiver of notifications.receivers) {
    for (const integration of receiver.integrations) {
      const refs: (SecretRef | string | undefined)[] =
        integration.kind === 'webhook'
          ? [integration.url, integration.bearerToken]
          : integration.kind === 'slack'
            ? [integration.apiUrl]
            : integration.kind === 'email'
              ? [integration.authPassword]
              : [integration.routingKey];
      for (const ref of refs) if (typeof ref === 'object' && ref.kind === 'env') names.add(ref.name);
    }
  }
  return [...names].sort();
}

/** A POSIX shell script that writes `{ env: NAME }` secrets to `<secrets_dir>/NAME` (mode 600). */
function secretsScript(names: readonly string[], secretsDir: string): string {
  const lines = [
    hashHeader('alertmanager').trimEnd(),
    '# Alertmanager does not expand environment variables in its configuration: run this with',
    '# `sh alertmanager/secrets-from-env.sh` before Alertmanager starts (entrypoint, ExecStartPre).',
    'set -eu',
    'umask 077',
    `dir=${JSON.stringify(secretsDir)}`,
    'mkdir -p "$dir"',
    ...names.flatMap((name) => [`: "\${${name}:?${name} is not set}"`, `printf '%s' "$${name}" > "$dir/${name}"`]),
    '',
  ];
  return lines.join('\n');
}

/**
 * The Alertmanager configuration generated from `notifications:` (none when it is absent):
 * receivers with secrets by file only, the route tree, inhibition rules, and the templates glob.
 */
export function emitAlertmanagerConfig(model: Model, options: AlertmanagerConfigOptions = {}): OutputFile[] {
  const notifications = model.notifications;
  if (!notifications) return [];
  const config = {
    route: routeTree(model, notifications),
    inhibit_rules: inhibitRules(model),
    receivers: notifications.receivers.map((receiver) => receiverConfig(receiver, notifications.secretsDir, options)),
    templates: [ALERTMANAGER_TEMPLATES_GLOB],
  };
  const outputs: OutputFile[] = [{ path: ALERTMANAGER_CONFIG_PATH, content: toYaml(config, hashHeader('alertmanager')) }];
  const secrets = envSecrets(notifications);
  if (secrets.length > 0 && options.webhookOverride === undefined) {
    outputs.push({ path: SECRETS_SCRIPT_PATH, content: secretsScript(secrets, notifications.secretsDir) });
  }
  return outputs;
}
