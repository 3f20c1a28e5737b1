import { fail, ok, type Result } from './errors.js';
import { loadModel } from './compile.js';
import type { OutputFile } from './emit/output.js';
import { emitAlertmanagerConfig } from './emit/alertmanager-config.js';
import { emitAlertmanagerTemplates } from './emit/alertmanager-templates.js';
import { emitDatadogDashboards } from './emit/datadog-dashboards.js';
import { emitDatadogMonitors } from './emit/datadog-monitors.js';
import { emitGrafanaDashboards } from './emit/grafana-dashboards.js';
import { emitGrafanaProvisioning } from './emit/grafana-provisioning.js';
import { emitHtmlDashboards } from './emit/html-dashboards.js';
import { emitJsonSchema } from './emit/json-schema.js';
import { emitPrometheusConfig } from './emit/prometheus-config.js';
import { emitPrometheusRules } from './emit/prometheus-rules.js';
import { emitPromtoolTests, type TestCoverage } from './emit/promtool-tests.js';
import type { Model } from './model/types.js';
import { compileRules } from './rules/compile.js';
import type { RuleFile } from './rules/types.js';
import type { SourceText } from './spec/load.js';
import { compareText } from './text-order.js';

/** Everything one run of the compiler produces, before anything is written. */
export interface Generation {
  model: Model;
  rules: RuleFile[];
  outputs: OutputFile[];
  coverage: TestCoverage[];
}

/**
 * Compiles definitions into every output, in memory. Each target is one emitter over the same
 * model; adding a target is adding an emitter here.
 */
export function generate(sources: readonly SourceText[]): Result<Generation> {
  const loaded = loadModel(sources);
  if (!loaded.ok) return fail(loaded.issues);
  const model = loaded.value;
  const rules = compileRules(model);
  const tests = emitPromtoolTests(model);
  const outputs = [...emitPrometheusRules(rules), ...tests.files, ...emitPrometheusConfig(model), ...emitAlertmanagerConfig(model), ...emitAlertmanagerTemplates(model), ...emitJsonSchema(), ...emitGrafanaDashboards(model), ...emitGrafanaProvisioning(), ...emitHtmlDashboards(model), ...emitDatadogMonitors(model), ...emitDatadogDashboards(model)].sort((a, b) =>
    compareText(a.path, b.path),
  );
  return ok({ model, rules, outputs, coverage: tests.coverage });
}
