// Writes the hostile-definitions corpus that packages/cli/src/fuzz-corpus.test.ts runs through the
// bundled CLI: `node packages/cli/src/testdata/fuzz/make-corpus.mjs <dir>` (re)writes <dir> (the
// test writes it to a scratch folder; the cases are about 1 MB, so only this script is kept). Each
// case is one definitions file (<dir>/NNN-name.yaml, bytes as written) or a folder of them
// (<dir>/NNN-name/). Most are the basic project with one value made hostile, so they reach past
// the YAML parser into the schema, the model and the emitters. Cases over the size limits are
// made by the test itself (they would bloat the repository).
import { Buffer } from 'node:buffer';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = await readFile(join(here, '../in-basic/definitions/app.yaml'), 'utf8');

/** The basic project with `from` (which must occur) replaced by `to`. */
function edit(from, to) {
  if (!base.includes(from)) throw new Error(`not in the basic definitions: ${from}`);
  return base.replace(from, to);
}
const summary = (text) => edit('summary: "Queue depth {{ $value }} above 100"', `summary: ${text}`);
const condition = (yaml) => edit('condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 10m }', `condition: ${yaml}`);
const runbook = (url) => edit('runbook: https://runbooks.example/shop/queue', `runbook: ${url}`);
const service = (name) => edit('  - { name: shop, team: web, targets: ["localhost:9464"] }', `  - { name: ${name}, team: web, targets: ["localhost:9464"] }`);
const settings = (extra) => edit('settings: { scrape_interval: 30s, evaluation_interval: 30s, retention: 90d }', `settings: { scrape_interval: 30s, evaluation_interval: 30s, retention: 90d, ${extra} }`);
const objective = (value) => edit('objective: 99', `objective: ${value}`);
const notifications = (receiver) =>
  `${base}notifications:\n  default_receiver: ops\n  receivers:\n    - name: ops\n${receiver}\n  routes:\n    - { match: { team: web }, receiver: ops }\n`;
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** Billion laughs: `levels` anchors, each aliasing the previous one `fan` times. */
function aliasBomb(levels, fan, at = 'top') {
  const lines = ['a0: &a0 ["lol"]'];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: fan }, () => `*a${i - 1}`).join(', ')}]`);
  if (at === 'top') return `apiVersion: vigil.dev/v1\n${lines.join('\n')}\n`;
  return edit('  - name: shop_checkouts\n', `  - name: shop_checkouts\n    x-bomb: { ${lines.map((l) => l.replace(': ', ': ')).join(', ')} }\n`);
}

const cases = {
  // Malformed YAML.
  'yaml-unclosed-quote': summary('"Queue depth {{ $value }}'),
  'yaml-unclosed-flow-map': condition('{ kind: threshold, metric: shop_queue_depth, above: 100'),
  'yaml-unclosed-flow-seq': edit('targets: ["localhost:9464"]', 'targets: ["localhost:9464"'),
  'yaml-bad-indent': edit('    type: counter\n    description: Failed checkouts', '    type: counter\n  description: Failed checkouts'),
  'yaml-tab-indent': edit('    type: gauge', '\ttype: gauge'),
  'yaml-duplicate-key': edit('    type: gauge', '    type: gauge\n    type: counter'),
  'yaml-stray-colon': edit('    description: Orders waiting', '    description: Orders: waiting: : x'),
  'yaml-empty-file': '',
  'yaml-only-comment': '# nothing here\n',
  'yaml-only-document-marker': '---\n',
  'yaml-two-documents': `${base}---\n${base}`,
  'yaml-top-level-scalar': 'just a string\n',
  'yaml-top-level-list': '- a\n- b\n',
  'yaml-undefined-alias': edit('    type: gauge', '    type: *nosuch'),
  'yaml-bad-escape': summary('"bad \\q escape"'),
  'yaml-directive': `%YAML 2.0\n---\n${base}`,
  'yaml-binary-tag': summary('!!binary aGVsbG8='),
  'yaml-custom-tag': summary('!vigil "x"'),
  'yaml-merge-key': edit('  - name: shop_queue_depth\n', '  - &m { name: shop_tmp, type: gauge, description: T, service: shop }\n  - <<: *m\n    name: shop_merged\n  - name: shop_queue_depth\n'),
  'yaml-deep-flow-nesting': `apiVersion: vigil.dev/v1\nx: ${'['.repeat(20000)}${']'.repeat(20000)}\n`,
  'yaml-deep-block-nesting': `apiVersion: vigil.dev/v1\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} v\n`,
  'yaml-complex-key': edit('    type: gauge', '    ? [a, b]\n    : gauge'),
  'yaml-null-document': 'null\n',
  'yaml-unicode-escapes': summary('"\\u0000\\u0007 control"'),
  // Alias bombs.
  'alias-bomb-top': aliasBomb(9, 9),
  'alias-bomb-wide': aliasBomb(4, 200),
  'alias-bomb-in-metric': aliasBomb(8, 8, 'metric'),
  'alias-bomb-as-summary': `${aliasBomb(7, 10).replace('apiVersion: vigil.dev/v1\n', '')}${summary('*a7')}`,
  'alias-self-reference': edit('    type: gauge', '    type: gauge\n    x: &r [*r]'),
  // Durations and windows.
  'for-huge-years': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 99999999999y }'),
  'for-293y': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 293y }'),
  'for-292y': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 292y }'),
  'for-negative': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: -5m }'),
  'for-bad-unit': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 5x }'),
  'for-fraction': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 1.5h }'),
  'for-empty': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: "" }'),
  'for-number': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 300 }'),
  'for-ms-overflow': condition('{ kind: threshold, metric: shop_queue_depth, above: 100, for: 9223372036854775807ms }'),
  'anomaly-window-100y': condition('{ kind: anomaly, metric: shop_queue_depth, window: 100y }'),
  'anomaly-window-huge': condition('{ kind: anomaly, metric: shop_queue_depth, window: 99999999999y }'),
  'anomaly-window-32d': condition('{ kind: anomaly, metric: shop_queue_depth, window: 32d }'),
  'anomaly-window-31d': condition('{ kind: anomaly, metric: shop_queue_depth, window: 31d }'),
  'anomaly-window-0s': condition('{ kind: anomaly, metric: shop_queue_depth, window: 0s }'),
  'forecast-horizon-huge': condition('{ kind: forecast, metric: shop_queue_depth, window: 1h, horizon: 99999y, above: 1 }'),
  'rate-window-1ms': condition('{ kind: rate_of_change, metric: shop_queue_depth, window: 1ms, rising: 1 }'),
  'staleness-huge': condition('{ kind: staleness, metric: shop_queue_depth, older_than: 9999999999999d }'),
  'slo-window-400d': edit('objective: 99', 'objective: 99\n    window: 400d'),
  'slo-window-huge': edit('objective: 99', 'objective: 99\n    window: 99999999999y'),
  'scrape-interval-zero': edit('scrape_interval: 30s', 'scrape_interval: 0s'),
  'scrape-interval-1ms': edit('scrape_interval: 30s', 'scrape_interval: 1ms'),
  'retention-huge': edit('retention: 90d', 'retention: 99999999999y'),
  'cooldown-huge': edit('    runbook: https://runbooks.example/shop/queue', '    runbook: https://runbooks.example/shop/queue\n    cooldown: 99999999999y'),
  // Long names.
  'service-name-300': service(`s${'a'.repeat(299)}`),
  'service-name-5000': service(`s${'a'.repeat(4999)}`),
  'metric-name-10k': edit('name: shop_queue_depth\n', `name: shop_${'q'.repeat(10000)}\n`),
  'alert-name-50k': edit('name: ShopQueueDeep', `name: Shop${'Q'.repeat(50000)}`),
  'label-name-long': edit('labels: { reason: { values: [payment, stock] } }', `labels: { r${'e'.repeat(5000)}: { values: [payment, stock] } }`),
  'label-values-many': edit('values: [payment, stock]', `values: [${Array.from({ length: 5000 }, (_, i) => `v${i}`).join(', ')}]`),
  'team-long': edit('team: web', `team: w${'e'.repeat(20000)}`),
  'summary-200k': summary(`"${'x'.repeat(200000)}"`),
  'description-long-template': edit('    runbook: https://runbooks.example/shop/queue', `    description: "${'{{ $value }} '.repeat(5000)}"\n    runbook: https://runbooks.example/shop/queue`),
  // Template and PromQL text in strings.
  'summary-unclosed-template': summary('"depth {{ $value"'),
  'summary-unknown-function': summary('"{{ nosuch $value }}"'),
  'summary-undefined-variable': summary('"{{ $nosuch }}"'),
  'summary-stray-end': summary('"{{ end }}"'),
  'summary-close-open': summary('"}}{{"'),
  'summary-define': summary('"{{ define \\"x\\" }}x{{ end }}{{ template \\"x\\" }}"'),
  'summary-break-outside-range': summary('"{{ break }}"'),
  'summary-else-with': summary('"{{ with $value }}a{{ else with 1 }}b{{ end }}"'),
  'summary-deep-if': summary(`"${'{{ if true }}'.repeat(3000)}x${'{{ end }}'.repeat(3000)}"`),
  'summary-deep-parens': summary(`"{{ ${'('.repeat(3000)}1${')'.repeat(3000)} }}"`),
  'summary-html': summary('"<script>alert(1)</script> {{ $value }}"'),
  'summary-yaml-specials': summary('": # - [ ] { } & * ! | > \' % @ `"'),
  'label-template': edit('condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 10m }', 'labels: { tier: "t{{ 1 }}" }\n    condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 10m }'),
  'team-template': edit('team: web', 'team: "w{{ 1 }}"'),
  'promql-unclosed-paren': condition('{ kind: promql, expr: "sum(rate(shop_checkouts_total[5m])" }'),
  'promql-unclosed-brace': condition('{ kind: promql, expr: "up{job=\\"a\\"" }'),
  'promql-trailing-op': condition('{ kind: promql, expr: "up +" }'),
  'promql-rate-of-vector': condition('{ kind: promql, expr: "rate(up)" }'),
  'promql-empty-selector': condition('{ kind: promql, expr: "{}" }'),
  'promql-range-vector': condition('{ kind: promql, expr: "up[5m]" }'),
  'promql-string': condition('{ kind: promql, expr: "\\"a\\"" }'),
  'promql-deep-parens': condition(`{ kind: promql, expr: "${'('.repeat(10000)}up${')'.repeat(10000)} > 1" }`),
  'promql-long-sum': condition(`{ kind: promql, expr: "${Array.from({ length: 20000 }, () => 'up').join(' + ')} > 1" }`),
  'promql-injection': condition('{ kind: promql, expr: "up} or vector(1) #" }'),
  'promql-number-overflow': condition('{ kind: promql, expr: "up > 1e400" }'),
  'promql-valid': condition('{ kind: promql, expr: "sum(rate(shop_checkouts_total[5m])) > 1" }'),
  'matcher-quotes': edit('{ metric: shop_checkout_errors }', '{ metric: shop_checkout_errors, matchers: { reason: "pay\\"ment\\\\ \\n x" } }'),
  'metric-name-brace': edit('name: shop_queue_depth\n', 'name: "shop_queue{depth}"\n'),
  // NUL bytes and invalid UTF-8.
  'nul-in-value': bytes(base.replace('Orders waiting', 'Orders\0waiting')),
  'nul-in-key': bytes(base.replace('    description: Orders waiting', '    descr\0iption: Orders waiting')),
  'nul-at-start': bytes('\0', base),
  'invalid-utf8-ff': bytes(base.slice(0, base.indexOf('Orders waiting')), [0xff, 0xfe], base.slice(base.indexOf('Orders waiting'))),
  'invalid-utf8-overlong': bytes(base.replace('Orders waiting', 'Orders_'), [0xc0, 0x80]),
  'invalid-utf8-surrogate': bytes(base.slice(0, base.indexOf('Orders waiting')), [0xed, 0xa0, 0x80], base.slice(base.indexOf('Orders waiting'))),
  'invalid-utf8-truncated': bytes(base, [0xe2, 0x82]),
  'utf8-bom': bytes([0xef, 0xbb, 0xbf], base),
  'utf16-file': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')]),
  'control-chars': base.replace('Orders waiting', 'Orders\u0007\u001b[31mwaiting'),
  // Credentials and schemes in URLs.
  'runbook-userinfo': runbook('https://admin:hunter2@runbooks.example/x'),
  'runbook-token-query': runbook('"https://runbooks.example/x?token=abc123secret"'),
  'runbook-javascript': runbook('"javascript:alert(1)"'),
  'runbook-data': runbook('"data:text/html,<script>alert(1)</script>"'),
  'runbook-file': runbook('file:///etc/passwd'),
  'runbook-newline': runbook('"https://runbooks.example/x\\nInjected: yes"'),
  'grafana-url-password': settings('grafana_url: "https://u:p4ss@grafana.example"'),
  'grafana-url-api-key': settings('grafana_url: "https://grafana.example/?api_key=eyJrIjoiT0tTcG1pUlY2RnVKZTFVaDFsNFZXdE9ZWmNrMkZYbk"'),
  'webhook-token-in-url': notifications('      webhook:\n        - url: "https://hooks.example/x?access_token=secret123"'),
  'webhook-userinfo': notifications('      webhook:\n        - url: "https://user:pw@hooks.example/x"'),
  'alertmanager-target-password': settings('alertmanagers: ["u:p@localhost:9093"]'),
  // Numbers.
  'above-overflow': condition('{ kind: threshold, metric: shop_queue_depth, above: 1e400 }'),
  'above-negative-overflow': condition('{ kind: threshold, metric: shop_queue_depth, below: -1e400 }'),
  'above-nan': condition('{ kind: threshold, metric: shop_queue_depth, above: .nan }'),
  'above-inf': condition('{ kind: threshold, metric: shop_queue_depth, above: .inf }'),
  'above-max-double': condition('{ kind: threshold, metric: shop_queue_depth, above: 1.7976931348623157e308 }'),
  'above-tiny': condition('{ kind: threshold, metric: shop_queue_depth, above: 5e-324 }'),
  'above-big-integer': condition('{ kind: threshold, metric: shop_queue_depth, above: 99999999999999999999999999 }'),
  'above-hex': condition('{ kind: threshold, metric: shop_queue_depth, above: 0x10 }'),
  'above-string': condition('{ kind: threshold, metric: shop_queue_depth, above: "abc" }'),
  'above-bool': condition('{ kind: threshold, metric: shop_queue_depth, above: true }'),
  'objective-100': objective('100'),
  'objective-1000': objective('1000'),
  'objective-negative': objective('-1'),
  'objective-nan': objective('.nan'),
  'objective-tiny-budget': objective('99.99999999999999'),
  'z-score-huge': condition('{ kind: anomaly, metric: shop_queue_depth, window: 1h, z_score: 1e308 }'),
  // Structure.
  'metrics-as-map': edit('metrics:\n', 'metrics: { a: 1 }\nx-old-metrics:\n'),
  'services-null': edit('services:\n  - { name: shop, team: web, targets: ["localhost:9464"] }', 'services: null'),
  'unknown-top-key': `${base}surprise: true\n`,
  'unknown-api-version': edit('apiVersion: vigil.dev/v1', 'apiVersion: vigil.dev/v999'),
  'missing-api-version': edit('apiVersion: vigil.dev/v1\n', ''),
  'duplicate-metric': edit('  - name: shop_queue_depth\n', '  - { name: shop_checkouts, type: counter, description: Again, service: shop }\n  - name: shop_queue_depth\n'),
  'unknown-metric-in-alert': condition('{ kind: threshold, metric: shop_nosuch, above: 1 }'),
  'unknown-service': edit('    service: shop\n  - name: shop_queue_depth', '    service: nosuch\n  - name: shop_queue_depth'),
  'many-alerts': edit('alerts:\n', `alerts:\n${Array.from({ length: 400 }, (_, i) => `  - { name: ShopGen${i}, severity: warning, summary: "s {{ $value }}", runbook: "https://r.example/${i}", condition: { kind: threshold, metric: shop_queue_depth, above: ${i} } }\n`).join('')}`),
  'many-metrics': edit('metrics:\n', `metrics:\n${Array.from({ length: 2000 }, (_, i) => `  - { name: shop_gen_${i}, type: gauge, description: G, service: shop }\n`).join('')}`),
  // Paths.
  'service-dotdot': service('"../../etc"'),
  'service-slash': service('"a/b"'),
  'service-dot': service('"."'),
  'service-device-name': service('con'),
  'service-unicode': service('"shöp"'),
  'alert-name-path': edit('name: ShopQueueDeep', 'name: "../../x"'),
};

/** Cases that are folders: several definitions files. */
const folders = {
  'two-files-duplicate-service': { 'a.yaml': base, 'b.yaml': base },
  'file-with-garbage-beside-valid': { 'a.yaml': base, 'b.yaml': '{{{{' },
  'non-yaml-extension-ignored': { 'app.yaml': base, 'notes.txt': '\0\0\0' },
  'settings-twice': { 'app.yaml': base, 'b.yaml': 'apiVersion: vigil.dev/v1\nsettings: { scrape_interval: 15s, evaluation_interval: 15s, retention: 1d }\n' },
};

const out = process.argv[2];
if (out === undefined) throw new Error('usage: make-corpus.mjs <output dir>');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
let n = 0;
const number = () => String(n++).padStart(3, '0');
for (const [name, content] of Object.entries(cases)) await writeFile(join(out, `${number()}-${name}.yaml`), content);
for (const [name, files] of Object.entries(folders)) {
  const dir = join(out, `${number()}-${name}`);
  await mkdir(dir);
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
}
console.log(`make-corpus: wrote ${n} cases to ${out}`);
