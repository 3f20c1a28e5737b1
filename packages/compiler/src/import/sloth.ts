import { z } from 'zod';
import { fail, type Result, type SourceIssue, type SourceLocation } from '../errors.js';
import { SEVERITIES, type Severity } from '../model/types.js';
import {
  addService,
  type DefinitionsDraft,
  renderDefinitions,
  type SliDraft,
  type SloAlertDraft,
  toVigilName,
  windowQuery,
} from './definitions-draft.js';
import { isOpenSloDocument, mapOpenSloDocuments } from './openslo.js';
import { isRecord, parseYamlDocuments, type SourceDocument, type YamlPath, zodIssues } from './yaml-source.js';

/** The Sloth spec version this importer reads. */
export const SLOTH_VERSION = 'prometheus/v1';
/** Sloth's Kubernetes custom resource, whose `spec` is a `prometheus/v1` spec without `version`. */
const SLOTH_CRD_API_VERSION = 'sloth.slok.dev/v1';
const SLOTH_CRD_KIND = 'PrometheusServiceLevel';
/** Sloth's default SLO period (`sloth generate --default-slo-period`), the one Vigil's tiers are tuned for. */
const SLOTH_PERIOD = '30d';

// Sloth reads label values into Go strings: `tier: 2` is the label "2". The source text is
// taken afterwards (see `labelMap`), so `010` stays "010" as in Sloth.
const promLabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name')
  .refine((name) => name !== '__name__', 'expected a label name other than __name__');
const labels = z.record(promLabelName, z.union([z.string(), z.number(), z.boolean()])).nullish();

const slothAlert = z
  .strictObject({ disable: z.boolean().nullish(), labels, annotations: labels })
  .nullish();

const slothSlo = z.strictObject({
  name: z.string().min(1, 'expected an SLO name'),
  description: z.string().nullish(),
  objective: z.number().gt(0, 'expected an objective above 0').lte(100, 'expected an objective of at most 100'),
  labels,
  // Only on Sloth's `sloth_slo_info` series, which Vigil does not write.
  infoLabels: labels,
  sli: z.strictObject({
    events: z.strictObject({ error_query: z.string().min(1), total_query: z.string().min(1) }).nullish(),
    raw: z.strictObject({ error_ratio_query: z.string().min(1) }).nullish(),
    plugin: z.strictObject({ id: z.string(), options: z.record(z.string(), z.unknown()).nullish() }).nullish(),
  }),
  alerting: z
    .strictObject({
      name: z.string().nullish(),
      labels,
      annotations: labels,
      page_alert: slothAlert,
      ticket_alert: slothAlert,
    })
    .nullish(),
  // Per-group evaluation intervals: Vigil evaluates every rule at `settings.evaluation_interval`.
  interval: z
    .strictObject({ all: z.string().nullish(), slierror: z.string().nullish(), metadata: z.string().nullish(), alert: z.string().nullish() })
    .nullish(),
});

const slothSpecBody = {
  service: z.string().min(1, 'expected a service name'),
  labels,
  slos: z.array(slothSlo).min(1, 'expected at least one SLO'),
};
const slothSpec = z.strictObject({ version: z.literal(SLOTH_VERSION), ...slothSpecBody });
const slothCrdSpec = z.strictObject(slothSpecBody);

type SlothSlo = z.infer<typeof slothSlo>;
type SlothAlert = z.infer<typeof slothAlert>;
type RawLabels = z.infer<typeof labels>;

/** Where a Sloth document's spec body is: the root, or `spec` of the Kubernetes resource. */
interface SlothBody {
  doc: SourceDocument;
  base: YamlPath;
  service: string;
  labels?: RawLabels;
  slos: SlothSlo[];
}

const ALERT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function isSeverity(value: string | undefined): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value ?? '');
}

/**
 * Imports Sloth SLO specs into Vigil definitions. Pure: takes the file's text and the path to
 * report it under, returns the text of one Vigil definitions file or every issue found, each at
 * its line in the Sloth file.
 *
 * Reads every YAML document of the file: Sloth `prometheus/v1` specs, Sloth's
 * `PrometheusServiceLevel` Kubernetes resources, and OpenSLO documents (see
 * {@link importOpenSlo}). Each Sloth service becomes a Vigil service without targets, its team
 * taken from the `owner` label (else the service name); each SLO keeps its objective, its SLI
 * (`events` as `promql`, `raw` as `promql_ratio`), its labels (spec and SLO), its alert name,
 * labels and annotations. Page and ticket alerts get `sloth_severity: page|ticket` as Sloth's
 * alerts do, so routes that match on it keep working; a `severity` label that is one of Vigil's
 * severities becomes the alert's `severity`; any other `severity`, `service` or `team` value (which
 * Vigil sets itself) is kept as `original_severity` and so on. SLI plugins are
 * rejected: Sloth expands them when it generates rules, so the spec does not hold the query.
 * `infoLabels` and `interval` are dropped (Vigil writes no info series and has one evaluation
 * interval).
 */
export function importSloth(text: string, path: string): Result<string> {
  const parsed = parseYamlDocuments(text, path, '1.1');
  if (!parsed.ok) return parsed;
  const issues: SourceIssue[] = [];
  const draft: DefinitionsDraft = { services: [], slos: [] };
  const openSlo: SourceDocument[] = [];
  for (const doc of parsed.value) {
    if (isOpenSloDocument(doc.value)) {
      openSlo.push(doc);
      continue;
    }
    const body = slothBody(doc, issues);
    if (body) mapSlothSpec(body, draft, issues);
  }
  if (openSlo.length > 0) mapOpenSloDocuments(openSlo, draft, issues);
  if (parsed.value.length === 0) {
    issues.push({ file: path, line: 1, column: 1, message: `empty file: expected a Sloth spec (\`version: ${SLOTH_VERSION}\`)` });
  }
  if (issues.length > 0) return fail(issues);
  return renderDefinitions(draft, [
    `Imported from ${path} by \`vigil import sloth\`.`,
    'Check the teams, then add scrape targets to the services or fold them into existing ones.',
  ]);
}

function slothBody(doc: SourceDocument, issues: SourceIssue[]): SlothBody | undefined {
  const value = doc.value;
  const issue = (at: YamlPath, message: string) => issues.push({ ...doc.locate(at), message });
  if (!isRecord(value)) {
    issue([], `expected a Sloth spec: a map with \`version: ${SLOTH_VERSION}\``);
    return undefined;
  }
  if (value.apiVersion === SLOTH_CRD_API_VERSION && value.kind === SLOTH_CRD_KIND) {
    const parsed = slothCrdSpec.safeParse(value.spec);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, doc, ['spec']));
      return undefined;
    }
    return { doc, base: ['spec'], ...parsed.data };
  }
  if (value.version === undefined) {
    const found = value.apiVersion === undefined ? '' : ` (found apiVersion ${JSON.stringify(value.apiVersion)})`;
    issue([], `missing version: expected a Sloth spec with \`version: ${SLOTH_VERSION}\`${found}`);
    return undefined;
  }
  if (value.version !== SLOTH_VERSION) {
    issue(['version'], `unsupported Sloth spec version ${JSON.stringify(value.version)}: expected ${SLOTH_VERSION}`);
    return undefined;
  }
  const parsed = slothSpec.safeParse(value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, doc));
    return undefined;
  }
  return { doc, base: [], ...parsed.data };
}

/** A label map as Sloth reads it: every value a string, spelled as in the file. */
function labelMap(body: SlothBody, raw: RawLabels, path: YamlPath): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    out[key] = typeof value === 'string' ? value : (body.doc.scalarText([...body.base, ...path, key]) ?? String(value));
  }
  return out;
}

function mapSlothSpec(body: SlothBody, draft: DefinitionsDraft, issues: SourceIssue[]): void {
  const at = (...path: (string | number)[]): SourceLocation => body.doc.locate([...body.base, ...path]);
  const issue = (where: SourceLocation, message: string) => issues.push({ ...where, message });
  const service = toVigilName(body.service);
  if (service === undefined) {
    issue(at('service'), `service ${JSON.stringify(body.service)} has no letters or digits to name a Vigil service after`);
    return;
  }
  const specLabels = labelMap(body, body.labels, ['labels']);
  addService(draft, { name: service, team: specLabels.owner || body.service, source: at('service') });
  body.slos.forEach((slo, index) => {
    const sloAt = (...path: (string | number)[]) => at('slos', index, ...path);
    const name = toVigilName(slo.name);
    if (name === undefined) {
      issue(sloAt('name'), `SLO name ${JSON.stringify(slo.name)} has no letters or digits to name a Vigil SLO after`);
      return;
    }
    const previous = draft.slos.find((known) => known.service === service && known.name === name);
    if (previous) {
      issue(sloAt('name'), `SLO ${name} of service ${service} is already imported from line ${previous.source.line}`);
      return;
    }
    if (slo.objective >= 100) {
      issue(sloAt('objective'), 'an objective of 100 leaves no error budget to burn: Vigil needs an objective below 100');
      return;
    }
    const sli = slothSli(slo, sloAt, issues);
    const alerting = slothAlerting(body, slo, index, sloAt, issues);
    if (!sli || !alerting) return;
    draft.slos.push({
      name,
      service,
      objective: slo.objective,
      window: SLOTH_PERIOD,
      ...(slo.description ? { description: slo.description } : {}),
      sli,
      labels: { ...specLabels, ...labelMap(body, slo.labels, ['slos', index, 'labels']) },
      alerting,
      source: sloAt('name'),
    });
  });
}

function slothSli(
  slo: SlothSlo,
  at: (...path: (string | number)[]) => SourceLocation,
  issues: SourceIssue[],
): SliDraft | undefined {
  const kinds = (['events', 'raw', 'plugin'] as const).filter((kind) => slo.sli[kind] != null);
  if (kinds.length !== 1) {
    issues.push({
      ...at('sli'),
      message:
        kinds.length === 0
          ? 'expected an SLI: one of `events`, `raw` or `plugin`'
          : `expected one SLI type, found ${kinds.map((kind) => `\`${kind}\``).join(' and ')}`,
    });
    return undefined;
  }
  const query = (text: string, ...path: string[]): string | undefined => {
    const result = windowQuery(text);
    if ('query' in result) return result.query;
    issues.push({ ...at('sli', ...path), message: `the query ${result.problem}` });
    return undefined;
  };
  if (slo.sli.plugin) {
    issues.push({
      ...at('sli', 'plugin'),
      message: `SLI plugin ${JSON.stringify(slo.sli.plugin.id)} cannot be imported: Sloth runs plugins when it generates rules, so the spec holds no query; write the SLI as \`events\` or \`raw\` with the query the plugin produces`,
    });
    return undefined;
  }
  if (slo.sli.events) {
    const error = query(slo.sli.events.error_query, 'events', 'error_query');
    const total = query(slo.sli.events.total_query, 'events', 'total_query');
    return error !== undefined && total !== undefined ? { promql: { error_query: error, total_query: total } } : undefined;
  }
  const ratio = query(slo.sli.raw?.error_ratio_query ?? '', 'raw', 'error_ratio_query');
  return ratio !== undefined ? { promql_ratio: { error_ratio_query: ratio } } : undefined;
}

function slothAlerting(
  body: SlothBody,
  slo: SlothSlo,
  index: number,
  at: (...path: (string | number)[]) => SourceLocation,
  issues: SourceIssue[],
): DefinitionsDraftAlerting | undefined {
  const alerting = slo.alerting ?? {};
  const base = ['slos', index, 'alerting'];
  const common = labelMap(body, alerting.labels, [...base, 'labels']);
  const commonSeverity = common.severity;
  const alert = (which: 'page' | 'ticket', spec: SlothAlert): SloAlertDraft => {
    if (spec?.disable) return { disable: true };
    const key = which === 'page' ? 'page_alert' : 'ticket_alert';
    const own = labelMap(body, spec?.labels, [...base, key, 'labels']);
    // Sloth merges the SLO's alert labels under each alert's own; the alert's own severity wins.
    const severity = own.severity ?? commonSeverity;
    const out: SloAlertDraft = {};
    if (isSeverity(severity)) {
      out.severity = severity;
      delete own.severity;
    }
    // Vigil sets these itself; a Sloth value outside Vigil's meaning is kept under another name.
    for (const key of ['severity', 'service', 'team'] as const) {
      if (own[key] !== undefined) {
        own[`original_${key}`] = own[key];
        delete own[key];
      }
    }
    // Sloth labels every alert `sloth_severity: page|ticket` unless the spec sets it.
    if (own.sloth_severity === undefined && common.sloth_severity === undefined) own.sloth_severity = which;
    out.labels = own;
    out.annotations = labelMap(body, spec?.annotations, [...base, key, 'annotations']);
    return out;
  };
  const page = alert('page', alerting.page_alert);
  const ticket = alert('ticket', alerting.ticket_alert);
  // A Vigil severity in the shared labels became each alert's `severity` above.
  if (isSeverity(commonSeverity)) delete common.severity;
  for (const key of ['severity', 'service', 'team'] as const) {
    if (common[key] !== undefined) {
      common[`original_${key}`] ??= common[key];
      delete common[key];
    }
  }
  const enabled = !page.disable || !ticket.disable;
  const name = alerting.name ?? undefined;
  if (enabled && !name) {
    issues.push({ ...at('alerting'), message: 'expected `alerting.name`: Sloth needs it when page or ticket alerts are enabled' });
    return undefined;
  }
  if (name && !ALERT_NAME.test(name)) {
    issues.push({
      ...at('alerting', 'name'),
      message: `alert name ${JSON.stringify(name)} is not a Vigil alert name: expected letters, digits and \`_\`, starting with a letter (e.g. ${pascal(name)})`,
    });
    return undefined;
  }
  return {
    ...(name ? { name } : {}),
    labels: common,
    annotations: labelMap(body, alerting.annotations, [...base, 'annotations']),
    page,
    ticket,
  };
}

type DefinitionsDraftAlerting = DefinitionsDraft['slos'][number]['alerting'];

function pascal(name: string): string {
  const out = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => (part[0] as string).toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z]/.test(out) ? out : `Slo${out}`;
}
