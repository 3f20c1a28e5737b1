import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';
import { emitGrafanaDashboards } from '../targets/grafana/grafana-dashboards.js';
import { panelIds } from './build-routing.js';
import type { Dashboard } from './dashboards.js';

const base = `apiVersion: vigil.dev/v1
settings: { grafana_url: "https://grafana.example/" }
services:
  - { name: app, team: web }
metrics:
  - { name: app_queue_depth, type: gauge, description: Items waiting, service: app }
alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    cooldown: 2h
    condition: { kind: threshold, metric: app_queue_depth, above: 100 }
`;

function load(notifications: string) {
  return loadModel([{ path: 'defs.yaml', text: `${base}notifications:\n${notifications}` }]);
}

function issuesOf(notifications: string): string[] {
  const result = load(notifications);
  return result.ok ? [] : result.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
}

describe('buildNotifications', () => {
  it('rejects an inline secret at its line, saying what to write instead', () => {
    const issues = issuesOf(`  default_receiver: chat
  receivers:
    - name: chat
      slack:
        - api_url: https://hooks.slack.com/services/T000/B000/XXXX
          channel: "#web"
`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^18:20 notifications\.receivers\.0\.slack\.0\.api_url: inline secrets are not allowed/);
    expect(issues[0]).toContain('{ file: /path/to/secret }');
  });

  it('rejects a webhook URL that carries a password', () => {
    const issues = issuesOf(`  default_receiver: hook
  receivers:
    - name: hook
      webhook: [{ url: "https://user:secret@hooks.example/x" }]
`);
    expect(issues).toEqual([expect.stringMatching(/^17:\d+ .*a password in the URL: .*pass secrets by file or environment/)]);
  });

  it('rejects a webhook URL that carries a token in its query', () => {
    const issues = issuesOf(`  default_receiver: hook
  receivers:
    - name: hook
      webhook: [{ url: "https://hooks.example/x?token=abc" }]
`);
    expect(issues).toEqual([expect.stringMatching(/^17:\d+ .*query parameter `token`/)]);
  });

  it('reports unknown receivers, teams and alert names at the route that names them', () => {
    const issues = issuesOf(`  default_receiver: nobody
  receivers:
    - name: hook
      webhook: [{ url: "http://127.0.0.1:9099/" }]
  routes:
    - { team: mobile, receiver: hook }
    - { alertname: QueueDep, receiver: pager }
`);
    expect(issues).toEqual([
      expect.stringMatching(/^14:21 unknown receiver nobody: expected one of hook$/),
      expect.stringMatching(/^19:15 unknown team mobile: expected one of web$/),
      expect.stringMatching(/^20:20 unknown alertname QueueDep: expected one of .*QueueDeep/),
      expect.stringMatching(/^20:40 unknown receiver pager: expected one of hook$/),
    ]);
  });

  it('maps secrets to files (env secrets under secrets_dir) and links alerts to their dashboard', () => {
    const result = load(`  default_receiver: pager
  receivers:
    - name: pager
      pagerduty: [{ routing_key: { env: PD_KEY } }]
      email:
        - { to: a@x.example, from: b@x.example, smarthost: "smtp.x.example:587", auth_username: b, auth_password: { file: /run/smtp } }
  routes:
    - { team: web, severity: [warning, critical], receiver: pager, escalation_receiver: pager }
`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const notifications = result.value.notifications;
    expect(notifications?.receivers[0]?.integrations).toEqual([
      { kind: 'email', to: 'a@x.example', from: 'b@x.example', smarthost: 'smtp.x.example:587', authUsername: 'b', authPassword: { kind: 'file', path: '/run/smtp' }, requireTls: true, sendResolved: true },
      { kind: 'pagerduty', routingKey: { kind: 'env', name: 'PD_KEY' }, sendResolved: true },
    ]);
    expect(notifications?.routes[0]?.matchers).toEqual([
      { label: 'severity', op: '=~', value: 'critical|warning' },
      { label: 'team', op: '=', value: 'web' },
    ]);
  });

  it('links an alert to the Grafana panel that draws its threshold, with the id the Grafana emitter gives it', () => {
    const result = loadModel([
      {
        path: 'defs.yaml',
        text: `${base}  - name: QueueStuck
    severity: info
    summary: stuck
    condition: { kind: absence, metric: app_queue_depth }
dashboards:
  - uid: app-overview
    title: App
    rows:
      - title: Traffic
        panels: [{ promql: "up", title: Up }]
      - title: Queue
        panels:
          - { metric: app_queue_depth, title: Queue depth }
`,
      },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.alerts.map((alert) => alert.dashboard)).toEqual([
      'https://grafana.example/d/app-overview?viewPanel=4',
      'https://grafana.example/d/app-overview?viewPanel=4',
    ]);
    const board = result.value.dashboards[0] as Dashboard;
    const json = JSON.parse(emitGrafanaDashboards(result.value).find((o) => o.path.endsWith('app-overview.json'))?.content as string) as {
      panels: { id: number; title: string }[];
    };
    expect(json.panels.find((panel) => panel.id === 4)?.title).toBe('Queue depth');
    expect([...panelIds(board).values()]).toEqual([2, 4]);
  });

  it('is absent when no file declares notifications, and declared twice is an error', () => {
    const none = loadModel([{ path: 'defs.yaml', text: base }]);
    expect(none.ok && none.value.notifications).toBe(undefined);
    const section = `notifications:\n  default_receiver: hook\n  receivers: [{ name: hook, webhook: [{ url: "http://127.0.0.1:1/" }] }]\n`;
    const twice = loadModel([
      { path: 'a.yaml', text: `${base}${section}` },
      { path: 'b.yaml', text: `apiVersion: vigil.dev/v1\n${section}` },
    ]);
    expect(twice.ok ? [] : twice.issues.map((i) => `${i.file}:${i.line} ${i.message}`)).toEqual([
      'b.yaml:2 notifications are already declared in a.yaml; declare them once',
    ]);
  });
});
