import type { Service } from '../model/types.js';
import { serviceGroupName, serviceMetaAlerts, TARGET_DOWN_FOR_SECONDS, WATCHDOG } from '../rules/meta.js';
import type { AlertingRule } from '../rules/types.js';
import { formatDuration } from '../spec/duration.js';
import { expectAlert, type PromtoolTestCase } from './alert-tests.js';
import { TEST_INSTANCE } from './labels.js';
import { counterSegments, gaugeSegments, renderValues, seriesName } from './series.js';

const at = (minute: number) => formatDuration(minute * 60);

function rule(service: Service, name: string): AlertingRule {
  return serviceMetaAlerts(service).find((r) => r.alert === name) as AlertingRule;
}

/** Tests for a service's meta-alerts; `ruleFile` is the rule file's path as Prometheus loads it. */
export function synthesizeMetaTests(service: Service, ruleFile: string): PromtoolTestCase[] {
  const down = rule(service, 'VigilTargetDown');
  const failures = rule(service, 'VigilRuleEvaluationFailures');
  const downFor = TARGET_DOWN_FOR_SECONDS / 60;
  const upLabels = { instance: TEST_INSTANCE, job: service.job };
  const failureLabels = { instance: 'localhost:9090', job: 'prometheus', rule_group: `${ruleFile};${serviceGroupName(service)}` };
  return [
    {
      name: `VigilTargetDown (${service.name}): fires after ${downFor}m down, not before`,
      interval: '1m',
      input_series: [{ series: seriesName('up', upLabels), values: renderValues(gaugeSegments([[0, 1], [10, 0]], 30)) }],
      alert_rule_test: [
        { eval_time: at(9), alertname: down.alert, exp_alerts: [] },
        { eval_time: at(10 + downFor - 1), alertname: down.alert, exp_alerts: [] },
        { eval_time: at(10 + downFor), alertname: down.alert, exp_alerts: [expectAlert(down.labels, down.annotations, upLabels, 0)] },
      ],
    },
    {
      name: `VigilRuleEvaluationFailures (${service.name}): fires on the first failure`,
      interval: '1m',
      input_series: [
        {
          series: seriesName('prometheus_rule_evaluation_failures_total', failureLabels),
          values: renderValues(counterSegments([[0, 0], [10, 1]], 20)),
        },
      ],
      alert_rule_test: [
        { eval_time: at(9), alertname: failures.alert, exp_alerts: [] },
        {
          eval_time: at(10),
          alertname: failures.alert,
          exp_alerts: [expectAlert(failures.labels, failures.annotations, failureLabels, 1)],
        },
      ],
    },
  ];
}

/** The watchdog fires from the first evaluation on. */
export function synthesizeWatchdogTests(): PromtoolTestCase[] {
  const expected = expectAlert(WATCHDOG.labels, WATCHDOG.annotations, {}, 1);
  return [
    {
      name: 'VigilWatchdog: always firing',
      interval: '1m',
      input_series: [],
      alert_rule_test: [0, 60].map((minute) => ({ eval_time: at(minute), alertname: WATCHDOG.alert, exp_alerts: [expected] })),
    },
  ];
}
