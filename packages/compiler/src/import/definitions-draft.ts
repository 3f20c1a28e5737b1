import { isMap, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import { loadModel } from '../compile.js';
import { fail, ok, type Result, type SourceIssue, type SourceLocation } from '../errors.js';
import type { Severity } from '../model/types.js';
import { API_VERSION } from '../spec/schema.js';
import { compareText } from '../text-order.js';
import { promqlSyntaxErrors } from '../promql/parse.js';

/** A service the imported SLOs belong to (no targets: the importer knows none). */
export interface ServiceDraft {
  name: string;
  team: string;
  /** Where the service came from in the imported file. */
  source: SourceLocation;
}

/** The page or ticket alert of an imported SLO, as Vigil definitions spell it. */
export interface SloAlertDraft {
  disable?: true;
  severity?: Severity;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The SLI of an imported SLO: Vigil's raw-PromQL kinds, the ones other tools' specs map to. */
export type SliDraft =
  | { promql: { error_query: string; total_query: string } }
  | { promql_ratio: { error_ratio_query: string } };

/** One imported SLO, keyed as in Vigil's `slos:` section. */
export interface SloDraft {
  name: string;
  service: string;
  objective: number;
  window: string;
  description?: string;
  sli: SliDraft;
  labels?: Record<string, string>;
  alerting: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    page: SloAlertDraft;
    ticket: SloAlertDraft;
  };
  /** Where the SLO came from in the imported file. */
  source: SourceLocation;
}

/** What an importer produces before it is written out as Vigil definitions. */
export interface DefinitionsDraft {
  services: ServiceDraft[];
  slos: SloDraft[];
}

/**
 * Turns a name from another tool into a Vigil name (lower-case letters, digits, `_`, `.`, `-`,
 * starting with a letter or digit); `undefined` when nothing usable is left.
 */
export function toVigilName(name: string): string | undefined {
  const out = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return out === '' ? undefined : out;
}

/** Go-template spellings of the window variable (`{{ .window }}`), which Vigil writes `{{.window}}`. */
const WINDOW_TEMPLATE = /\{\{-?\s*\.window\s*-?\}\}/g;

/**
 * Brings a query with a `{{.window}}` range to Vigil's spelling, trimmed. Returns `undefined`
 * with a reason when the query cannot be used: Vigil substitutes nothing but `{{.window}}`,
 * and needs it, because it records the SLI over each burn-rate window.
 */
export function windowQuery(query: string): { query: string } | { problem: string } {
  const normalized = query.trim().replaceAll(WINDOW_TEMPLATE, '{{.window}}');
  const rest = normalized.replaceAll('{{.window}}', '');
  if (rest.includes('{{') || rest.includes('}}')) {
    return { problem: 'uses a template other than `{{.window}}`, which Vigil cannot fill in' };
  }
  if (!normalized.includes('{{.window}}')) {
    return {
      problem:
        'has no `{{.window}}` range: Vigil records the SLI over each burn-rate window (5m to 3d), so the query must use `{{.window}}` (e.g. `rate(x[{{.window}}])`)',
    };
  }
  const syntax = promqlSyntaxErrors(normalized.replaceAll('{{.window}}', '5m'))[0];
  if (syntax) return { problem: `is not valid PromQL: ${syntax.message}` };
  return { query: normalized };
}

/** Merges services of the same name: the first declaration wins, as later files add SLOs. */
export function addService(draft: DefinitionsDraft, service: ServiceDraft): void {
  if (!draft.services.some((known) => known.name === service.name)) draft.services.push(service);
}

function nonEmpty(record: Record<string, string> | undefined): Record<string, string> | undefined {
  if (record === undefined || Object.keys(record).length === 0) return undefined;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}

function alertYaml(alert: SloAlertDraft): Record<string, unknown> {
  if (alert.disable) return { disable: true };
  return {
    ...(alert.severity !== undefined ? { severity: alert.severity } : {}),
    ...(nonEmpty(alert.labels) ? { labels: nonEmpty(alert.labels) } : {}),
    ...(nonEmpty(alert.annotations) ? { annotations: nonEmpty(alert.annotations) } : {}),
  };
}

function sloYaml(slo: SloDraft): Record<string, unknown> {
  const alerting = {
    ...(slo.alerting.name !== undefined ? { name: slo.alerting.name } : {}),
    ...(nonEmpty(slo.alerting.labels) ? { labels: nonEmpty(slo.alerting.labels) } : {}),
    ...(nonEmpty(slo.alerting.annotations) ? { annotations: nonEmpty(slo.alerting.annotations) } : {}),
    page: alertYaml(slo.alerting.page),
    ticket: alertYaml(slo.alerting.ticket),
  };
  return {
    name: slo.name,
    service: slo.service,
    objective: slo.objective,
    window: slo.window,
    ...(slo.description !== undefined && slo.description !== '' ? { description: slo.description } : {}),
    sli: slo.sli,
    ...(nonEmpty(slo.labels) ? { labels: nonEmpty(slo.labels) } : {}),
    alerting,
  };
}

/**
 * Writes a draft as one Vigil definitions file and loads it like any definitions file. Whatever
 * Vigil rejects is reported at the line of the imported file that the SLO or service came from,
 * so the output of an import always loads.
 */
export function renderDefinitions(draft: DefinitionsDraft, header: readonly string[]): Result<string> {
  const text =
    header.map((line) => `# ${line}\n`).join('') +
    stringify(
      {
        apiVersion: API_VERSION,
        services: draft.services.map((service) => ({ name: service.name, team: service.team })),
        slos: draft.slos.map(sloYaml),
      },
      { lineWidth: 0, indent: 2, aliasDuplicateObjects: false },
    );
  const loaded = loadModel([{ path: 'imported.yml', text }]);
  if (loaded.ok) return ok(text);
  return fail(mapBack(loaded.issues, text, draft));
}

/** Maps issues in the generated text back to the SLO or service of the imported file. */
function mapBack(issues: readonly SourceIssue[], text: string, draft: DefinitionsDraft): SourceIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const startLines = (key: string): number[] => {
    const seq = doc.get(key, true);
    if (!isSeq(seq)) return [];
    return seq.items.map((item) => (isMap(item) && item.range ? lines.linePos(item.range[0]).line : Number.MAX_SAFE_INTEGER));
  };
  const owners = [
    ...startLines('services').map((line, index) => ({ line, source: draft.services[index]?.source })),
    ...startLines('slos').map((line, index) => ({ line, source: draft.slos[index]?.source })),
  ].sort((a, b) => a.line - b.line);
  return issues.map((issue) => {
    const owner = owners.filter((candidate) => candidate.line <= issue.line).at(-1)?.source;
    const at = owner ?? { file: draft.slos[0]?.source.file ?? draft.services[0]?.source.file ?? '', line: 1, column: 1 };
    return { ...at, message: `cannot be imported into Vigil: ${issue.message}` };
  });
}
