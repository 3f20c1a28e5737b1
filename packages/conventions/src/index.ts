/**
 * @vigil/conventions: the rules every Vigil package shares, defined once. File writes are in
 * `@vigil/conventions/atomic-file` (Node only), so this entry stays free of I/O.
 */
export { assertNever } from './assert-never.js';
export { INSTRUMENT_TYPES, isInstrumentType } from './instrument-type.js';
export type { InstrumentType } from './instrument-type.js';
export {
  findLabelCollisions,
  PROMETHEUS_LABEL_NAME_PATTERN,
  PROMETHEUS_METRIC_NAME_PATTERN,
  prometheusLabelName,
  prometheusMetricName,
  prometheusSeriesNames,
} from './prometheus-naming.js';
export type { LabelCollision } from './prometheus-naming.js';
export { DATADOG_BUCKET_TAGS, DATADOG_HISTOGRAM_SUFFIXES, datadogCountSeries, datadogSeries, datadogTag } from './datadog-naming.js';
export type { DatadogSeriesName, DatadogSeriesType } from './datadog-naming.js';
export {
  AUTOPILOT_CONTRACT_DEFAULTS,
  DEFAULT_PARAMETER_TYPE,
  INCONCLUSIVE_POLICIES,
  KPI_DEFAULTS,
  KPI_DIRECTION_SPELLING,
  KPI_DIRECTIONS,
  KPI_KINDS,
  KPI_ROLE_SPELLING,
  KPI_ROLES,
  PARAMETER_TYPES,
  RANDOMIZATION_UNITS,
  kpiDirectionOf,
  kpiRoleOf,
  WEEK_DAYS,
} from './autopilot-contract.js';
export type {
  AutopilotContractDefaults,
  ContractDuration,
  InconclusivePolicy,
  KpiDefaults,
  KpiDirection,
  KpiDirectionSpelling,
  KpiKind,
  KpiRole,
  KpiRoleSpelling,
  ParameterType,
  RandomizationUnit,
  SlidingBoundsSettings,
  TimeOfDay,
  WeekDay,
} from './autopilot-contract.js';
export { VigilError, UsageError, InvalidDefinitionsError, CommandFailedError, ToolError, isVigilError, formatIssue, type VigilErrorKind, type DefinitionIssue, type VigilErrorOptions } from './errors.js';
