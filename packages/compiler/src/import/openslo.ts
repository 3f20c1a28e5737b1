import { z } from 'zod';
import { fail, type Result, type SourceIssue, type SourceLocation } from '../errors.js';
import { parseDuration } from '../spec/duration.js';
import { addService, type DefinitionsDraft, renderDefinitions, type SliDraft, toVigilName, windowQuery } from './definitions-draft.js';
import { isRecord, parseYamlDocuments, type SourceDocument, type YamlPath, zodIssues } from './yaml-source.js';

const V1 = 'openslo/v1';
const V1ALPHA = 'openslo/v1alpha';

const labelValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);
const metadata = z.strictObject({
  name: z.string().min(1, 'expected a name'),
  displayName: z.string().nullish(),
  labels: z.record(z.string(), labelValue).nullish(),
  annotations: z.record(z.string(), z.unknown()).nullish(),
});

// --- openslo/v1 -------------------------------------------------------------------------------

const metricSource = z.strictObject({
  metricSourceRef: z.string().nullish(),
  type: z.string().nullish(),
  spec: z.record(z.string(), z.unknown()),
});
const metric = z.strictObject({ metricSource });
const ratioMetric = z.strictObject({
  counter: z.boolean().nullish(),
  good: metric.nullish(),
  bad: metric.nullish(),
  total: metric.nullish(),
  rawType: z.enum(['success', 'failure']).nullish(),
  raw: metric.nullish(),
});
const sliSpec = z.strictObject({
  description: z.string().nullish(),
  ratioMetric: ratioMetric.nullish(),
  thresholdMetric: z.unknown().optional(),
});
const inlineSli = z.strictObject({ metadata, spec: sliSpec });
const objective = z.strictObject({
  displayName: z.string().nullish(),
  op: z.string().nullish(),
  value: z.number().nullish(),
  target: z.number().nullish(),
  targetPercent: z.number().nullish(),
  timeSliceTarget: z.number().nullish(),
  timeSliceWindow: z.union([z.number(), z.string()]).nullish(),
  indicator: inlineSli.nullish(),
  indicatorRef: z.string().nullish(),
  compositeWeight: z.number().nullish(),
});
const sloV1 = z.strictObject({
  apiVersion: z.literal(V1),
  kind: z.literal('SLO'),
  metadata,
  spec: z.strictObject({
    description: z.string().nullish(),
    service: z.string().min(1, 'expected a service name'),
    indicator: inlineSli.nullish(),
    indicatorRef: z.string().nullish(),
    timeWindow: z
      .array(z.strictObject({ duration: z.string(), isRolling: z.boolean().nullish(), calendar: z.unknown().optional() }))
      .nullish(),
    budgetingMethod: z.string().nullish(),
    objectives: z.array(objective).min(1, 'expected at least one objective'),
    alertPolicies: z.array(z.unknown()).nullish(),
  }),
});
const sliV1 = z.strictObject({ apiVersion: z.literal(V1), kind: z.literal('SLI'), metadata, spec: sliSpec });
const namedV1 = z.object({ metadata: z.object({ name: z.string() }), spec: z.record(z.string(), z.unknown()).nullish() });

// --- openslo/v1alpha, as Sloth reads it ----------------------------------------------------------

const v1alphaQuery = z.strictObject({
  source: z.string(),
  queryType: z.string(),
  query: z.string().min(1),
  metadata: z.unknown().optional(),
});
const sloV1alpha = z.strictObject({
  apiVersion: z.literal(V1ALPHA),
  kind: z.literal('SLO'),
  metadata,
  spec: z.strictObject({
    description: z.string().nullish(),
    service: z.string().min(1, 'expected a service name'),
    indicator: z.unknown().optional(),
    budgetingMethod: z.string().nullish(),
    timeWindows: z.array(
      z.strictObject({ unit: z.string(), count: z.number().int().positive(), isRolling: z.boolean().nullish(), calendar: z.unknown().optional() }),
    ),
    objectives: z
      .array(
        z.strictObject({
          displayName: z.string().nullish(),
          value: z.number().nullish(),
          op: z.string().nullish(),
          target: z.number(),
          timeSliceTarget: z.number().nullish(),
          ratioMetrics: z
            .strictObject({ good: v1alphaQuery, total: v1alphaQuery, incremental: z.boolean().nullish() })
            .nullish(),
        }),
      )
      .min(1, 'expected at least one objective'),
  }),
});

type InlineSli = z.infer<typeof inlineSli>;
type RatioMetric = z.infer<typeof ratioMetric>;
type Metric = z.infer<typeof metric>;

/** `true` for a document of any OpenSLO version (`apiVersion: openslo/...`). */
export function isOpenSloDocument(value: unknown): boolean {
  return isRecord(value) && typeof value.apiVersion === 'string' && value.apiVersion.startsWith('openslo');
}

/**
 * Imports OpenSLO SLOs into Vigil definitions, where they map. Pure, like
 * {@link importSloth}, which also accepts OpenSLO documents.
 *
 * `openslo/v1` SLOs map when their indicator (inline, or an `SLI` document of the same file by
 * `indicatorRef`) is a `ratioMetric` with Prometheus queries (`metricSource.type: Prometheus`, or
 * a `DataSource` of that type by `metricSourceRef`), the budgeting method is `Occurrences`, the
 * time window is rolling, and each objective has `target` or `targetPercent`. A query must use
 * `{{.window}}` (Sloth's convention), unless it is a plain selector of a counter
 * (`counter: true`), which becomes `sum(rate(<selector>[{{.window}}]))`. Good/total becomes
 * `promql` with `total - good` as the error query; `raw` becomes `promql_ratio`. Every objective
 * is one SLO (`<name>-<index>` when there are several). SLOs with `alertPolicies` get Vigil's
 * burn-rate page and ticket alerts (the policies themselves are not translated); without, they
 * get none, as Sloth generates none for OpenSLO.
 *
 * `openslo/v1alpha` SLOs are read as Sloth reads them: each objective is the SLO
 * `<name>-<index>`, its SLI `1 - good/total` over Prometheus `ratioMetrics`, alerts off.
 */
export function importOpenSlo(text: string, path: string): Result<string> {
  const parsed = parseYamlDocuments(text, path);
  if (!parsed.ok) return parsed;
  const issues: SourceIssue[] = [];
  const draft: DefinitionsDraft = { services: [], slos: [] };
  const docs: SourceDocument[] = [];
  for (const doc of parsed.value) {
    if (isOpenSloDocument(doc.value)) docs.push(doc);
    else issues.push({ ...doc.locate(['apiVersion']), message: `expected an OpenSLO document (\`apiVersion: ${V1}\`)` });
  }
  mapOpenSloDocuments(docs, draft, issues);
  if (issues.length === 0 && draft.slos.length === 0) {
    issues.push({ file: path, line: 1, column: 1, message: 'no OpenSLO `kind: SLO` document to import' });
  }
  if (issues.length > 0) return fail(issues);
  return renderDefinitions(draft, [`Imported from ${path} by \`vigil import\` (OpenSLO).`]);
}

/** Adds the SLOs of OpenSLO documents to a draft; `SLI`, `DataSource` and `Service` documents resolve references. */
export function mapOpenSloDocuments(docs: readonly SourceDocument[], draft: DefinitionsDraft, issues: SourceIssue[]): void {
  const named = (kind: string) => {
    const out = new Map<string, SourceDocument>();
    for (const doc of docs) {
      const value = doc.value as Record<string, unknown>;
      const parsed = namedV1.safeParse(value);
      if (value.apiVersion === V1 && value.kind === kind && parsed.success) out.set(parsed.data.metadata.name, doc);
    }
    return out;
  };
  const refs: References = { slis: named('SLI'), dataSources: named('DataSource'), services: named('Service') };
  for (const doc of docs) {
    const value = doc.value as Record<string, unknown>;
    if (value.apiVersion === V1ALPHA) {
      if (value.kind === 'SLO') mapV1alpha(doc, draft, issues);
      else if (value.kind !== 'Service') issues.push({ ...doc.locate(['kind']), message: `unsupported OpenSLO ${V1ALPHA} kind ${JSON.stringify(value.kind)}: expected SLO or Service` });
    } else if (value.apiVersion === V1) {
      if (value.kind === 'SLO') mapV1(doc, refs, draft, issues);
    } else {
      issues.push({ ...doc.locate(['apiVersion']), message: `unsupported OpenSLO apiVersion ${JSON.stringify(value.apiVersion)}: expected ${V1} or ${V1ALPHA}` });
    }
  }
}

interface References {
  slis: Map<string, SourceDocument>;
  dataSources: Map<string, SourceDocument>;
  services: Map<string, SourceDocument>;
}

/** OpenSLO labels as Prometheus labels: names sanitized, lists joined with commas. */
function promLabels(raw: Record<string, z.infer<typeof labelValue>> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const name = key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
    out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

function teamOf(...labelSets: Record<string, string>[]): string | undefined {
  for (const labels of labelSets) {
    const team = labels.team || labels.owner;
    if (team) return team.split(',')[0];
  }
  return undefined;
}

const SHORTHAND = /^(\d+)([mhdwMQY])$/;

function windowOf(duration: string): string | { problem: string } {
  const match = SHORTHAND.exec(duration);
  if (!match) return { problem: `expected a duration such as 28d or 4w, found ${JSON.stringify(duration)}` };
  if (['M', 'Q', 'Y'].includes(match[2] as string)) {
    return { problem: `calendar-length durations (${duration}) are not supported: give the window in days or weeks, e.g. 30d` };
  }
  return duration;
}

function mapV1(doc: SourceDocument, refs: References, draft: DefinitionsDraft, issues: SourceIssue[]): void {
  const parsed = sloV1.safeParse(doc.value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, doc));
    return;
  }
  const slo = parsed.data;
  const spec = slo.spec;
  const at = (...path: (string | number)[]) => doc.locate(path);
  const issue = (where: SourceLocation, message: string) => issues.push({ ...where, message });
  const start = issues.length;

  const service = toVigilName(spec.service);
  if (service === undefined) issue(at('spec', 'service'), `service ${JSON.stringify(spec.service)} has no letters or digits to name a Vigil service after`);
  const baseName = toVigilName(slo.metadata.name);
  if (baseName === undefined) issue(at('metadata', 'name'), `name ${JSON.stringify(slo.metadata.name)} has no letters or digits to name a Vigil SLO after`);
  if ((spec.budgetingMethod ?? 'Occurrences') !== 'Occurrences') {
    issue(at('spec', 'budgetingMethod'), `budgeting method ${spec.budgetingMethod} is not supported: Vigil counts occurrences (events), expected Occurrences`);
  }
  let window = '30d';
  if (spec.timeWindow && spec.timeWindow.length !== 1) {
    issue(at('spec', 'timeWindow'), 'expected exactly one time window');
  } else if (spec.timeWindow?.[0]) {
    const tw = spec.timeWindow[0];
    const mapped = windowOf(tw.duration);
    if (tw.isRolling !== true || tw.calendar !== undefined) {
      issue(at('spec', 'timeWindow', 0), 'calendar-aligned time windows are not supported: expected `isRolling: true`');
    } else if (typeof mapped !== 'string') {
      issue(at('spec', 'timeWindow', 0, 'duration'), mapped.problem);
    } else {
      window = mapped;
    }
  }
  const sli = resolveSli(spec.indicator, spec.indicatorRef, ['spec'], doc, refs, issues);
  const labels = promLabels(slo.metadata.labels);
  const serviceDoc = refs.services.get(spec.service);
  const serviceLabels = serviceDoc ? promLabels(namedLabels(serviceDoc.value)) : {};

  const objectives = spec.objectives.map((objective, index) => {
    const where = (...path: (string | number)[]) => at('spec', 'objectives', index, ...path);
    if (objective.indicator != null || objective.indicatorRef != null) {
      issue(where(), 'per-objective indicators (composite SLOs) are not supported: give the indicator on the SLO');
    }
    for (const key of ['op', 'value', 'timeSliceTarget', 'timeSliceWindow'] as const) {
      if (objective[key] != null) issue(where(key), `\`${key}\` applies to threshold metrics or time slices, which Vigil cannot import`);
    }
    if ((objective.target == null) === (objective.targetPercent == null)) {
      issue(where(), 'expected exactly one of `target` or `targetPercent`');
      return undefined;
    }
    const percent = objective.targetPercent ?? (objective.target as number) * 100;
    if (!(percent > 0 && percent < 100)) {
      issue(where(objective.target != null ? 'target' : 'targetPercent'), 'expected a target between 0 and 1 (or a targetPercent between 0 and 100), both exclusive');
      return undefined;
    }
    return { percent, source: where() };
  });
  if (issues.length > start || !sli || !service || !baseName) return;
  addService(draft, { name: service, team: teamOf(serviceLabels, labels) ?? service, source: at('spec', 'service') });
  const alerts = spec.alertPolicies != null && spec.alertPolicies.length > 0;
  objectives.forEach((objective, index) => {
    if (!objective) return;
    draft.slos.push({
      name: spec.objectives.length === 1 ? baseName : `${baseName}-${index}`,
      service,
      objective: objective.percent,
      window,
      ...(spec.description ? { description: spec.description } : {}),
      sli,
      labels,
      alerting: alerts ? { page: {}, ticket: {} } : { page: { disable: true }, ticket: { disable: true } },
      source: objective.source,
    });
  });
}

function namedLabels(value: unknown): Record<string, z.infer<typeof labelValue>> | undefined {
  const parsed = z.object({ metadata: metadata.pick({ labels: true }) }).safeParse(value);
  return parsed.success ? (parsed.data.metadata.labels ?? undefined) : undefined;
}

function resolveSli(
  inline: InlineSli | null | undefined,
  ref: string | null | undefined,
  base: YamlPath,
  doc: SourceDocument,
  refs: References,
  issues: SourceIssue[],
): SliDraft | undefined {
  if ((inline == null) === (ref == null)) {
    issues.push({ ...doc.locate(base), message: 'expected exactly one of `indicator` or `indicatorRef`' });
    return undefined;
  }
  if (inline) return ratioSli(inline.spec.ratioMetric, inline.spec.thresholdMetric, [...base, 'indicator', 'spec'], doc, refs, issues);
  const sliDoc = refs.slis.get(ref as string);
  if (!sliDoc) {
    const known = [...refs.slis.keys()];
    issues.push({
      ...doc.locate([...base, 'indicatorRef']),
      message: `unknown SLI ${JSON.stringify(ref)}: expected the name of a \`kind: SLI\` document in this file${known.length > 0 ? ` (${known.join(', ')})` : ''}`,
    });
    return undefined;
  }
  const parsed = sliV1.safeParse(sliDoc.value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, sliDoc));
    return undefined;
  }
  return ratioSli(parsed.data.spec.ratioMetric, parsed.data.spec.thresholdMetric, ['spec'], sliDoc, refs, issues);
}

function ratioSli(
  ratio: RatioMetric | null | undefined,
  threshold: unknown,
  base: YamlPath,
  doc: SourceDocument,
  refs: References,
  issues: SourceIssue[],
): SliDraft | undefined {
  const at = (...path: (string | number)[]) => doc.locate([...base, ...path]);
  if (!ratio) {
    issues.push({
      ...(threshold !== undefined ? at('thresholdMetric') : at()),
      message: 'expected a `ratioMetric`: threshold metrics do not map to Vigil SLIs',
    });
    return undefined;
  }
  const start = issues.length;
  const query = (part: 'good' | 'bad' | 'total' | 'raw', spec: Metric): string | undefined => {
    const where = (...path: string[]) => at('ratioMetric', part, 'metricSource', ...path);
    const source = spec.metricSource;
    let type = source.type ?? undefined;
    if (!type && source.metricSourceRef) {
      const ds = refs.dataSources.get(source.metricSourceRef);
      const spec = ds && isRecord(ds.value) && isRecord(ds.value.spec) ? ds.value.spec : undefined;
      type = typeof spec?.type === 'string' ? spec.type : undefined;
      if (!type) {
        issues.push({ ...where('metricSourceRef'), message: `unknown data source ${JSON.stringify(source.metricSourceRef)}: expected a \`kind: DataSource\` document with a \`type\` in this file, or \`type: Prometheus\`` });
        return undefined;
      }
    }
    if (type?.toLowerCase() !== 'prometheus') {
      issues.push({ ...where(type ? 'type' : ''), message: `expected a Prometheus metric source${type ? `, found ${JSON.stringify(type)}` : ' (`type: Prometheus`)'}` });
      return undefined;
    }
    const key = typeof source.spec.query === 'string' ? 'query' : typeof source.spec.promql === 'string' ? 'promql' : undefined;
    if (!key) {
      issues.push({ ...where('spec'), message: 'expected the PromQL query in `spec.query`' });
      return undefined;
    }
    const text = (source.spec[key] as string).trim();
    if (part !== 'raw' && ratio.counter === true && SELECTOR.test(text)) return `sum(rate(${text}[{{.window}}]))`;
    const result = windowQuery(text);
    if ('query' in result) return result.query;
    const hint = part !== 'raw' && ratio.counter === true ? '' : ' (a plain selector of a counter with `counter: true` is wrapped in `sum(rate(...))` for you)';
    issues.push({ ...where('spec', key), message: `the query ${result.problem}${hint}` });
    return undefined;
  };
  if (ratio.raw) {
    if (ratio.good || ratio.bad || ratio.total) issues.push({ ...at('ratioMetric', 'raw'), message: '`raw` cannot be used together with good, bad or total' });
    if (!ratio.rawType) issues.push({ ...at('ratioMetric'), message: 'expected `rawType: success` or `rawType: failure` with `raw`' });
    const raw = query('raw', ratio.raw);
    if (issues.length > start || raw === undefined) return undefined;
    return { promql_ratio: { error_ratio_query: ratio.rawType === 'failure' ? raw : `1 - (${raw})` } };
  }
  if (!ratio.total || (ratio.good == null) === (ratio.bad == null)) {
    issues.push({ ...at('ratioMetric'), message: 'expected `total` with exactly one of `good` or `bad`, or `raw`' });
    return undefined;
  }
  const good = ratio.good ? query('good', ratio.good) : undefined;
  const bad = ratio.bad ? query('bad', ratio.bad) : undefined;
  const total = query('total', ratio.total);
  if (issues.length > start || total === undefined) return undefined;
  return { promql: { error_query: bad ?? `(${total}) - (${good})`, total_query: total } };
}

/** A plain vector selector: `name`, `name{...}` or `{...}`, with no function around it. */
const SELECTOR = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*)?(?:\{[^{}]*\})?$/;

const V1ALPHA_UNITS: Record<string, string> = { second: 's', minute: 'm', hour: 'h', day: 'd', week: 'w' };

function mapV1alpha(doc: SourceDocument, draft: DefinitionsDraft, issues: SourceIssue[]): void {
  const parsed = sloV1alpha.safeParse(doc.value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, doc));
    return;
  }
  const { metadata: meta, spec } = parsed.data;
  const at = (...path: (string | number)[]) => doc.locate(path);
  const start = issues.length;
  const issue = (where: SourceLocation, message: string) => issues.push({ ...where, message });
  const service = toVigilName(spec.service);
  if (service === undefined) issue(at('spec', 'service'), `service ${JSON.stringify(spec.service)} has no letters or digits to name a Vigil service after`);
  const baseName = toVigilName(meta.name);
  if (baseName === undefined) issue(at('metadata', 'name'), `name ${JSON.stringify(meta.name)} has no letters or digits to name a Vigil SLO after`);
  let window = '30d';
  if (spec.timeWindows.length !== 1) {
    issue(at('spec', 'timeWindows'), 'expected exactly one time window');
  } else {
    const tw = spec.timeWindows[0] as (typeof spec.timeWindows)[number];
    const unit = V1ALPHA_UNITS[tw.unit.toLowerCase()];
    if (tw.calendar !== undefined || tw.isRolling === false) {
      issue(at('spec', 'timeWindows', 0), 'calendar-aligned time windows are not supported: expected `isRolling: true`');
    } else if (!unit) {
      issue(at('spec', 'timeWindows', 0, 'unit'), `time window unit ${tw.unit} is not supported: expected Day, Week, Hour, Minute or Second`);
    } else {
      window = `${tw.count}${unit}`;
      if (parseDuration(window) === undefined) issue(at('spec', 'timeWindows', 0), `invalid time window ${window}`);
    }
  }
  const slis = spec.objectives.map((objective, index): SliDraft | undefined => {
    const where = (...path: (string | number)[]) => at('spec', 'objectives', index, ...path);
    if (!objective.ratioMetrics) {
      issue(where(), 'expected `ratioMetrics`: Sloth and Vigil import ratio objectives only');
      return undefined;
    }
    if (!(objective.target > 0 && objective.target < 1)) issue(where('target'), 'expected a target between 0 and 1, both exclusive');
    const query = (part: 'good' | 'total'): string | undefined => {
      const q = objective.ratioMetrics?.[part] as z.infer<typeof v1alphaQuery>;
      if (!['prometheus', 'sloth'].includes(q.source) || q.queryType !== 'promql') {
        issue(where('ratioMetrics', part), 'expected `source: prometheus` and `queryType: promql`');
        return undefined;
      }
      const result = windowQuery(q.query);
      if ('query' in result) return result.query;
      issue(where('ratioMetrics', part, 'query'), `the query ${result.problem}`);
      return undefined;
    };
    const good = query('good');
    const total = query('total');
    // Sloth's mapping: OpenSLO counts good events, so the error ratio is 1 - good/total.
    return good !== undefined && total !== undefined
      ? { promql_ratio: { error_ratio_query: `1 - ((${good}) / (${total}))` } }
      : undefined;
  });
  if (issues.length > start || !service || !baseName) return;
  addService(draft, { name: service, team: teamOf(promLabels(meta.labels)) ?? service, source: at('spec', 'service') });
  spec.objectives.forEach((objective, index) => {
    const sli = slis[index];
    if (!sli) return;
    draft.slos.push({
      name: `${baseName}-${index}`,
      service,
      objective: objective.target * 100,
      window,
      ...(spec.description ? { description: spec.description } : {}),
      sli,
      labels: promLabels(meta.labels),
      alerting: { page: { disable: true }, ticket: { disable: true } },
      source: at('spec', 'objectives', index),
    });
  });
}
