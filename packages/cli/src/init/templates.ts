import { assertNever } from '@vigil/conventions';

/** Where `vigil init` puts the CI step. */
export type CiKind = 'github' | 'gitlab' | 'script';

/** The CI kinds, in the order `--help` lists them. */
export const CI_KINDS: readonly CiKind[] = ['github', 'gitlab', 'script'];

/** The names every template derives from the service name. */
export interface InitNames {
  /** The service, as in the definitions (`my-shop`). */
  service: string;
  /** Its metric prefix (`my_shop`). */
  prefix: string;
  /** Its alert prefix (`MyShop`). */
  pascal: string;
}

/** Derives the template names; the service name is checked by the caller. */
export function initNames(service: string): InitNames {
  return {
    service,
    prefix: service.replaceAll('-', '_'),
    pascal: service.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
  };
}

const HEADER = '# yaml-language-server: $schema=../schema/vigil.schema.json\n';

/** The webhook receiver the routing points at: a local one until a real channel replaces it. */
export const WEBHOOK_BASE = 'http://127.0.0.1:9099';

/** `definitions/settings.yaml`. */
export function settingsYaml(): string {
  return `${HEADER}# Written by \`vigil init\`. Format: docs/definitions.md of the Vigil repository.
apiVersion: vigil.dev/v1

settings:
  scrape_interval: 30s
  evaluation_interval: 30s
  retention: 30d
  alertmanagers: ["localhost:9093"]
  outputs: [alertmanager, grafana, html]
`;
}

/**
 * \`definitions/<service>.yaml\`: the service, one catalog metric of each instrument type, an
 * alert on a ratio and one on a threshold, an SLO and a dashboard.
 */
export function serviceYaml(names: InitNames): string {
  const { service, prefix, pascal } = names;
  return `${HEADER}apiVersion: vigil.dev/v1

services:
  - name: ${service}
    team: ${service}
    # Where Prometheus scrapes the service's /metrics (services/${service} listens here).
    targets: ["localhost:9464"]

# The catalog: one metric of each instrument type. \`vigil codegen\` turns it into typed handles.
metrics:
  - name: ${prefix}_orders
    type: counter
    description: Orders handled, by outcome
    service: ${service}
    labels:
      outcome: { values: [ok, failed] }
  - name: ${prefix}_inflight_requests
    type: updowncounter
    description: Requests being handled now
    service: ${service}
  - name: ${prefix}_queue_depth
    type: gauge
    description: Orders waiting to be handled
    service: ${service}
  - name: ${prefix}_order_duration_seconds
    type: histogram
    unit: s
    description: Time to handle an order
    service: ${service}
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5]

alerts:
  - name: ${pascal}OrderFailures
    severity: critical
    summary: "{{ $value | humanizePercentage }} of orders fail"
    runbook: https://runbooks.example/${service}/order-failures
    condition:
      kind: ratio
      numerator: { metric: ${prefix}_orders, matchers: { outcome: failed } }
      denominator: { metric: ${prefix}_orders }
      above: 0.05
      for: 5m
  - name: ${pascal}QueueDeep
    severity: warning
    summary: "{{ $value }} orders waiting"
    runbook: https://runbooks.example/${service}/queue-deep
    condition: { kind: threshold, metric: ${prefix}_queue_depth, above: 100, for: 10m }

slos:
  - name: orders
    service: ${service}
    objective: 99
    description: Orders that succeed
    sli:
      events:
        bad: { metric: ${prefix}_orders, matchers: { outcome: failed } }
        total: { metric: ${prefix}_orders }

dashboards:
  - uid: ${service}-overview
    title: ${service} overview
    rows:
      - title: Orders
        panels:
          - { metric: ${prefix}_orders, by: [outcome] }
          - { metric: ${prefix}_order_duration_seconds, quantiles: [0.5, 0.99] }
          - { metric: ${prefix}_inflight_requests }
          - { metric: ${prefix}_queue_depth }
      - slo: orders
`;
}

/** \`definitions/routing.yaml\`: every alert reaches a local webhook receiver. */
export function routingYaml(names: InitNames): string {
  return `${HEADER}# Replace the webhook with your channels (slack, email, pagerduty; secrets by file or env).
apiVersion: vigil.dev/v1

notifications:
  default_receiver: unrouted
  receivers:
    - name: unrouted
      webhook: [{ url: "${WEBHOOK_BASE}/unrouted" }]
    - name: deadman-switch
      webhook: [{ url: "${WEBHOOK_BASE}/watchdog", send_resolved: false }]
    - name: ${names.service}-webhook
      webhook: [{ url: "${WEBHOOK_BASE}/alerts" }]
  routes:
    # The always-firing watchdog: silence at the receiver means the alerting pipeline is down.
    - { alertname: VigilWatchdog, receiver: deadman-switch, repeat_interval: 1m }
    - { team: ${names.service}, receiver: ${names.service}-webhook }
`;
}

/** The path and content of the CI step. */
export function ciFile(kind: CiKind): { path: string; content: string; executable?: boolean } {
  const install = 'apt-get update && apt-get install -y prometheus prometheus-alertmanager';
  switch (kind) {
    case 'github':
      return {
        path: '.github/workflows/vigil.yml',
        content: `# Written by \`vigil init\`: the committed outputs must match the definitions, and pass promtool.
name: vigil
on: [push, pull_request]
jobs:
  vigil:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 22 }
      - run: sudo sh -c '${install}'
      - run: npm ci
      - run: npx vigil check
      - run: npx vigil validate
`,
      };
    case 'gitlab':
      return {
        path: '.gitlab/ci/vigil.yml',
        content: `# Written by \`vigil init\`; include it from .gitlab-ci.yml:
#   include: [{ local: .gitlab/ci/vigil.yml }]
vigil:
  image: node:22
  script:
    - ${install}
    - npm ci
    - npx vigil check
    - npx vigil validate
`,
      };
    case 'script':
      return {
        path: 'scripts/vigil-ci.sh',
        executable: true,
        content: `#!/bin/sh
# Written by \`vigil init\`: run in CI after \`npm ci\` (needs promtool and amtool on PATH).
set -eu
npx vigil check
npx vigil validate
`,
      };
    default:
      return assertNever(kind);
  }
}

/** The service skeleton's package.json. */
export function servicePackageJson(names: InitNames, versions: { vigil: string }): string {
  return `${JSON.stringify(
    {
      name: names.service,
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: { build: 'tsc -p .', start: 'node dist/service.js' },
      dependencies: { '@vigil/instrumentation': `^${versions.vigil}` },
      devDependencies: { '@types/node': '^22.0.0', typescript: '^5.0.0' },
    },
    null,
    2,
  )}\n`;
}

/** The service skeleton's tsconfig.json. */
export function serviceTsconfig(): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2023',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        outDir: 'dist',
        rootDir: 'src',
        types: ['node'],
      },
      include: ['src'],
    },
    null,
    2,
  )}\n`;
}

/** Handle names of the four catalog metrics, as `vigil codegen` names them. */
export interface SkeletonHandles {
  catalog: string;
  catalogModule: string;
  orders: string;
  inflight: string;
  queueDepth: string;
  duration: string;
}

/** \`services/<service>/src/service.ts\`: an HTTP service recording on the typed handles. */
export function serviceTs(names: InitNames, h: SkeletonHandles): string {
  return `// Written by \`vigil init\`: a service recording its catalog metrics on the typed handles of
// ./${h.catalogModule}.ts (regenerate it with \`vigil codegen --service ${names.service} --out ...\`
// after changing the definitions). POST /orders does the work; GET /metrics is for Prometheus.
import { createServer } from 'node:http';
import { startTelemetry } from '@vigil/instrumentation';
import { ${h.catalog} } from './${h.catalogModule}.js';

const port = Number(process.env.PORT ?? 9464);
const host = process.env.HOST ?? '127.0.0.1';

// listen: false: /metrics is served by the service's own server below.
const telemetry = await startTelemetry({
  service: { name: '${names.service}', version: '0.1.0' },
  catalog: ${h.catalog},
  prometheus: { listen: false },
});
const { metrics } = telemetry;
const queue: number[] = [];

/** One order: replace the body with the service's work. */
async function handleOrder(): Promise<boolean> {
  metrics.${h.inflight}.add(1);
  const started = performance.now();
  try {
    queue.push(Date.now());
    metrics.${h.queueDepth}.record(queue.length);
    await new Promise((resolve) => setTimeout(resolve, 5));
    queue.shift();
    metrics.${h.queueDepth}.record(queue.length);
    metrics.${h.orders}.add(1, { outcome: 'ok' });
    return true;
  } catch {
    metrics.${h.orders}.add(1, { outcome: 'failed' });
    return false;
  } finally {
    metrics.${h.duration}.record((performance.now() - started) / 1000);
    metrics.${h.inflight}.add(-1);
  }
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/metrics') {
    telemetry.prometheus?.handler(req, res);
  } else if (path === '/orders' && req.method === 'POST') {
    void handleOrder().then((ok) => res.writeHead(ok ? 201 : 500).end());
  } else {
    res.writeHead(404).end();
  }
});
metrics.${h.queueDepth}.record(0);
server.listen(port, host, () => {
  process.stdout.write(\`${names.service}: listening on http://\${host}:\${port} (/orders, /metrics)\\n\`);
});
`;
}

/** Lines `vigil init` makes sure \`.gitignore\` has: temporary files and deployment state. */
export const GITIGNORE_LINES: readonly string[] = ['*.vigil-tmp-*', '.vigil-staging/', '.vigil-staging.lock*', '.vigil-data/', '.vigil-history/', 'node_modules/', 'dist/', '.vigil/'];
