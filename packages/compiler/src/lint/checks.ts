import { RULES_DIR } from '../targets/prometheus-rules/prometheus-rules.js';
import { assertNever, type SourceLocation } from '../errors.js';
import type { InstrumentType, Model, Settings, Slo } from '../model/types.js';
import { num } from '../promql/build.js';
import { errorBudget } from '../rules/slos.js';
import type { RuleFile } from '../rules/types.js';
import { DURATION_PATTERN, formatDuration, parseDuration } from '../spec/duration.js';
import { goTemplateErrors } from '../spec/go-template.js';
import { analyzePromql, type PromqlMatcher, type PromqlSelector } from './promql.js';
import { buildSeriesIndex, type SeriesIndex } from './series.js';
import type { LintCheck, LintFinding, LintInput, LintSeverity } from './types.js';
import { locateInExpr, type UserRule, type UserRuleFile } from './user-rules.js';
import { compareText } from '../text-order.js';

/** A rule as the checks see it, generated or hand-written alike. */
interface LintRule {
  type: 'alerting' | 'recording';
  name: string;
  expr: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Hand-written PromQL (a user file, a `promql` condition or SLI): unknowns are likelier deliberate. */
  raw: boolean;
  /** Vigil's own meta-alerts, which users cannot change. */
  meta: boolean;
  /** From a hand-written rule file, which may well watch exporters the catalog does not describe. */
  handWritten: boolean;
  /** Where findings about the whole rule point. */
  at: SourceLocation;
  /** Where a finding about a character of the expression points. */
  locate: (offset: number) => SourceLocation;
  /** `for` and `keep_firing_for` as written in a hand-written file (generated rules hold valid numbers). */
  durations: Readonly<Record<string, string>>;
  /**
   * Where a finding about a character of another value points, by key (`record`, `for`,
   * `labels.<name>`, `annotations.<name>`).
   */
  locateField: (key: string, offset: number) => SourceLocation;
}

/** Functions that want a counter. */
const COUNTER_FUNCTIONS = ['rate', 'irate', 'increase'];
/** Functions that misread a counter's resets. */
const GAUGE_FUNCTIONS = ['delta', 'deriv', 'predict_linear'];
/** Windows shorter than this many scrape intervals leave too few samples for a reliable rate. */
const MIN_SCRAPES_PER_RATE_WINDOW = 4;
/** The longest duration Prometheus reads: Go's `time.Duration`, an int64 of nanoseconds. */
const MAX_DURATION_SECONDS = 9_223_372_036;
/** A character with a meaning in an RE2 pattern: without one, a regex matcher is a string comparison. */
const REGEX_SYNTAX = /[.+*?()[\]{}|^$\\]/;
/** A template's reference to a series label: `$labels.x`, `.Labels.x` or `index $labels "x"`. */
const LABEL_REF = /(?:\$labels|\.Labels)\.([a-zA-Z_]\w*)|index\s+(?:\$labels|\.Labels)\s+"([^"]*)"/g;
/** A template's reference to the alert's value. */
const VALUE_REF = /\$value\b|\.Value\b/;

/** A valid metric name, which a recording rule's name must be (Prometheus' legacy name rule, as promtool checks it). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A valid label or annotation name (Prometheus' legacy name rule, as promtool 2.x checks a rule's `labels` and `annotations` keys). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One line on what a check looks for, for reports and SARIF rule metadata. */
export function describeCheck(check: LintCheck): string {
  switch (check) {
    case 'file/invalid':
      return 'A hand-written rule file is not valid YAML or not a Prometheus rule file; the other files are still linted.';
    case 'promql/syntax':
      return 'The expression does not parse as PromQL.';
    case 'rule/invalid-duration':
      return 'A `for` or `keep_firing_for` is not a Prometheus duration (`5m`, `1h30m`) or is beyond its range: promtool rejects the file.';
    case 'rule/invalid-record-name':
      return 'A recording rule name is not a valid metric name (`^[a-zA-Z_:][a-zA-Z0-9_:]*$`): promtool rejects the file.';
    case 'rule/invalid-label-name':
      return 'A key of a rule\'s `labels` or an alert\'s `annotations` is not a valid label name (`^[a-zA-Z_][a-zA-Z0-9_]*$`): promtool rejects the file.';
    case 'label/reserved-name':
      return 'A rule label starts with `__`, which Prometheus reserves for internal labels (promtool accepts it, but relabelling and Alertmanager may drop it).';
    case 'template/syntax':
      return "An alert's label or annotation is not a valid Go template (bad syntax, an unknown function): promtool rejects the file.";
    case 'template/removed-label':
      return "A template reads `$labels.x` for a label the expression's aggregation (or absent()) removed, so it always renders empty.";
    case 'template/value-in-label':
      return 'An alert label reads `$value`: every new value makes a new alert, which resolves the previous one and re-notifies.';
    case 'promql/rate-of-sum':
      return 'rate(), irate() or increase() over a subquery of a sum: summing first hides each counter\'s resets, so every restart reads as a huge drop and rise; sum the rates instead.';
    case 'promql/regex-literal':
      return 'A regex matcher (`=~`, `!~`) whose pattern is a plain string: `=` or `!=` says the same, plainer and cheaper.';
    case 'metric/unknown':
      return "A selector names a metric that is not in the catalog, not recorded by any rule and not a Prometheus metric. In a hand-written rule file only metrics in the catalog's namespaces are checked (the first word of a catalog metric's name, or a service's name, before `_`), so rules imported for an exporter (node_, kafka_...) are not reported.";
    case 'metric/wrong-type':
      return 'A function is applied to a metric of the wrong type (rate of a gauge, delta of a counter, histogram_quantile of a non-bucket series).';
    case 'histogram/threshold-not-bucket':
      return "An `le` matcher names a bound that is not one of the histogram's buckets, so it matches nothing.";
    case 'label/unknown':
      return 'A matcher or a `by` clause names a label the metric does not carry.';
    case 'range/too-short':
      return 'A rate(), irate() or increase() window is shorter than four scrape intervals.';
    case 'slo/tier-never-fires':
      return 'A burn-rate tier needs an error ratio above 1, which never happens: the alert can never fire.';
    case 'alert/missing-summary':
      return 'An alert has no `summary` annotation.';
    case 'alert/missing-runbook':
      return 'An alert has no `runbook_url` annotation.';
    case 'alert/duplicate':
      return 'Two alerting rules have the same alert name and the same static labels.';
    default:
      return assertNever(check);
  }
}

/**
 * Lints generated and hand-written rules alike against the catalog, offline, in the manner of
 * pint: syntax, unknown metrics and labels, functions on the wrong metric type, bucket bounds,
 * short rate windows, SLO tiers that cannot fire, alert annotations and duplicates. Findings
 * come back sorted by place; nothing is thrown.
 */
export function lintRules(input: LintInput): LintFinding[] {
  const rules = [...generatedRules(input.model, input.generated), ...userRules(input.user)];
  const index = buildSeriesIndex(
    input.model.metrics,
    rules
      .filter((rule) => rule.type === 'recording')
      .map((rule) => ({ record: rule.name, expr: rule.expr, labels: rule.labels })),
  );
  const namespaces = catalogNamespaces(input.model);
  const findings = [
    ...rules.flatMap((rule) => lintExpression(rule, index, input.model.settings, namespaces)),
    ...rules.flatMap(lintAnnotations),
    ...rules.flatMap(lintRuleFields),
    ...rules.flatMap(lintTemplateUse),
    ...duplicateAlerts(rules),
    ...input.model.slos.flatMap(tiersThatNeverFire),
  ];
  return sortFindings(dedupe(findings));
}

function isRawPromqlSli(slo: Slo | undefined): boolean {
  return slo?.sli.kind === 'promql' || slo?.sli.kind === 'promql_ratio';
}

function generatedRules(model: Model, files: readonly RuleFile[]): LintRule[] {
  const slos = new Map(model.slos.map((slo) => [`${slo.service.name}/${slo.name}`, slo]));
  return files.flatMap((file) =>
    file.groups.flatMap((group) =>
      group.rules.map((rule): LintRule => {
        const at = rule.origin.source ?? { file: `${RULES_DIR}/${file.name}.yml`, line: 1, column: 1 };
        const { kind, definition } = rule.origin;
        return {
          type: rule.type,
          name: rule.type === 'alerting' ? rule.alert : rule.record,
          expr: rule.expr,
          labels: rule.labels,
          annotations: rule.type === 'alerting' ? rule.annotations : {},
          raw: kind === 'promql' || (kind === 'slo' && isRawPromqlSli(slos.get(definition))),
          meta: kind === 'meta',
          handWritten: false,
          at,
          // The definition is the only place users can fix a generated rule.
          locate: () => at,
          durations: {},
          locateField: () => at,
        };
      }),
    ),
  );
}

function userRules(files: readonly UserRuleFile[]): LintRule[] {
  return files.flatMap((file) =>
    file.groups.flatMap((group) =>
      group.rules.map(
        (rule): LintRule => ({
          type: rule.type,
          name: rule.type === 'alerting' ? rule.alert : rule.record,
          expr: rule.expr,
          labels: rule.labels,
          annotations: rule.type === 'alerting' ? rule.annotations : {},
          raw: true,
          meta: false,
          handWritten: true,
          at: rule.location,
          locate: (offset) => locateInExpr(file.path, rule.exprPlacement, rule.expr, offset),
          durations: {
            ...(rule.type === 'alerting' && rule.for !== undefined ? { for: rule.for } : {}),
            ...(rule.type === 'alerting' && rule.keepFiringFor !== undefined
              ? { keep_firing_for: rule.keepFiringFor }
              : {}),
          },
          locateField: (key, offset) => {
            const placement = rule.places[key];
            const value = fieldValue(rule, key);
            return placement && value !== undefined
              ? locateInExpr(file.path, placement, value, offset)
              : rule.location;
          },
        }),
      ),
    ),
  );
}

/** The text of a checked value of a hand-written rule, by its key in {@link UserRule.places}. */
function fieldValue(rule: UserRule, key: string): string | undefined {
  if (key === 'record') return rule.type === 'recording' ? rule.record : undefined;
  if (key === 'for') return rule.type === 'alerting' ? rule.for : undefined;
  if (key === 'keep_firing_for') return rule.type === 'alerting' ? rule.keepFiringFor : undefined;
  const [map, ...rest] = key.split('.');
  const name = rest.join('.');
  if (map === 'labels') return rule.labels[name];
  if (map === 'annotations') return rule.type === 'alerting' ? rule.annotations[name] : undefined;
  return undefined;
}

/** Why Prometheus rejects a duration, or `undefined` when it reads it. */
function durationProblem(text: string): string | undefined {
  if (text === '0') return undefined;
  if (text === '' || !DURATION_PATTERN.test(text)) {
    return 'not a Prometheus duration: expected integers with units, largest first (5m, 1h30m, 90s)';
  }
  const seconds = parseDuration(text) ?? 0;
  return seconds > MAX_DURATION_SECONDS
    ? `beyond the longest duration Prometheus reads (about 292y): ${formatDuration(MAX_DURATION_SECONDS)}`
    : undefined;
}

/** The checks promtool makes of a rule beyond its expression: durations, record names, templates. */
function lintRuleFields(rule: LintRule): LintFinding[] {
  const out: LintFinding[] = [];
  for (const [key, text] of Object.entries(rule.durations)) {
    const problem = durationProblem(text);
    if (problem) {
      out.push(
        finding(rule, rule.locateField(key, 0), 'rule/invalid-duration', 'error', `${key}: ${JSON.stringify(text)} is ${problem}`),
      );
    }
  }
  if (rule.type === 'recording' && !METRIC_NAME.test(rule.name)) {
    out.push(
      finding(
        rule,
        rule.locateField('record', 0),
        'rule/invalid-record-name',
        'error',
        `record ${JSON.stringify(rule.name)} is not a valid metric name: expected letters, digits, _ and : (not starting with a digit)`,
      ),
    );
  }
  for (const [map, values] of [
    ['labels', rule.labels],
    ['annotations', rule.annotations],
  ] as const) {
    for (const name of Object.keys(values)) {
      if (!LABEL_NAME.test(name)) {
        const what = map === 'labels' ? 'label' : 'annotation';
        out.push(
          finding(
            rule,
            rule.locateField(`${map}.${name}`, 0),
            'rule/invalid-label-name',
            'error',
            `${what} name ${JSON.stringify(name)} is not valid: expected letters, digits and _ (not starting with a digit)`,
          ),
        );
      } else if (map === 'labels' && name.startsWith('__')) {
        out.push(
          finding(
            rule,
            rule.locateField(`${map}.${name}`, 0),
            'label/reserved-name',
            'warning',
            `label ${name} starts with __, which Prometheus reserves for internal labels: relabelling and routing may drop it`,
          ),
        );
      }
    }
  }
  // Prometheus expands the templates of alerting rules only, and promtool parses exactly those.
  if (rule.type === 'alerting') {
    for (const [map, values] of [
      ['labels', rule.labels],
      ['annotations', rule.annotations],
    ] as const) {
      for (const [name, value] of Object.entries(values)) {
        const [error] = goTemplateErrors(value);
        if (!error) continue;
        out.push(
          finding(
            rule,
            rule.locateField(`${map}.${name}`, error.offset),
            'template/syntax',
            'error',
            `${map}.${name} is not a valid template: ${error.message}`,
          ),
        );
      }
    }
  }
  return out;
}

/**
 * How templates use the series: `$labels.x` of a label an aggregation removed, `$value` in a
 * label. Only labels removed for certain count: the series' own labels are inferred as unknown,
 * so a known result set comes from a `by`, a label-free aggregation or an `on` match.
 */
function lintTemplateUse(rule: LintRule): LintFinding[] {
  if (rule.type !== 'alerting') return [];
  const out: LintFinding[] = [];
  for (const [name, value] of Object.entries(rule.labels)) {
    const match = VALUE_REF.exec(value);
    if (!match) continue;
    out.push(
      finding(
        rule,
        rule.locateField(`labels.${name}`, match.index),
        'template/value-in-label',
        'warning',
        `label ${name} reads ${match[0]}: each new value makes a new alert, resolving the previous one and notifying again; put the value in an annotation`,
      ),
    );
  }
  const result = analyzePromql(rule.expr).outputLabels;
  if (result === 'unknown') return out;
  for (const [map, values] of [
    ['labels', rule.labels],
    ['annotations', rule.annotations],
  ] as const) {
    for (const [name, value] of Object.entries(values)) {
      for (const match of value.matchAll(LABEL_REF)) {
        const label = (match[1] ?? match[2]) as string;
        if (result.has(label)) continue;
        out.push(
          finding(
            rule,
            rule.locateField(`${map}.${name}`, match.index),
            'template/removed-label',
            'warning',
            `${map}.${name} reads ${match[0]}, but the expression's result carries only ${[...result].sort().join(', ') || 'no labels'} (an aggregation or absent() dropped the rest): it always renders empty`,
          ),
        );
      }
    }
  }
  return out;
}

function finding(
  rule: LintRule,
  at: SourceLocation,
  check: LintCheck,
  severity: LintSeverity,
  message: string,
): LintFinding {
  return { file: at.file, line: at.line, column: at.column, check, severity, message, rule: rule.name };
}

/**
 * A metric's namespace, the first word of its name (`node` of `node_cpu_seconds_total`); for a
 * recorded `level:metric:operations` name, that of its metric part.
 */
function namespaceOf(name: string): string {
  const parts = name.split(':');
  const metric = parts.length >= 3 ? (parts[1] as string) : name;
  return metric.split('_')[0] ?? metric;
}

/** The namespaces the catalog owns: those of its metrics and its services' names. */
function catalogNamespaces(model: Model): ReadonlySet<string> {
  return new Set([
    ...model.metrics.map((metric) => namespaceOf(metric.promName)),
    ...model.services.map((service) => namespaceOf(service.name.replace(/-/g, '_'))),
  ]);
}

function lintExpression(
  rule: LintRule,
  index: SeriesIndex,
  settings: Settings,
  namespaces: ReadonlySet<string>,
): LintFinding[] {
  const analysis = analyzePromql(rule.expr, index.labels);
  const first = analysis.errors[0];
  if (first) {
    // Past a syntax error the tree is guesswork: report the first error and nothing else.
    return [
      finding(
        rule,
        rule.locate(first.from),
        'promql/syntax',
        'error',
        `cannot parse the expression: ${first.message} at character ${first.from + 1}`,
      ),
    ];
  }
  const out: LintFinding[] = [];
  const unsure: LintSeverity = rule.raw ? 'warning' : 'error';
  for (const matcher of analysis.selectors.flatMap((selector) => selector.matchers)) {
    if ((matcher.op !== '=~' && matcher.op !== '!~') || REGEX_SYNTAX.test(matcher.value)) continue;
    const plain = `${matcher.label}${matcher.op === '=~' ? '=' : '!='}${JSON.stringify(matcher.value)}`;
    out.push(
      finding(
        rule,
        rule.locate(matcher.from),
        'promql/regex-literal',
        'info',
        `${matcher.label}${matcher.op}${JSON.stringify(matcher.value)} is a regex without regex syntax: write ${plain}`,
      ),
    );
  }
  for (const selector of analysis.selectors) {
    if (selector.metric === undefined) continue;
    const known = index.lookup(selector.metric);
    if (!known && rule.handWritten && !namespaces.has(namespaceOf(selector.metric))) continue;
    if (!known) {
      out.push(
        finding(
          rule,
          rule.locate(selector.from),
          'metric/unknown',
          unsure,
          unknownMetricMessage(selector.metric, index),
        ),
      );
      continue;
    }
    if (known.kind === 'catalog') {
      const wrong = wrongTypeMessage(
        selector,
        known.metric.type === 'counter' || known.part !== 'sample' ? 'counter' : known.metric.type,
        known.part === 'bucket',
      );
      if (wrong) out.push(finding(rule, rule.locate(selector.from), 'metric/wrong-type', 'error', wrong));
      if (known.part === 'bucket') {
        for (const matcher of selector.matchers) {
          const message = bucketMessage(matcher, known.metric.buckets ?? [], selector.metric);
          if (message)
            out.push(
              finding(rule, rule.locate(matcher.from), 'histogram/threshold-not-bucket', 'error', message),
            );
        }
      }
    }
    const labels = index.labels(selector.metric);
    if (labels === 'unknown') continue;
    for (const matcher of selector.matchers) {
      if (labels.has(matcher.label) || matchesEmpty(matcher)) continue;
      out.push(
        finding(
          rule,
          rule.locate(matcher.from),
          'label/unknown',
          unsure,
          `${selector.metric} has no label ${matcher.label}, so ${matcher.label}${matcher.op}${JSON.stringify(matcher.value)} never matches: expected one of ${[...labels].sort().join(', ')}`,
        ),
      );
    }
  }
  for (const grouping of analysis.groupings) {
    if (grouping.modifier !== 'by' || grouping.inputLabels === 'unknown') continue;
    const input = grouping.inputLabels;
    for (const label of grouping.labels) {
      if (input.has(label.name)) continue;
      out.push(
        finding(
          rule,
          rule.locate(label.from),
          'label/unknown',
          unsure,
          `${grouping.operator} by (${label.name}): the input has no label ${label.name}; it carries ${[...input].sort().join(', ') || 'no labels'}`,
        ),
      );
    }
  }
  for (const range of analysis.ranges) {
    if (range.function === undefined || !COUNTER_FUNCTIONS.includes(range.function)) continue;
    if (range.aggregation !== 'sum') continue;
    out.push(
      finding(
        rule,
        rule.locate(range.from),
        'promql/rate-of-sum',
        'warning',
        `${range.function}() of a subquery over sum(): a reset of any one counter looks like the sum dropping, so ${range.function}() reads a restart as a spike; write sum(${range.function}(...)) instead`,
      ),
    );
  }
  const minimum = MIN_SCRAPES_PER_RATE_WINDOW * settings.scrapeIntervalSeconds;
  for (const range of analysis.ranges) {
    if (range.function === undefined || !COUNTER_FUNCTIONS.includes(range.function)) continue;
    if (range.seconds === undefined || range.seconds >= minimum) continue;
    out.push(
      finding(
        rule,
        rule.locate(range.from),
        'range/too-short',
        'warning',
        `${range.function}() over ${formatDuration(range.seconds)} sees fewer than ${MIN_SCRAPES_PER_RATE_WINDOW} scrapes (every ${formatDuration(settings.scrapeIntervalSeconds)}): use at least ${formatDuration(minimum)}`,
      ),
    );
  }
  return out;
}

function unknownMetricMessage(name: string, index: SeriesIndex): string {
  const near = [`${name}_total`, name.replace(/_total$/, ''), `${name}_bucket`, `${name}_count`].filter(
    (candidate) => candidate !== name && index.lookup(candidate) !== undefined,
  );
  return `unknown metric ${name}: not in the catalog, not recorded by any rule, not a Prometheus metric${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}`;
}

function wrongTypeMessage(
  selector: PromqlSelector,
  type: InstrumentType,
  bucket: boolean,
): string | undefined {
  const name = selector.metric as string;
  const fn = selector.functions[0]?.name;
  if (fn !== undefined && COUNTER_FUNCTIONS.includes(fn) && (type === 'gauge' || type === 'updowncounter')) {
    return `${fn}() of ${name}, a ${type}: ${fn}() reads counter resets into every drop; use deriv() or delta() for a ${type}`;
  }
  if (fn !== undefined && GAUGE_FUNCTIONS.includes(fn) && type === 'counter') {
    return `${fn}() of ${name}, a counter: ${fn}() ignores counter resets; use rate() or increase()`;
  }
  if (!bucket && selector.functions.some((f) => f.name === 'histogram_quantile' && f.argument === 1)) {
    return `histogram_quantile() over ${name}, which is not a _bucket series: it needs the buckets of a histogram (with their le label)`;
  }
  return undefined;
}

/** A bound as exporters spell it: `0.5`, `1` or `1.0`, `+Inf`. */
function boundSpellings(bound: number): string[] {
  const text = num(bound);
  return Number.isInteger(bound) && Number.isFinite(bound) ? [text, `${text}.0`] : [text];
}

function bucketMessage(
  matcher: PromqlMatcher,
  buckets: readonly number[],
  series: string,
): string | undefined {
  if (matcher.label !== 'le' || (matcher.op !== '=' && matcher.op !== '=~')) return undefined;
  const bounds = [...buckets, Number.POSITIVE_INFINITY];
  const expected = `expected one of ${bounds.map(num).join(', ')}`;
  if (matcher.op === '=') {
    const value = Number(matcher.value.replace(/^\+?Inf$/i, 'Infinity'));
    if (matcher.value.trim() !== '' && bounds.includes(value)) return undefined;
    return `le="${matcher.value}" is not a bucket of ${series}, so it matches nothing: ${expected}`;
  }
  const re = fullRegex(matcher.value);
  if (!re || bounds.some((bound) => boundSpellings(bound).some((text) => re.test(text)))) return undefined;
  return `le=~"${matcher.value}" matches no bucket of ${series}: ${expected}`;
}

/** A PromQL regex (fully anchored, RE2) as a JS one; `undefined` when JS cannot read it. */
function fullRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}

/** A matcher on a missing label sees the empty string: only matchers that reject it filter everything out. */
function matchesEmpty(matcher: PromqlMatcher): boolean {
  switch (matcher.op) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return fullRegex(matcher.value)?.test('') ?? true;
    case '!~':
      return !(fullRegex(matcher.value)?.test('') ?? false);
    default:
      return assertNever(matcher.op);
  }
}

function lintAnnotations(rule: LintRule): LintFinding[] {
  if (rule.type !== 'alerting') return [];
  const out: LintFinding[] = [];
  if (!rule.annotations.summary?.trim()) {
    out.push(
      finding(
        rule,
        rule.at,
        'alert/missing-summary',
        'warning',
        `alert ${rule.name} has no summary annotation: notifications will say nothing about what is wrong`,
      ),
    );
  }
  // Meta-alerts are Vigil's own; users cannot give them a runbook.
  if (!rule.meta && !rule.annotations.runbook_url?.trim()) {
    out.push(
      finding(
        rule,
        rule.at,
        'alert/missing-runbook',
        'info',
        `alert ${rule.name} has no runbook_url annotation: whoever is paged gets no instructions`,
      ),
    );
  }
  return out;
}

function duplicateAlerts(rules: readonly LintRule[]): LintFinding[] {
  const seen = new Map<string, LintRule>();
  const out: LintFinding[] = [];
  for (const rule of rules) {
    if (rule.type !== 'alerting') continue;
    const key = JSON.stringify([
      rule.name,
      Object.entries(rule.labels).sort(([a], [b]) => compareText(a, b)),
    ]);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, rule);
      continue;
    }
    out.push(
      finding(
        rule,
        rule.at,
        'alert/duplicate',
        'warning',
        `alert ${rule.name} with the same labels is already defined at ${first.at.file}:${first.at.line}: Alertmanager cannot tell their alerts apart`,
      ),
    );
  }
  return out;
}

function tiersThatNeverFire(slo: Slo): LintFinding[] {
  const budget = errorBudget(slo);
  return slo.tiers
    .filter((tier) => tier.factor * budget > 1 + 1e-9)
    .map((tier) => ({
      ...slo.source,
      check: 'slo/tier-never-fires' as const,
      severity: 'error' as const,
      rule: slo.alertName,
      message: `the ${tier.name} burn tier of ${slo.name} can never fire: it needs an error ratio above ${num(tier.factor)} × ${num(budget)} = ${num(Number((tier.factor * budget).toPrecision(12)))}, and a ratio never exceeds 1; raise the objective above ${num(Number((100 - 100 / tier.factor).toPrecision(6)))}% or disable the tier (alerting.tiers.${tier.name}: false)`,
    }));
}

function dedupe(findings: readonly LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.file, f.line, f.column, f.check, f.severity, f.message, f.rule]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortFindings(findings: LintFinding[]): LintFinding[] {
  return findings.sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.check, b.check) ||
      compareText(a.message, b.message),
  );
}
