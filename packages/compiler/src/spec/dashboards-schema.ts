import { z } from 'zod';
import { identifier, labelName, positiveDuration } from './primitives.js';

/** The `dashboards:` section of a definitions file, as written by users. */

/** Grafana variable names end up in PromQL as `$name`: keep them to identifier characters. */
const variableName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a variable name of letters, digits and `_`');
/** Grafana uids are at most 40 characters; they also name the generated file. */
const uid = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case uid of letters, digits and `-`, such as vvtv-business')
  .max(40, 'Grafana uids are at most 40 characters');

const matcherValue = z.union([
  z.string(),
  z.strictObject({ regex: z.string() }),
  z.strictObject({ not: z.string() }),
  z.strictObject({ not_regex: z.string() }),
]);

const variable = z.union([
  z.enum(['service', 'instance']),
  z.strictObject({ name: variableName, label: labelName, metric: identifier, title: z.string().optional() }),
  z.strictObject({ name: variableName, label: labelName.optional(), values: z.array(z.string()).min(1), title: z.string().optional() }),
]);

const panelType = z.enum(['timeseries', 'stat', 'gauge', 'bargauge', 'heatmap', 'table']);
const layout = {
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  unit: z.string().min(1).optional(),
  width: z.number().int().min(1).max(24).optional(),
  height: z.number().int().min(2).max(40).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
};

const metricPanel = z.strictObject({
  metric: identifier,
  type: panelType.default('timeseries'),
  matchers: z.record(labelName, matcherValue).default({}),
  by: z.array(labelName).default([]),
  aggregate: z.enum(['avg', 'min', 'max', 'sum']).optional(),
  function: z.enum(['rate', 'increase']).optional(),
  quantiles: z.array(z.number().gt(0).lt(1)).min(1).optional(),
  ...layout,
});

const promqlPanel = z.strictObject({
  promql: z.union([
    z.string().min(1),
    z.array(z.strictObject({ expr: z.string().min(1), legend: z.string().default('') })).min(1),
  ]),
  type: panelType.default('timeseries'),
  legend: z.string().optional(),
  ...layout,
  title: z.string().min(1),
});

const sloRow = z.strictObject({ slo: z.string().min(1), service: z.string().optional(), collapsed: z.boolean().default(false) });
const panelRow = z.strictObject({
  title: z.string().min(1),
  collapsed: z.boolean().default(false),
  panels: z.array(z.union([metricPanel, promqlPanel])).min(1),
});

/** One dashboard of a definitions file. */
export const dashboardSchema = z.strictObject({
  uid,
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string().min(1)).default([]),
  refresh: positiveDuration.optional(),
  time: positiveDuration.default('6h'),
  variables: z.array(variable).default(['service', 'instance']),
  rows: z.array(z.union([panelRow, sloRow])).min(1),
});

export type DashboardSpec = z.infer<typeof dashboardSchema>;
export type DashboardVariableSpec = z.infer<typeof variable>;
export type DashboardRowSpec = z.infer<typeof panelRow> | z.infer<typeof sloRow>;
export type MetricPanelSpec = z.infer<typeof metricPanel>;
export type PromqlPanelSpec = z.infer<typeof promqlPanel>;
