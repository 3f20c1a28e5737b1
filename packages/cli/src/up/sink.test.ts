import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeLoopbackPorts } from './ports.js';
import { escapeHtml, renderNotificationsPage, type Sink, type SinkOptions, startSink, toNotification } from './sink.js';

const payload = {
  version: '4',
  status: 'firing',
  receiver: 'shop-chat',
  groupKey: '{}:{alertname="X"}',
  groupLabels: { alertname: 'X' },
  commonLabels: { alertname: 'X', team: 'shop' },
  commonAnnotations: { summary: 's' },
  externalURL: 'http://am',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'X', team: 'shop', evil: '"><img src=x onerror=alert(1)>' },
      annotations: { runbook_url: 'https://runbooks.example/x', dashboard: 'javascript:alert(1)', summary: 's' },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph?g0.expr=x',
      fingerprint: 'abc',
    },
  ],
};

async function freePort(): Promise<number> {
  const [port] = await freeLoopbackPorts(1);
  return port as number;
}

async function started(options: SinkOptions): Promise<Sink> {
  const start = await startSink(options);
  if (!start.ok) throw new Error(`port ${start.portInUse} in use`);
  return start.sink;
}

describe('toNotification', () => {
  it('keeps receiver, status, group, labels, annotations, times and http(s) links only', () => {
    const n = toNotification(payload, 'shop-chat', new Date('2026-01-01T00:00:05Z'));
    if (typeof n === 'string') throw new Error(n);
    expect(n).toMatchObject({ receiver: 'shop-chat', status: 'firing', groupLabels: { alertname: 'X' }, commonLabels: { team: 'shop' }, receivedAt: '2026-01-01T00:00:05.000Z' });
    expect(n.alerts[0]).toMatchObject({ startsAt: '2026-01-01T00:00:00Z', generatorURL: 'http://prom/graph?g0.expr=x', fingerprint: 'abc' });
    expect(n.links).toEqual([
      { name: 'runbook_url', url: 'https://runbooks.example/x' },
      { name: 'source', url: 'http://prom/graph?g0.expr=x' },
    ]);
  });

  it('rejects what is not a webhook payload', () => {
    expect(toNotification({ nope: 1 }, 'r', new Date())).toMatch(/expected an Alertmanager webhook payload/);
    expect(toNotification(null, 'r', new Date())).toMatch(/expected/);
  });
});

describe('renderNotificationsPage', () => {
  it('escapes every label and annotation', () => {
    const n = toNotification(payload, '<r>', new Date());
    if (typeof n === 'string') throw new Error(n);
    const page = renderNotificationsPage([n]);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<r>');
    expect(page).not.toContain('href="javascript');
    expect(page).toContain(escapeHtml('"><img src=x onerror=alert(1)>'));
    expect(escapeHtml(`<a href="x" '\`&>`)).toBe('&#60;a href=&#34;x&#34; &#39;&#96;&#38;&#62;');
  });
});

describe('startSink', () => {
  it('records posted notifications in memory, in the JSON endpoint and in the JSONL file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-sink-'));
    const sink = await started({ port: await freePort(), logFile: join(dir, 'notifications.jsonl') });
    try {
      const post = (path: string, body: string) => fetch(`${sink.url}${path}`, { method: 'POST', body });
      expect((await post('/hook/shop%20chat', JSON.stringify(payload))).status).toBe(200);
      expect((await post('/hook/x', 'not json')).status).toBe(400);
      expect((await post('/elsewhere', '{}')).status).toBe(405);
      const api = (await (await fetch(`${sink.url}/api/notifications`)).json()) as { notifications: { receiver: string }[] };
      expect(api.notifications.map((n) => n.receiver)).toEqual(['shop chat']);
      const lines = (await readFile(join(dir, 'notifications.jsonl'), 'utf8')).trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { receiver: string }).receiver)).toEqual(['shop chat']);
      const page = await fetch(sink.url);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('shop chat');
    } finally {
      await sink.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Regression: the listen error was a rejection nobody mapped, and `vigil up --demo` died with
  // Node's raw `Error: listen EADDRINUSE` instead of retrying on other ports.
  it('reports a port in use as a value, and stays startable on another', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-sink-'));
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      expect(await startSink({ port, logFile: join(dir, 'notifications.jsonl') })).toEqual({ ok: false, portInUse: port });
      const sink = await started({ port: await freePort(), logFile: join(dir, 'notifications.jsonl') });
      expect((await fetch(`${sink.url}/-/ready`)).ok).toBe(true);
      await sink.close();
    } finally {
      await new Promise((resolve) => holder.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
