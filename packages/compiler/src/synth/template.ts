import { goFormatF, goFormatG, goFormatShortest, humanize, humanizeDuration, humanizePercentage } from './go-format.js';

/** What an alert template sees: the result series' labels and the sample value. */
export interface TemplateData {
  labels: Record<string, string>;
  value: number | undefined;
}

/** A template uses something Vigil cannot predict; the message says what. */
export class TemplateError extends Error {}

const PIPES: Record<string, (value: number) => string> = {
  humanize,
  humanizePercentage,
  humanizeDuration,
};

function operand(token: string, data: TemplateData): { text: string; number?: number } {
  if (token === '$value' || token === '.Value') {
    if (data.value === undefined) throw new TemplateError('uses $value, which this test cannot predict');
    return { text: goFormatShortest(data.value), number: data.value };
  }
  const label = /^(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(token);
  if (label) {
    // Prometheus executes alert templates with `missingkey=zero`: a label the series lacks
    // (one an aggregation removed) renders as "", not Go's default `<no value>`.
    return { text: data.labels[label[1] as string] ?? '' };
  }
  throw new TemplateError(`unsupported template operand ${token}`);
}

function action(body: string, data: TemplateData): string {
  const stages = body.split('|').map((stage) => stage.trim());
  const first = stages[0] as string;
  let current: { text: string; number?: number };
  const printf = /^printf\s+"((?:[^"\\]|\\.)*)"\s+(\S+)$/.exec(first);
  if (printf) {
    current = { text: sprintf(printf[1] as string, operand(printf[2] as string, data)) };
  } else {
    current = operand(first, data);
  }
  for (const stage of stages.slice(1)) {
    const piped = /^printf\s+"((?:[^"\\]|\\.)*)"$/.exec(stage);
    if (piped) {
      current = { text: sprintf(piped[1] as string, current) };
      continue;
    }
    const fn = PIPES[stage];
    if (!fn) throw new TemplateError(`unsupported template function ${stage}`);
    if (current.number === undefined) throw new TemplateError(`${stage} needs a number`);
    current = { text: fn(current.number) };
  }
  return current.text;
}

function sprintf(format: string, arg: { text: string; number?: number }): string {
  return format.replace(/%(?:\.(\d+))?([fgvsd%])/g, (_all, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (verb === 's' || verb === 'v') return arg.number === undefined ? arg.text : goFormatShortest(arg.number);
    if (arg.number === undefined) throw new TemplateError(`printf %${verb} needs a number`);
    if (verb === 'f') return goFormatF(arg.number, precision === undefined ? 6 : Number(precision));
    if (verb === 'g') return precision === undefined ? goFormatShortest(arg.number) : goFormatG(arg.number, Number(precision));
    throw new TemplateError(`printf %${verb} of a float64 is not supported`);
  });
}

/**
 * Renders the subset of Prometheus alert templates that Vigil documents: `$value`,
 * `$labels.NAME`, pipes to humanize functions and `printf`. Anything else is a
 * {@link TemplateError}, never a guess.
 */
export function renderTemplate(template: string, data: TemplateData): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_match, body: string) => action(body, data));
}

/** Whether a template reads the sample value. */
export function usesValue(template: string): boolean {
  return /\{\{[^}]*(\$value|\.Value)[^}]*\}\}/.test(template);
}
