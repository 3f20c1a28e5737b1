import type { SourceLocation } from '../errors.js';
import { parseDuration } from '../spec/duration.js';
import type { LoadedDefinitions } from '../spec/load.js';
import type { NotificationsSpec, ReceiverSpec, RouteSpec, SecretSpec } from '../spec/routing-schema.js';
import type { Integration, NotificationRoute, Notifications, Receiver, SecretRef } from './routing.js';
import { assertNever } from '../errors.js';
import type { Dashboard, Panel } from './dashboards.js';
import type { Alert, Matcher, Service, Slo } from './types.js';
import { compareText } from '../text-order.js';

/** Reports one problem at a location; the model builder collects them. */
export type ReportIssue = (at: SourceLocation, message: string) => void;

/** Alert names Vigil generates for every service or pipeline (rules/meta.ts). */
export const META_ALERT_NAMES = ['VigilTargetDown', 'VigilRuleEvaluationFailures', 'VigilWatchdog'] as const;

const seconds = (text: string): number => parseDuration(text) as number;

function secretRef(spec: SecretSpec): SecretRef {
  return 'file' in spec ? { kind: 'file', path: spec.file } : { kind: 'env', name: spec.env };
}

function integrationsOf(spec: ReceiverSpec, at: (...path: (string | number)[]) => SourceLocation, report: ReportIssue): Integration[] {
  const integrations: Integration[] = [];
  spec.webhook.forEach((hook) => {
    // A URL carrying credentials is rejected by the schema's one check for every URL field.
    integrations.push({
      kind: 'webhook',
      url: typeof hook.url === 'string' ? hook.url : secretRef(hook.url),
      ...(hook.bearer_token ? { bearerToken: secretRef(hook.bearer_token) } : {}),
      sendResolved: hook.send_resolved,
    });
  });
  for (const hook of spec.slack) {
    integrations.push({ kind: 'slack', apiUrl: secretRef(hook.api_url), channel: hook.channel, sendResolved: hook.send_resolved });
  }
  spec.email.forEach((mail, index) => {
    if ((mail.auth_username === undefined) !== (mail.auth_password === undefined)) {
      report(at('email', index), 'expected both `auth_username` and `auth_password`, or neither');
    }
    integrations.push({
      kind: 'email',
      to: mail.to,
      from: mail.from,
      smarthost: mail.smarthost,
      ...(mail.auth_username !== undefined ? { authUsername: mail.auth_username } : {}),
      ...(mail.auth_password ? { authPassword: secretRef(mail.auth_password) } : {}),
      requireTls: mail.require_tls,
      sendResolved: mail.send_resolved,
    });
  });
  for (const page of spec.pagerduty) {
    integrations.push({ kind: 'pagerduty', routingKey: secretRef(page.routing_key), sendResolved: page.send_resolved });
  }
  if (integrations.length === 0) report(at('name'), `receiver ${spec.name} needs at least one of webhook, slack, email or pagerduty`);
  return integrations;
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function matcherOf(label: string, value: string | readonly string[]): Matcher {
  if (typeof value === 'string') return { label, op: '=', value };
  if (value.length === 1) return { label, op: '=', value: value[0] as string };
  return { label, op: '=~', value: [...value].sort().map(escapeRegex).join('|') };
}

interface Known {
  teams: Set<string>;
  services: Set<string>;
  alertNames: Set<string>;
  receivers: Set<string>;
}

function buildRoute(spec: RouteSpec, at: (...path: (string | number)[]) => SourceLocation, known: Known, report: ReportIssue): NotificationRoute {
  const check = (field: 'team' | 'service' | 'alertname', values: string | string[] | undefined, set: Set<string>) => {
    for (const value of typeof values === 'string' ? [values] : (values ?? [])) {
      if (!set.has(value)) report(at(field), `unknown ${field} ${value}: expected one of ${[...set].sort().join(', ') || '(none declared)'}`);
    }
  };
  check('team', spec.team, known.teams);
  check('service', spec.service, known.services);
  check('alertname', spec.alertname, known.alertNames);
  for (const [field, name] of [['receiver', spec.receiver], ['escalation_receiver', spec.escalation_receiver]] as const) {
    if (name !== undefined && !known.receivers.has(name)) {
      report(at(field), `unknown receiver ${name}: expected one of ${[...known.receivers].sort().join(', ')}`);
    }
  }
  const matchers: Matcher[] = [];
  if (spec.alertname !== undefined) matchers.push(matcherOf('alertname', spec.alertname));
  if (spec.service !== undefined) matchers.push(matcherOf('service', spec.service));
  if (spec.severity !== undefined) matchers.push(matcherOf('severity', spec.severity));
  if (spec.team !== undefined) matchers.push(matcherOf('team', spec.team));
  for (const [label, value] of Object.entries(spec.matchers)) {
    if (['alertname', 'service', 'severity', 'team'].includes(label)) {
      report(at('matchers', label), `use the route's own \`${label}\` field`);
    }
    matchers.push({ label, op: '=', value });
  }
  if (matchers.length === 0) report(at('receiver'), 'a route needs at least one of team, service, severity, alertname or matchers');
  return {
    receiver: spec.receiver,
    matchers: matchers.sort((a, b) => compareText(a.label, b.label)),
    ...(spec.escalation_receiver !== undefined ? { escalationReceiver: spec.escalation_receiver } : {}),
    ...(spec.group_by !== undefined ? { groupBy: spec.group_by } : {}),
    ...(spec.group_wait !== undefined ? { groupWaitSeconds: seconds(spec.group_wait) } : {}),
    ...(spec.group_interval !== undefined ? { groupIntervalSeconds: seconds(spec.group_interval) } : {}),
    ...(spec.repeat_interval !== undefined ? { repeatIntervalSeconds: seconds(spec.repeat_interval) } : {}),
    continue: spec.continue,
    source: at('receiver'),
  };
}

/**
 * Maps the `notifications:` section (declared in one file at most) to the model, checking what
 * the schema cannot: unique receiver names, routes naming known receivers, teams, services and
 * alerts, and durations Alertmanager accepts.
 */
export function buildNotifications(
  files: readonly LoadedDefinitions[],
  services: ReadonlyMap<string, Service>,
  alerts: readonly Alert[],
  slos: readonly Slo[],
  report: ReportIssue,
): Notifications | undefined {
  const declared = files.filter((file) => file.spec.notifications !== undefined);
  const first = declared[0];
  for (const extra of declared.slice(1)) {
    report(extra.locate(['notifications'], true), `notifications are already declared in ${first?.path}; declare them once`);
  }
  if (!first) return undefined;
  const spec = first.spec.notifications as NotificationsSpec;
  const at = (...path: (string | number)[]) => first.locate(['notifications', ...path]);

  const receivers: Receiver[] = [];
  const receiverNames = new Set<string>();
  spec.receivers.forEach((receiverSpec, index) => {
    const atReceiver = (...path: (string | number)[]) => at('receivers', index, ...path);
    if (receiverNames.has(receiverSpec.name)) report(atReceiver('name'), `receiver ${receiverSpec.name} is declared twice`);
    receiverNames.add(receiverSpec.name);
    receivers.push({ name: receiverSpec.name, integrations: integrationsOf(receiverSpec, atReceiver, report), source: atReceiver('name') });
  });
  if (!receiverNames.has(spec.default_receiver)) {
    report(at('default_receiver'), `unknown receiver ${spec.default_receiver}: expected one of ${[...receiverNames].sort().join(', ')}`);
  }
  const known: Known = {
    teams: new Set([...services.values()].map((service) => service.team)),
    services: new Set(services.keys()),
    alertNames: new Set([...alerts.map((alert) => alert.name), ...slos.map((slo) => slo.alertName), ...META_ALERT_NAMES]),
    receivers: receiverNames,
  };
  const routes = spec.routes.map((route, index) => buildRoute(route, (...path) => at('routes', index, ...path), known, report));
  const groupWait = seconds(spec.group_wait);
  const groupInterval = seconds(spec.group_interval);
  const repeatInterval = seconds(spec.repeat_interval);
  if (groupInterval === 0) report(at('group_interval'), '`group_interval` must be longer than 0s');
  if (repeatInterval === 0) report(at('repeat_interval'), '`repeat_interval` must be longer than 0s');
  alerts.forEach((alert) => {
    if (alert.cooldownSeconds === 0) report(alert.source, `alert ${alert.name}: \`cooldown\` becomes Alertmanager's repeat_interval and must be longer than 0s`);
  });
  return {
    defaultReceiver: spec.default_receiver,
    secretsDir: spec.secrets_dir,
    groupBy: spec.group_by,
    groupWaitSeconds: groupWait,
    groupIntervalSeconds: groupInterval,
    repeatIntervalSeconds: repeatInterval,
    receivers,
    routes,
    source: at(),
  };
}

/**
 * Grafana panel ids, numbered as targets/grafana/grafana-dashboards.ts numbers them: one sequence over the
 * dashboard, each row header then its panels. build-routing.test.ts checks both agree.
 */
export function panelIds(board: Dashboard): Map<Panel, number> {
  const ids = new Map<Panel, number>();
  let next = 1;
  for (const row of board.rows) {
    next++;
    for (const panel of row.panels) ids.set(panel, next++);
  }
  return ids;
}

function watchedMetric(alert: Alert): string | undefined {
  const condition = alert.condition;
  switch (condition.kind) {
    case 'threshold':
    case 'rate_of_change':
    case 'anomaly':
    case 'forecast':
      return condition.value.metric.name;
    case 'staleness':
    case 'absence':
      return condition.metric.name;
    case 'ratio':
      return condition.numerator.metric.name;
    case 'promql':
      return undefined;
    default:
      return assertNever(condition);
  }
}

/** The first panel (in dashboard order) that `pick` accepts, as a Grafana link. */
function panelLink(grafanaUrl: string, dashboards: readonly Dashboard[], pick: (panel: Panel) => boolean): string | undefined {
  for (const board of dashboards) {
    for (const [panel, id] of panelIds(board)) {
      if (pick(panel)) return `${grafanaUrl.replace(/\/+$/, '')}/d/${board.uid}?viewPanel=${id}`;
    }
  }
  return undefined;
}

/**
 * Gives alerts without an explicit `dashboard` a `dashboard_url` to the panel that shows their
 * metric (preferring one that draws the alert's threshold), and SLO alerts one to their burn-rate
 * panel, when `settings.grafana_url` is set. Alerts whose metric no panel shows get no link
 * rather than a dead one.
 */
export function linkDashboards(files: readonly LoadedDefinitions[], alerts: Alert[], slos: Slo[], dashboards: readonly Dashboard[]): void {
  const grafanaUrl = files.find((file) => file.spec.settings !== undefined)?.spec.settings?.grafana_url;
  if (grafanaUrl === undefined) return;
  for (const alert of alerts) {
    if (alert.dashboard !== undefined) continue;
    const metric = watchedMetric(alert);
    const link =
      panelLink(grafanaUrl, dashboards, (panel) => panel.thresholds.some((line) => line.alert === alert.name)) ??
      (metric !== undefined ? panelLink(grafanaUrl, dashboards, (panel) => panel.metric === metric) : undefined);
    if (link !== undefined) alert.dashboard = link;
  }
  for (const slo of slos) {
    if (slo.alertAnnotations.dashboard_url !== undefined) continue;
    const link = panelLink(grafanaUrl, dashboards, (panel) => panel.thresholds.some((line) => line.alert.startsWith(`${slo.alertName} (`)));
    if (link !== undefined) slo.alertAnnotations = { ...slo.alertAnnotations, dashboard_url: link };
  }
}
