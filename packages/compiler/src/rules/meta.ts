import type { Service } from '../model/types.js';
import { escapeRegex, quote } from '../promql/build.js';
import type { AlertingRule } from './types.js';

/** How long a target may be down before it pages. */
export const TARGET_DOWN_FOR_SECONDS = 300;

/** The name of the rule group that holds a service's rules. */
export function serviceGroupName(service: Service): string {
  return `vigil-${service.name}`;
}

/** Meta-alerts every service gets: its target is down, its rules fail to evaluate. */
export function serviceMetaAlerts(service: Service): AlertingRule[] {
  const labels = { service: service.name, team: service.team };
  const origin = { kind: 'meta' as const, definition: `meta:${service.name}`, source: service.source };
  return [
    {
      type: 'alerting',
      alert: 'VigilTargetDown',
      expr: `up{job=${quote(service.job)}} == 0`,
      forSeconds: TARGET_DOWN_FOR_SECONDS,
      labels: { ...labels, severity: 'critical' },
      annotations: {
        summary: `Prometheus cannot scrape {{ $labels.instance }} of ${service.name}`,
        description: `The target {{ $labels.instance }} (job ${service.job}) has been down for 5 minutes; every alert of ${service.name} is blind meanwhile.`,
      },
      origin,
    },
    {
      type: 'alerting',
      alert: 'VigilRuleEvaluationFailures',
      expr: `increase(prometheus_rule_evaluation_failures_total{rule_group=~${quote(`.*;${escapeRegex(serviceGroupName(service))}`)}}[5m]) > 0`,
      forSeconds: 0,
      labels: { ...labels, severity: 'warning' },
      annotations: {
        summary: `Rules of ${service.name} fail to evaluate`,
        description: `{{ $value }} evaluations of the rule group ${serviceGroupName(service)} failed in the last 5 minutes: its alerts may not fire.`,
      },
      origin,
    },
  ];
}

/** The always-firing alert: when it stops arriving, the alerting pipeline is dead. */
export const WATCHDOG: AlertingRule = {
  type: 'alerting',
  alert: 'VigilWatchdog',
  expr: 'vector(1)',
  forSeconds: 0,
  labels: { severity: 'info' },
  annotations: {
    summary: 'Always firing: proves the alerting pipeline works end to end',
    description: 'This alert always fires. Route it to a dead man\'s switch; its silence means Prometheus or Alertmanager is down.',
  },
  origin: { kind: 'meta', definition: 'meta:watchdog' },
};
