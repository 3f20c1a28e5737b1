// `vigil generate` writes nothing that Prometheus' tools would reject, and nothing Prometheus would
// expand where it must not: each bad input is a located error (exit 2) and no file is written.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goTemplateErrors, urlCredential } from '@vigil/compiler';
import { runCli } from './main.js';
import { EXIT } from './exit-codes.js';

let root: string;
let out: string;
let err: string;
let app: string;
const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
const vigil = (...args: string[]) => runCli(['--root', root, ...args], io, {});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-validity-'));
  await cp(join(import.meta.dirname, 'testdata/in-basic'), root, { recursive: true });
  app = await readFile(join(root, 'definitions/app.yaml'), 'utf8');
  out = '';
  err = '';
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Replaces `from` (which must occur) in the basic definitions. */
async function edit(from: string, to: string): Promise<void> {
  expect(app).toContain(from);
  await writeFile(join(root, 'definitions/app.yaml'), app.replace(from, to));
}

/** The line of the first occurrence of `text` in the edited definitions, 1-based. */
async function lineOf(text: string): Promise<number> {
  const edited = await readFile(join(root, 'definitions/app.yaml'), 'utf8');
  return edited.slice(0, edited.indexOf(text)).split('\n').length;
}

async function expectRejected(marker: string, message: RegExp): Promise<void> {
  expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
  expect(err).toMatch(new RegExp(`definitions/app\\.yaml:${await lineOf(marker)}:\\d+: `));
  expect(err).toMatch(message);
  expect((await readdir(root)).sort()).toEqual(['definitions']);
}

const RAW_ALERT = `  - name: ShopRaw
    severity: warning
    summary: raw
    condition: { kind: promql, expr: "sum(rate(shop_checkouts_total[5m]) > 1" }
slos:`;

describe('generate rejects what promtool would, located, writing nothing', () => {
  it('an unclosed template in a summary', async () => {
    await edit('summary: "Queue depth {{ $value }} above 100"', 'summary: "Queue depth {{ $value above 100"');
    // Go's parser stops at the first error it meets: the word `above`, before the end of input.
    await expectRejected('Queue depth', /function "above" not defined/);
    err = '';
    await edit('summary: "Queue depth {{ $value }} above 100"', 'summary: "Queue depth {{ $value"');
    await expectRejected('Queue depth', /unclosed action/);
  });

  it('an unknown template function and an unclosed {{if}} in annotations', async () => {
    await edit('summary: "Queue depth {{ $value }} above 100"', 'summary: "Queue depth {{ $value | humanise }}"');
    await expectRejected('Queue depth', /function "humanise" not defined/);
    err = '';
    await edit('summary: "Queue depth {{ $value }} above 100"', 'summary: "x"\n    annotations: { note: "{{ if gt $value 1.0 }}high" }');
    await expectRejected('note:', /\{\{if\}\} without \{\{end\}\}/);
  });

  it('a raw PromQL alert with a parse error', async () => {
    await edit('slos:', RAW_ALERT);
    await expectRejected('expr: "sum(rate', /PromQL syntax error/);
  });

  it('a Sloth-style SLI query missing a `}`', async () => {
    const slo = app.slice(app.indexOf('    sli:'));
    await writeFile(
      join(root, 'definitions/app.yaml'),
      app.replace(slo, '    sli:\n      promql:\n        error_query: sum(rate(shop_checkout_errors_total{job="shop"[{{.window}}]))\n        total_query: sum(rate(shop_checkouts_total[{{.window}}]))\n'),
    );
    await expectRejected('error_query', /PromQL syntax error/);
  });

  it('a `for` beyond Prometheus durations and beyond the window limit', async () => {
    await edit('above: 100, for: 10m', 'above: 100, for: 99999999999y');
    await expectRejected('for: 99999999999y', /duration out of range|at most 31d/);
    err = '';
    await edit('above: 100, for: 10m', 'above: 100, for: 100y');
    await expectRejected('for: 100y', /at most 31d/);
  });

  it('an SLO window beyond the limit', async () => {
    await edit('    objective: 99', '    objective: 99\n    window: 99999999999y');
    await expectRejected('window: 99999999999y', /duration out of range|at most 366d/);
  });

  it('an anomaly window beyond the documented limit, quickly', async () => {
    await edit('condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 10m }', 'condition: { kind: anomaly, metric: shop_queue_depth, window: 100y }');
    const started = performance.now();
    await expectRejected('window: 100y', /at most 31d/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('import sloth', () => {
  it('exits non-zero, located, on an error_query missing a `}`', async () => {
    const spec = await readFile(join(import.meta.dirname, '../../compiler/src/import/testdata/sloth/getting-started/spec.yml'), 'utf8');
    // The matcher's closing brace removed.
    const bad = spec.replace(/(error_query: .*?)\}/, '$1');
    expect(bad).toContain('(5..|429)"[{{.window}}]');
    await writeFile(join(root, 'sloth.yml'), bad);
    expect(await vigil('import', 'sloth', join(root, 'sloth.yml'))).toBe(EXIT.invalidDefinitions);
    const line = bad.slice(0, bad.indexOf('error_query')).split('\n').length;
    expect(err).toMatch(new RegExp(`sloth\\.yml:${line}:\\d+: .*not valid PromQL`));
  });
});

describe('no stack trace for any user input', () => {
  it('a service name too long for a file name', async () => {
    const long = 's'.repeat(230);
    await edit('{ name: shop, team: web,', `{ name: ${long}, team: web,`);
    await expectRejected(long, /at most 100 characters/);
  });

  it('import of a missing file', async () => {
    expect(await vigil('import', 'sloth', join(root, 'missing.yml'))).toBe(EXIT.usage);
    expect(err).toContain('no such file');
  });

  it.each(['sloth', 'openslo'])('an alias bomb given to import %s', async (format) => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    await writeFile(join(root, 'bomb.yml'), `${bomb}\n`);
    expect(await vigil('import', format, join(root, 'bomb.yml'))).toBe(EXIT.invalidDefinitions);
    expect(err).toMatch(/bomb\.yml:\d+:\d+: invalid YAML/);
  });
});

describe('lint over hand-written rule files', () => {
  it('accepts an empty `rules:`, reports a broken file as a finding and lints the others', async () => {
    expect(await vigil('generate')).toBe(EXIT.ok);
    await writeFile(join(root, 'prometheus/rules/empty.yml'), 'groups:\n  - name: zookeeper\n    rules:\n');
    await writeFile(join(root, 'prometheus/rules/broken.yml'), 'groups: [\n');
    await writeFile(join(root, 'prometheus/rules/other.yml'), 'groups:\n  - name: o\n    rules:\n      - alert: Other\n        expr: sum(rate(shop_checkouts_total[5m])) > 1\n');
    out = '';
    expect(await vigil('lint', '--format', 'json')).toBe(EXIT.checkFailed);
    const findings = JSON.parse(out) as { file: string; check: string }[];
    expect(findings.filter((f) => f.file === 'prometheus/rules/broken.yml').map((f) => f.check)).toContain('file/invalid');
    expect(findings.some((f) => f.file === 'prometheus/rules/empty.yml')).toBe(false);
    expect(findings.some((f) => f.file === 'prometheus/rules/other.yml')).toBe(true);
  });
});

describe('template text where Prometheus must not expand it', () => {
  it.each([
    ['a service team', '{ name: shop, team: web,', '{ name: shop, team: "t{{ 1 }}",'],
    ['SLO labels', '    objective: 99', '    objective: 99\n    labels: { tier: "t{{ 1 }}" }'],
    ['alerting.page.labels', '    objective: 99', '    objective: 99\n    alerting: { page: { labels: { route: "t{{ 1 }}" } } }'],
  ])('%s', async (_, from, to) => {
    await edit(from, to);
    await expectRejected('t{{ 1 }}', /label values are static/);
  });
});

describe('no secret in an output, only http(s) links', () => {
  it.each([
    ['a password in grafana_url', 'retention: 90d }', 'retention: 90d, grafana_url: "https://admin:hunter2@grafana.example" }', 'hunter2', /a password in the URL/],
    ['a token in a runbook', 'runbook: https://runbooks.example/shop/queue', 'runbook: "https://runbooks.example/shop/queue?access_token=abc"', 'access_token', /query parameter `access_token`/],
    ['a javascript: runbook', 'runbook: https://runbooks.example/shop/queue', 'runbook: "javascript:alert(1)"', 'javascript:', /expected an http:\/\/ or https:\/\/ URL/],
    ['credentials in an Alertmanager target', 'retention: 90d }', 'retention: 90d, alertmanagers: ["am:secret@am.example:9093"] }', 'am:secret@', /without credentials/],
    ['credentials in a scrape target', 'targets: ["localhost:9464"]', 'targets: ["u:p@localhost:9464"]', 'u:p@', /without credentials/],
  ])('%s', async (_, from, to, marker, message) => {
    await edit(from, to);
    await expectRejected(marker, message);
  });

  it.each([
    ['https://hooks.example/x?token=abc', 'a credential in the URL\'s query parameter `token`'],
    ['https://hooks.example/x?api_key=abc', 'a credential in the URL\'s query parameter `api_key`'],
    ['https://ghp_abc@hooks.example/x', 'credentials in the URL (user info)'],
    ['https://hooks.example/x?channel=ops', undefined],
  ])('urlCredential(%s)', (url, found) => {
    expect(urlCredential(url)).toBe(found);
  });
});

describe('the template parser', () => {
  it.each([
    ['{{ $value | humanizePercentage }} of {{ $labels.instance }}', []],
    ['{{ with query "up" }}{{ . | first | value }}{{ else }}none{{ end }}', []],
    ['{{/* a comment */}}{{- if eq $labels.x "a}}b" -}}y{{ end }}', []],
    ['{{ range $i, $v := args 1 2 }}{{ $v }}{{ end }}', []],
    ['{{ "unterminated }}', ['unterminated quoted string']],
    ['{{ end }}', ['unexpected {{end}}']],
    ['{{ }}', ['missing value for command']],
    ['{{/* open', ['unclosed comment']],
    ['{{ $nosuch }}', ['undefined variable "$nosuch"']],
    ['{{ /* not a comment */ }}', ['unexpected "/" in command']],
    ['{{ range . }}{{ else if . }}{{ end }}', ['unexpected <if> in input']],
    ['{{ with . }}{{ else with . }}{{ end }}', ['unexpected <with> in else']],
    ['{{ break }}', ['{{break}} outside {{range}}']],
    ['{{ 1 | 2 }}', ['non executable command in pipeline stage 2']],
    ['{{ 99999999999999999999 }}', ['illegal number syntax: "99999999999999999999"']],
    ["{{ 'ab' }}", ["malformed character constant: 'ab'"]],
    ['{{ define "x" }}{{ $labels }}{{ end }}', ['undefined variable "$labels"']],
    // Go accepts any depth; the parser recurses, so it stops at a limit instead of overflowing its stack.
    [`${'{{ if true }}'.repeat(3000)}x${'{{ end }}'.repeat(3000)}`, ['nested more than 100 levels deep']],
    [`{{ ${'('.repeat(3000)}1${')'.repeat(3000)} }}`, ['nested more than 100 levels deep']],
    [`${'{{ if true }}'.repeat(100)}x${'{{ end }}'.repeat(100)}`, []],
  ] as const)('%s', (text, messages) => {
    expect(goTemplateErrors(text).map((e) => e.message)).toEqual(messages);
  });
});
