// A parser of Go text/template as Prometheus parses alert labels and annotations (promtool
// `check rules`): Go's lexer and parser rules, re-implemented for their accept/refuse decision,
// so `vigil generate` and `vigil lint` refuse exactly what promtool refuses. It follows Go 1.19's
// text/template (what Prometheus 2.x releases were built with): `{{else with}}` (Go 1.23) is
// refused, a little stricter than Prometheus 3.x. Differentially tested against the real promtool
// (packages/cli/src/go-template.property.test.ts).

/** A template syntax error and where in the text it is (the `{{` of the action it is in). */
export interface TemplateSyntaxError {
  offset: number;
  message: string;
}

/**
 * Go's built-in template functions and those Prometheus adds for rule templates. `tmpl`,
 * `toDuration` and `now` came in later Prometheus releases than some users run (2.42 lacks them).
 */
const FUNCTIONS = new Set([
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge',
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper',
  'toLower', 'graphLink', 'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration',
  'humanizePercentage', 'humanizeTimestamp', 'toTime', 'toDuration', 'parseDuration', 'now', 'pathPrefix',
  'externalURL', 'stripPort', 'stripDomain', 'tmpl',
]);
/**
 * How deep controls and parentheses may nest. Go has no limit (its stack grows); this parser
 * recurses, so it refuses deeper templates with an error rather than overflow the stack.
 */
export const MAX_TEMPLATE_NESTING = 100;
/** The variables Prometheus declares before an alert's template (`{{$labels := .Labels}}`...). */
const PROMETHEUS_VARIABLES = ['$', '$labels', '$externalLabels', '$externalURL', '$value'];

type TokenType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'assign' | 'declare' | 'pipe' | 'string' | 'rawString' | 'char'
  | 'charConstant' | 'number' | 'complex' | 'field' | 'variable' | 'dot' | 'identifier' | 'bool' | 'nil'
  | 'leftParen' | 'rightParen' | 'block' | 'break' | 'continue' | 'define' | 'else' | 'end' | 'if' | 'range'
  | 'template' | 'with' | 'error' | 'eof';

interface Token {
  type: TokenType;
  value: string;
  /** The offset of the `{{` of the action the token is in (of the token itself for text). */
  action: number;
}

const KEYWORDS: Record<string, TokenType> = {
  block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else', end: 'end', if: 'if',
  nil: 'nil', range: 'range', template: 'template', with: 'with',
};

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string | undefined) => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);
const hasLeftTrimMarker = (text: string, at: number) => text[at] === '-' && isSpace(text[at + 1]);
const hasRightTrimMarker = (text: string, at: number) => isSpace(text[at]) && text[at + 1] === '-';

/** Splits a template into Go's tokens; the last is `eof`, or `error` where Go's lexer stops. */
function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let action = 0;
  const emit = (type: TokenType) => {
    tokens.push({ type, value: text.slice(start, pos), action });
    start = pos;
  };
  const fail = (message: string) => {
    tokens.push({ type: 'error', value: message, action });
    return tokens;
  };
  /** The code point at `at`, as a string (`undefined` at the end). */
  const at = (i: number) => (i < text.length ? String.fromCodePoint(text.codePointAt(i) as number) : undefined);
  const atRightDelim = (i: number): [boolean, boolean] =>
    hasRightTrimMarker(text, i) && text.startsWith('}}', i + 2) ? [true, true] : [text.startsWith('}}', i), false];
  const atTerminator = (i: number) => {
    const c = at(i);
    return c === undefined || isSpace(c) || '.,|:)('.includes(c) || text.startsWith('}}', i);
  };
  const accept = (chars: string) => {
    const c = text[pos];
    if (c !== undefined && chars.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (chars: string) => {
    while (accept(chars));
  };
  const scanNumber = () => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(at(pos))) return false;
    return true;
  };
  const quoted = (quote: string) => {
    for (;;) {
      const c = at(pos);
      if (c === undefined || (c === '\n' && quote !== '`')) return false;
      pos += c.length;
      if (c === '\\' && quote !== '`') {
        const escaped = at(pos);
        if (escaped === undefined || escaped === '\n') return false;
        pos += escaped.length;
      } else if (c === quote) return true;
    }
  };

  for (;;) {
    // Text up to the next action.
    const open = text.indexOf('{{', pos);
    if (open === -1) {
      pos = text.length;
      if (pos > start) emit('text');
      tokens.push({ type: 'eof', value: '', action: pos });
      return tokens;
    }
    pos = open;
    if (pos > start) {
      action = start;
      emit('text');
    }
    action = open;
    pos += 2;
    const afterMarker = hasLeftTrimMarker(text, pos) ? 2 : 0;
    if (text.startsWith('/*', pos + afterMarker)) {
      const close = text.indexOf('*/', pos + afterMarker + 2);
      if (close === -1) return fail('unclosed comment');
      pos = close + 2;
      const [delim, trim] = atRightDelim(pos);
      if (!delim) return fail('comment ends before closing delimiter');
      pos += (trim ? 2 : 0) + 2;
      start = pos;
      continue;
    }
    emit('leftDelim');
    pos += afterMarker;
    start = pos;
    let parenDepth = 0;
    // Inside the action.
    for (;;) {
      const [delim, trim] = atRightDelim(pos);
      if (delim) {
        if (parenDepth !== 0) return fail('unclosed left paren');
        pos += (trim ? 2 : 0) + 2;
        emit('rightDelim');
        break;
      }
      const c = at(pos);
      if (c === undefined) return fail('unclosed action');
      if (isSpace(c)) {
        let spaces = 0;
        while (isSpace(text[pos])) {
          pos++;
          spaces++;
        }
        // A space before a trim-marked `-}}` belongs to the delimiter.
        if (hasRightTrimMarker(text, pos - 1) && text.startsWith('}}', pos + 1)) {
          pos--;
          if (spaces === 1) {
            pos += 4;
            emit('rightDelim');
            break;
          }
        }
        emit('space');
        continue;
      }
      if (c === '=') {
        pos++;
        emit('assign');
      } else if (c === ':') {
        pos++;
        if (text[pos] !== '=') return fail('expected :=');
        pos++;
        emit('declare');
      } else if (c === '|') {
        pos++;
        emit('pipe');
      } else if (c === '"' || c === '`' || c === "'") {
        pos++;
        if (!quoted(c)) {
          return fail(c === '"' ? 'unterminated quoted string' : c === '`' ? 'unterminated raw quoted string' : 'unterminated character constant');
        }
        emit(c === '"' ? 'string' : c === '`' ? 'rawString' : 'charConstant');
      } else if (c === '$' || (c === '.' && !/[0-9]/.test(text[pos + 1] ?? ''))) {
        // A variable (`$`, `$x`) or a field (`.`, `.X`).
        pos++;
        if (!atTerminator(pos)) {
          while (isAlphaNumeric(at(pos))) pos += (at(pos) as string).length;
          if (!atTerminator(pos)) return fail(`bad character ${JSON.stringify(at(pos))}`);
          emit(c === '$' ? 'variable' : 'field');
        } else emit(c === '$' ? 'variable' : 'dot');
      } else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        if (!scanNumber()) return fail(`bad number syntax: ${JSON.stringify(text.slice(start, pos + 1))}`);
        if (text[pos] === '+' || text[pos] === '-') {
          // Complex: 1+2i, no spaces, ending in i.
          if (!scanNumber() || text[pos - 1] !== 'i') return fail(`bad number syntax: ${JSON.stringify(text.slice(start, pos))}`);
          emit('complex');
        } else emit('number');
      } else if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(at(pos))) pos += (at(pos) as string).length;
        if (!atTerminator(pos)) return fail(`bad character ${JSON.stringify(at(pos))}`);
        const word = text.slice(start, pos);
        emit(KEYWORDS[word] ?? (word === 'true' || word === 'false' ? 'bool' : 'identifier'));
      } else if (c === '(') {
        pos++;
        emit('leftParen');
        parenDepth++;
      } else if (c === ')') {
        pos++;
        emit('rightParen');
        if (--parenDepth < 0) return fail('unexpected right paren');
      } else if (c >= ' ' && c <= '~') {
        pos++;
        emit('char');
      } else return fail(`unrecognized character in action: ${JSON.stringify(c)}`);
    }
    start = pos;
  }
}

const INT = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;
const DECIMAL_FLOAT = /^[+-]?(?:\d(?:_?\d)*\.(?:\d(?:_?\d)*)?|\.\d(?:_?\d)*|\d(?:_?\d)*(?=[eE]))(?:[eE][+-]?\d(?:_?\d)*)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]((?:_?[0-9a-fA-F])*)(?:\.((?:[0-9a-fA-F](?:_?[0-9a-fA-F])*)?))?[pP]([+-]?\d(?:_?\d)*)$/;

/** Whether Go's `strconv.ParseFloat` reads `text` to a finite number. */
function isGoFloat(text: string): boolean {
  if (DECIMAL_FLOAT.test(text)) return Number.isFinite(Number(text.replaceAll('_', '')));
  const hex = HEX_FLOAT.exec(text);
  if (!hex) return false;
  const [, , whole = '', fraction = '', exponent = '0'] = hex;
  const digits = (whole + fraction).replaceAll('_', '');
  if (digits === '') return false;
  const value = parseInt(digits.slice(0, 15), 16) * 2 ** (4 * (digits.length - Math.min(15, digits.length)) - 4 * fraction.length + Number(exponent.replaceAll('_', '')));
  return Number.isFinite(value);
}

/** Whether a number token is a number Go's template parser reads (an int that fits, a finite float, a complex). */
function isGoNumber(text: string, type: TokenType): boolean {
  if (type === 'charConstant') return isGoQuoted(text.slice(1, -1), "'", true);
  if (type === 'complex') {
    // The real part ends at the first sign that is not an exponent's.
    let split = 1;
    while (split < text.length && !('+-'.includes(text[split] as string) && !'eEpP'.includes(text[split - 1] as string))) split++;
    return text.endsWith('i') && isGoFloatOrInt(text.slice(0, split)) && isGoFloatOrInt(text.slice(split, -1));
  }
  if (text.endsWith('i')) return isGoFloatOrInt(text.slice(0, -1));
  if (INT.test(text)) {
    const sign = text.startsWith('-') ? -1n : 1n;
    const body = text.replace(/^[+-]/, '').replaceAll('_', '');
    const value = BigInt(/^0[0-7]+$/.test(body) ? `0o${body.slice(1)}` : body) * sign;
    return value >= -(2n ** 63n) && value < 2n ** 64n;
  }
  return !/^[+-]?[0-9_]*$/.test(text) && isGoFloat(text);
}

/** A float or a decimal integer, as `strconv.ParseFloat` reads the parts of a complex. */
function isGoFloatOrInt(text: string): boolean {
  return /^[+-]?\d(?:_?\d)*$/.test(text) || isGoFloat(text);
}

const SIMPLE_ESCAPES = 'abfnrtv\\';

/** Whether `strconv.Unquote` (or `UnquoteChar` for one character) reads the body of a quoted literal. */
function isGoQuoted(body: string, quote: string, oneChar: boolean): boolean {
  let count = 0;
  for (let i = 0; i < body.length; count++) {
    const c = String.fromCodePoint(body.codePointAt(i) as number);
    if (c === quote) return false;
    if (c !== '\\') {
      i += c.length;
      continue;
    }
    const e = body[i + 1] ?? '';
    if (SIMPLE_ESCAPES.includes(e) || e === quote) {
      i += 2;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      i += 4;
    } else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4)) && parseInt(body.slice(i + 1, i + 4), 8) <= 255) {
      i += 4;
    } else if ((e === 'u' || e === 'U') && new RegExp(`^[0-9a-fA-F]{${e === 'u' ? 4 : 8}}$`).test(body.slice(i + 2, i + (e === 'u' ? 6 : 10)))) {
      const point = parseInt(body.slice(i + 2, i + (e === 'u' ? 6 : 10)), 16);
      if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return false;
      i += e === 'u' ? 6 : 10;
    } else return false;
  }
  return !oneChar || count === 1;
}

/** A syntax error: thrown inside the parser only (Go's parser panics likewise) and returned by {@link goTemplateErrors} as a value. */
class TemplateFail extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A parse tree's state: its declared variables and how deep in `range` it is (for break/continue). */
interface Tree {
  vars: string[];
  rangeDepth: number;
}

/** The node types the parser's decisions depend on. */
type NodeType = 'text' | 'action' | 'control' | 'end' | 'else' | 'bool' | 'dot' | 'nil' | 'number' | 'string' | 'other';

interface Node {
  type: NodeType;
  /** Whether a list of this node counts as empty for a template definition (whitespace text only). */
  empty: boolean;
}

/** Go's parser over the tokens; throws {@link TemplateFail} at the first error, as Go stops there. */
function parseTokens(tokens: readonly Token[]): void {
  let i = 0;
  let depth = 0;
  const defined = new Map<string, boolean>();
  /** Each control or definition open (its `{{` and keyword), for an unexpected end of input. */
  const open: { offset: number; keyword: string }[] = [];
  const next = () => tokens[Math.min(i++, tokens.length - 1)] as Token;
  const backup = () => void i--;
  const peek = () => tokens[Math.min(i, tokens.length - 1)] as Token;
  const nextNonSpace = () => {
    let token = next();
    while (token.type === 'space') token = next();
    return token;
  };
  const peekNonSpace = () => {
    const token = nextNonSpace();
    backup();
    return token;
  };
  const fail = (message: string, token: Token = tokens[Math.max(0, Math.min(i, tokens.length) - 1)] as Token): never => {
    throw new TemplateFail(message, token.action);
  };
  const describe = (token: Token) =>
    token.type === 'eof' ? 'EOF' : token.type === 'rightDelim' ? '"}}"' : /^[a-z]+$/.test(token.type) && KEYWORDS[token.value] ? `<${token.value}>` : JSON.stringify(token.value);
  const unexpected = (token: Token, context: string): never =>
    token.type === 'error' ? fail(token.value, token) : fail(`unexpected ${describe(token)} in ${context}`, token);
  const expect = (type: TokenType, context: string) => {
    const token = nextNonSpace();
    if (token.type !== type) unexpected(token, context);
    return token;
  };
  const templateName = (token: Token, context: string) => {
    if (token.type === 'rawString') return token.value.slice(1, -1);
    if (token.type !== 'string') return unexpected(token, context);
    if (!isGoQuoted(token.value.slice(1, -1), '"', false)) fail('invalid syntax', token);
    return token.value;
  };
  const add = (name: string, list: Node[]) => {
    const empty = list.every((node) => node.empty);
    if (defined.get(name) === false && !empty) fail(`template: multiple definition of template ${JSON.stringify(name)}`);
    if (defined.get(name) !== false) defined.set(name, empty);
  };

  function term(tree: Tree): Node | undefined {
    const token = nextNonSpace();
    switch (token.type) {
      case 'error':
        return fail(token.value, token);
      case 'identifier':
        if (!FUNCTIONS.has(token.value)) fail(`function ${JSON.stringify(token.value)} not defined`, token);
        return { type: 'other', empty: false };
      case 'dot':
      case 'nil':
      case 'bool':
        return { type: token.type, empty: false };
      case 'variable':
        if (!tree.vars.includes(token.value)) fail(`undefined variable ${JSON.stringify(token.value)}`, token);
        return { type: 'other', empty: false };
      case 'field':
        return { type: 'other', empty: false };
      case 'charConstant':
      case 'complex':
      case 'number':
        if (!isGoNumber(token.value, token.type)) fail(token.type === 'charConstant' ? `malformed character constant: ${token.value}` : `illegal number syntax: ${JSON.stringify(token.value)}`, token);
        return { type: 'number', empty: false };
      case 'leftParen': {
        nest(token);
        pipeline(tree, 'parenthesized pipeline');
        depth--;
        const close = next();
        if (close.type !== 'rightParen') fail(`unclosed right paren: unexpected ${describe(close)}`, close);
        return { type: 'other', empty: false };
      }
      case 'string':
        if (!isGoQuoted(token.value.slice(1, -1), '"', false)) fail('invalid syntax', token);
        return { type: 'string', empty: false };
      case 'rawString':
        return { type: 'string', empty: false };
      default:
        backup();
        return undefined;
    }
  }

  function operand(tree: Tree): Node | undefined {
    const node = term(tree);
    if (node === undefined || peek().type !== 'field') return node;
    while (peek().type === 'field') next();
    if (['bool', 'string', 'number', 'nil', 'dot'].includes(node.type)) fail('unexpected . after term');
    return { type: 'other', empty: false };
  }

  /** A command's first operand, which the pipeline check looks at. */
  function command(tree: Tree): Node {
    let first: Node | undefined;
    for (;;) {
      peekNonSpace();
      const node = operand(tree);
      first ??= node;
      const token = next();
      if (token.type === 'space') continue;
      if (token.type === 'error') fail(token.value, token);
      if (token.type === 'rightDelim' || token.type === 'rightParen') backup();
      else if (token.type !== 'pipe') fail(`unexpected ${describe(token)} in operand`, token);
      break;
    }
    return first ?? fail('empty command');
  }

  function pipeline(tree: Tree, context: string): void {
    const commands: Node[] = [];
    let declarations = 0;
    for (;;) {
      if (peekNonSpace().type !== 'variable') break;
      const save = i;
      const variable = nextNonSpace();
      const after = peekNonSpace();
      if (after.type === 'assign' || after.type === 'declare') {
        nextNonSpace();
        tree.vars.push(variable.value);
        break;
      }
      if (after.type === 'char' && after.value === ',') {
        nextNonSpace();
        tree.vars.push(variable.value);
        declarations++;
        if (context === 'range' && declarations < 2) {
          const following = peekNonSpace().type;
          if (following === 'variable' || following === 'rightDelim' || following === 'rightParen') continue;
          fail('range can only initialize variables');
        }
        fail(`too many declarations in ${context}`);
      }
      i = save;
      break;
    }
    for (;;) {
      const token = nextNonSpace();
      switch (token.type) {
        case 'rightDelim':
        case 'rightParen':
          if (commands.length === 0) fail(`missing value for ${context}`, token);
          commands.slice(1).forEach((command, stage) => {
            if (['bool', 'dot', 'nil', 'number', 'string'].includes(command.type)) fail(`non executable command in pipeline stage ${stage + 2}`, token);
          });
          if (token.type === 'rightParen') backup();
          return;
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          backup();
          commands.push(command(tree));
          break;
        default:
          unexpected(token, context);
      }
    }
  }

  function itemList(tree: Tree): { list: Node[]; end: Node } {
    const list: Node[] = [];
    while (peekNonSpace().type !== 'eof') {
      const node = textOrAction(tree);
      if (node.type === 'end' || node.type === 'else') return { list, end: node };
      list.push(node);
    }
    const unclosed = open[open.length - 1];
    return fail(unclosed ? `unexpected EOF: {{${unclosed.keyword}}} without {{end}}` : 'unexpected EOF', { type: 'eof', value: '', action: unclosed?.offset ?? 0 });
  }

  function nest(token: Token): void {
    if (++depth > MAX_TEMPLATE_NESTING) fail(`nested more than ${MAX_TEMPLATE_NESTING} levels deep`, token);
  }

  function parseControl(tree: Tree, allowElseIf: boolean, context: string, at: number): Node {
    const declared = tree.vars.length;
    nest({ type: 'if', value: context, action: at });
    open.push({ offset: at, keyword: context });
    pipeline(tree, context);
    const { end } = itemList(tree);
    if (end.type === 'else') {
      if (allowElseIf && peek().type === 'if') {
        next();
        ifControl(tree, at);
      } else {
        const rest = itemList(tree);
        if (rest.end.type !== 'end') fail('expected end; found {{else}}');
      }
    }
    open.pop();
    depth--;
    tree.vars.length = declared;
    return { type: 'control', empty: false };
  }

  function ifControl(tree: Tree, at: number): Node {
    return parseControl(tree, true, 'if', at);
  }

  function loopControl(tree: Tree, keyword: 'break' | 'continue'): Node {
    const token = nextNonSpace();
    if (token.type !== 'rightDelim') unexpected(token, `{{${keyword}}}`);
    if (tree.rangeDepth === 0) fail(`{{${keyword}}} outside {{range}}`, token);
    return { type: 'other', empty: false };
  }

  function action(tree: Tree): Node {
    const token = nextNonSpace();
    switch (token.type) {
      case 'block': {
        const name = templateName(nextNonSpace(), 'block clause');
        pipeline(tree, 'block clause');
        open.push({ offset: token.action, keyword: 'block' });
        nest(token);
        const block = itemList({ vars: ['$'], rangeDepth: 0 });
        if (block.end.type !== 'end') fail('unexpected {{else}} in block clause');
        depth--;
        open.pop();
        add(name, block.list);
        return { type: 'control', empty: false };
      }
      case 'break':
      case 'continue':
        return loopControl(tree, token.type);
      case 'else':
        if (peekNonSpace().type !== 'if') expect('rightDelim', 'else');
        return { type: 'else', empty: false };
      case 'end':
        expect('rightDelim', 'end');
        return { type: 'end', empty: false };
      case 'if':
        return ifControl(tree, token.action);
      case 'range': {
        tree.rangeDepth++;
        const node = parseControl(tree, false, 'range', token.action);
        tree.rangeDepth--;
        return node;
      }
      case 'template': {
        templateName(nextNonSpace(), 'template clause');
        if (nextNonSpace().type !== 'rightDelim') {
          backup();
          pipeline(tree, 'template clause');
        }
        return { type: 'control', empty: false };
      }
      case 'with':
        return parseControl(tree, false, 'with', token.action);
      default:
        backup();
        pipeline(tree, 'command');
        return { type: 'action', empty: false };
    }
  }

  function textOrAction(tree: Tree): Node {
    const token = nextNonSpace();
    if (token.type === 'text') return { type: 'text', empty: token.value.trim() === '' };
    if (token.type === 'leftDelim') return action(tree);
    return unexpected(token, 'input');
  }

  const main: Tree = { vars: [...PROMETHEUS_VARIABLES], rangeDepth: 0 };
  while (peek().type !== 'eof') {
    if (peek().type === 'leftDelim') {
      const save = i;
      const delim = next();
      if (nextNonSpace().type === 'define') {
        open.push({ offset: delim.action, keyword: 'define' });
        const name = templateName(expectNameToken(), 'define clause');
        expect('rightDelim', 'define clause');
        const body = itemList({ vars: ['$'], rangeDepth: 0 });
        if (body.end.type !== 'end') fail('unexpected {{else}} in define clause');
        open.pop();
        add(name, body.list);
        continue;
      }
      i = save;
    }
    const node = textOrAction(main);
    if (node.type === 'end' || node.type === 'else') fail(`unexpected {{${node.type}}}`);
  }

  function expectNameToken(): Token {
    const token = nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') unexpected(token, 'define clause');
    return token;
  }
}

/** Parses `text` as a Go text/template with Prometheus' functions and variables; returns its syntax errors (at most one, as Go stops there). */
export function goTemplateErrors(text: string): TemplateSyntaxError[] {
  try {
    parseTokens(lex(text));
    return [];
  } catch (error) {
    if (error instanceof TemplateFail) return [{ offset: error.offset, message: error.message }];
    throw error;
  }
}

/** Whether the text holds template syntax Prometheus would expand (`{{`), for fields that must be static. */
export function hasTemplateText(text: string): boolean {
  return text.includes('{{');
}
