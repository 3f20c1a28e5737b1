import type { Model } from '../model/types.js';
import { compileAlert } from './alerts.js';
import { serviceGroupName, serviceMetaAlerts, WATCHDOG } from './meta.js';
import { compileSlo } from './slos.js';
import type { RuleFile } from './types.js';
import { compareText } from '../text-order.js';

/** The file that holds the pipeline-wide meta-alerts (the watchdog). */
export const META_RULE_FILE = 'vigil-meta';

/**
 * Compiles the model into rule files: one file and one group per service (its SLOs' recording
 * rules, its alerts' recording rules, its alerts, its meta-alerts), and the watchdog file.
 * Order follows the definitions, so output is stable and reviews stay quiet.
 */
export function compileRules(model: Model): RuleFile[] {
  const files: RuleFile[] = [];
  const services = [...model.services].sort((a, b) => compareText(a.name, b.name));
  for (const service of services) {
    const rules = [
      ...model.slos.filter((slo) => slo.service === service).flatMap(compileSlo),
      ...model.alerts.filter((alert) => alert.service === service).flatMap(compileAlert),
      ...serviceMetaAlerts(service),
    ];
    files.push({ name: service.name, groups: [{ name: serviceGroupName(service), rules }] });
  }
  files.push({ name: META_RULE_FILE, groups: [{ name: 'vigil-meta', rules: [WATCHDOG] }] });
  return files;
}
