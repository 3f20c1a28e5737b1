// A check of Go text/template syntax as Prometheus parses alert annotations: delimiters, literals,
// comments, block nesting and function names, so `vigil generate` rejects what promtool would.

/** A template syntax error and where in the text it is. */
export interface TemplateSyntaxError {
  offset: number;
  message: string;
}

/** Go's built-in template functions and those Prometheus adds for rule templates. */
const FUNCTIONS = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper',
  'toLower', 'graphLink', 'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration',
  'humanizePercentage', 'humanizeTimestamp', 'toTime', 'toDuration', 'parseDuration', 'now', 'pathPrefix',
  'externalURL', 'stripPort', 'stripDomain', 'tmpl',
]);
const CONSTANTS = new Set(['true', 'false', 'nil', 'break', 'continue']);
const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

/** Replaces string, raw-string and character literals (closed: {@link actionEnd} found them so) by `""`. */
function withoutLiterals(action: string): string {
  let out = '';
  for (let i = 0; i < action.length; i++) {
    const c = action[i] as string;
    if (c !== '"' && c !== '`' && c !== "'") {
      out += c;
      continue;
    }
    let j = i + 1;
    while (j < action.length && action[j] !== c) j += c !== '`' && action[j] === '\\' ? 2 : 1;
    out += ' "" ';
    i = j;
  }
  return out;
}

/** The end of the action opened at `start` (the index of its `}}`), skipping literals; -1 when none. */
function actionEnd(text: string, start: number): number {
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`' || c === "'") quote = c;
    else if (c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

/** Parses `text` as a Go text/template with Prometheus' functions; returns its syntax errors (at most one, as Go stops there). */
export function goTemplateErrors(text: string): TemplateSyntaxError[] {
  const blocks: { keyword: string; offset: number }[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    if (open === -1) break;
    let inner = open + 2;
    if (text.startsWith('- ', inner)) inner += 2;
    if (text.startsWith('/*', inner)) {
      const close = text.indexOf('*/', inner + 2);
      const after = close === -1 ? -1 : close + 2 + (text.startsWith(' -', close + 2) ? 2 : 0);
      if (after === -1 || !text.startsWith('}}', after)) return [{ offset: open, message: 'unclosed comment: expected `*/}}`' }];
      at = after + 2;
      continue;
    }
    const close = actionEnd(text, inner);
    if (close === -1) return [{ offset: open, message: 'unclosed action: `{{` without `}}`' }];
    at = close + 2;
    const body = withoutLiterals(text.slice(inner, text[close - 1] === '-' && text[close - 2] === ' ' ? close - 2 : close));
    const words = body.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return [{ offset: open, message: 'missing value for command: empty action `{{ }}`' }];
    const [first, second] = words;
    if (first === 'end') {
      if (!blocks.pop()) return [{ offset: open, message: 'unexpected {{end}}' }];
      continue;
    }
    if (first === 'else') {
      const top = blocks[blocks.length - 1];
      if (!top || !['if', 'range', 'with'].includes(top.keyword)) return [{ offset: open, message: 'unexpected {{else}}' }];
    } else if (first !== undefined && OPENERS.has(first)) {
      blocks.push({ keyword: first, offset: open });
      if ((first === 'define' || first === 'block') && second !== '""') return [{ offset: open, message: `{{${first}}} needs a quoted template name` }];
    }
    // Every bare identifier is a function call (fields follow `.` or `$`).
    const start = first === 'else' && (second === 'if' || second === 'with') ? 2 : first !== undefined && (OPENERS.has(first) || first === 'else' || first === 'template') ? 1 : 0;
    for (const match of words.slice(start).join(' ').matchAll(/(^|[^.$\w])([A-Za-z_]\w*)/g)) {
      const name = match[2] as string;
      if (!FUNCTIONS.has(name) && !CONSTANTS.has(name)) return [{ offset: open, message: `function "${name}" not defined` }];
    }
  }
  const unclosed = blocks.pop();
  if (unclosed) return [{ offset: unclosed.offset, message: `unexpected EOF: {{${unclosed.keyword}}} without {{end}}` }];
  return [];
}

/** Whether the text holds template syntax Prometheus would expand (`{{`), for fields that must be static. */
export function hasTemplateText(text: string): boolean {
  return text.includes('{{');
}
