import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, type Autopilot } from '@vigil/compiler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHOP_DEFINITIONS } from '../../../../test/support/fake-prometheus.js';
import { freePort } from '../../../../test/support/servers.js';
import type { AutopilotState } from '../core/cycle.js';
import { TriageForge, type IssueLedger, type OpenedIssue } from './forge.js';
import { AutopilotRunner, type AutopilotNotice } from './runner.js';

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

/** A GitHub-compatible issues API on loopback: lists `existing`, creates with number 41, 42, ... */
async function fakeForge(options: { existing?: unknown[]; failPost?: number } = {}): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let next = 41;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: text ? (JSON.parse(text) as unknown) : undefined });
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (!req.url?.startsWith('/api/v1/repos/acme/shop/issues')) return json(404, { message: 'Not Found' });
      if (req.method === 'GET') return json(200, options.existing ?? []);
      if (options.failPost) return json(options.failPost, { message: 'Bad credentials' });
      const number = next++;
      return json(201, { number, html_url: `https://forge.example/acme/shop/issues/${number}`, title: (JSON.parse(text) as { title: string }).title });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/api/v1`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const suggestion = { category: 'canary-rollbacks', parameter: 'discount', occurrences: 3, currentBounds: { min: 0.05, max: 0.2 }, suggestedBounds: { min: 0.06, max: 0.16 }, rationale: 'r', confidence: 0.5 };
const report = (patchSuggestions: unknown[] = [suggestion]) => ({
  reportId: 'triage-2026-11-01',
  markdown: '# Autopilot triage triage-2026-11-01\n',
  json: JSON.stringify({ reportId: 'triage-2026-11-01', patchSuggestions }),
});

function memoryLedger(): IssueLedger & { issues: Map<string, OpenedIssue> } {
  const issues = new Map<string, OpenedIssue>();
  return { issues, get: (id) => issues.get(id), put: (issue) => void issues.set(issue.reportId, issue) };
}

let dir: string;
let tokenFile: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-forge-'));
  tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 's3cret\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TriageForge', () => {
  it('opens one issue for a report with patch suggestions, with the token, title, Markdown body and labels', async () => {
    const forge = await fakeForge();
    try {
      const ledger = memoryLedger();
      const publisher = new TriageForge({ url: `${forge.url}/`, repository: 'acme/shop', tokenFile }, ledger, 'shop');
      const outcome = await publisher.publish(report());
      expect(outcome).toEqual({ status: 'opened', reportId: 'triage-2026-11-01', number: 41, url: 'https://forge.example/acme/shop/issues/41' });
      const post = forge.received.find((r) => r.method === 'POST');
      expect(post).toMatchObject({
        url: '/api/v1/repos/acme/shop/issues',
        authorization: 'Bearer s3cret',
        body: { title: 'Autopilot triage [triage-2026-11-01]: 1 bounds patch suggestion for shop', body: report().markdown, labels: ['autopilot', 'triage'] },
      });
      // The same report again: the ledger answers, nothing is sent.
      const sent = forge.received.length;
      expect(await publisher.publish(report())).toMatchObject({ status: 'already-opened', number: 41 });
      expect(forge.received).toHaveLength(sent);
    } finally {
      await forge.close();
    }
  });

  it('does not open a second issue when the forge already has one for the report (lost ledger)', async () => {
    const forge = await fakeForge({ existing: [{ number: 7, html_url: 'https://forge.example/acme/shop/issues/7', title: 'Autopilot triage [triage-2026-11-01]: 2 bounds patch suggestions for shop' }] });
    try {
      const ledger = memoryLedger();
      const outcome = await new TriageForge({ url: forge.url, repository: 'acme/shop', tokenFile }, ledger, 'shop').publish(report());
      expect(outcome).toMatchObject({ status: 'already-opened', number: 7 });
      expect(forge.received.map((r) => r.method)).toEqual(['GET']);
      expect(forge.received[0]?.url).toContain('state=all');
      expect(ledger.issues.get('triage-2026-11-01')?.number).toBe(7);
    } finally {
      await forge.close();
    }
  });

  it('sends nothing for a report without patch suggestions', async () => {
    const forge = await fakeForge();
    try {
      const outcome = await new TriageForge({ url: forge.url, repository: 'acme/shop', tokenFile }, memoryLedger(), 'shop').publish(report([]));
      expect(outcome).toEqual({ status: 'no-suggestions', reportId: 'triage-2026-11-01' });
      expect(forge.received).toEqual([]);
    } finally {
      await forge.close();
    }
  });

  it('returns failures as data: HTTP errors, an unreachable forge, a missing token file', async () => {
    const forge = await fakeForge({ failPost: 401 });
    try {
      const ledger = memoryLedger();
      expect(await new TriageForge({ url: forge.url, repository: 'acme/shop', tokenFile }, ledger, 'shop').publish(report())).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 401') });
      expect(ledger.issues.size).toBe(0);
      const down = `http://127.0.0.1:${await freePort()}`;
      expect(await new TriageForge({ url: down, repository: 'acme/shop', tokenFile }, ledger, 'shop').publish(report())).toMatchObject({ status: 'failed' });
      expect(await new TriageForge({ url: forge.url, repository: 'acme/shop', tokenFile: join(dir, 'missing') }, ledger, 'shop').publish(report())).toMatchObject({ status: 'failed', error: expect.stringContaining('ENOENT') });
    } finally {
      await forge.close();
    }
  });
});

describe('AutopilotRunner with a forge', () => {
  // Sunday 2026-11-01 02:00:30 UTC: the weekly triage slot.
  const sunday = Date.parse('2026-11-01T02:00:30Z');

  async function runner(forgeUrl: string, notices: AutopilotNotice[], clock: () => number): Promise<AutopilotRunner> {
    const text = SHOP_DEFINITIONS.replace('state_file: state.db', `state_file: state.db\n  prometheus_url: http://127.0.0.1:1\n  triage: { forge: { url: "${forgeUrl}", repository: acme/shop, token_file: token } }`);
    const model = loadModel([{ path: 'defs.yaml', text }]);
    if (!model.ok) throw new Error(JSON.stringify(model.issues));
    await writeFile(join(dir, 'card.yaml'), 'pricing:\n  discount: 0.1\n');
    const pilot = new AutopilotRunner({ autopilot: model.value.autopilots[0] as Autopilot, root: dir, now: clock, notify: (n) => void notices.push(n) });
    // Three canary rollbacks of `discount` this week: the triage suggests narrowing its bounds.
    const state = await pilot.state();
    const failures = [1, 2, 3].map((day) => ({ at: sunday - day * 86_400_000, category: 'canary-rollbacks' as const, cycleId: `cycle-${day}`, parameters: ['discount'], detail: 'rolled back' }));
    pilot.db.setState('autopilot', { ...state, failures } satisfies AutopilotState, new Date(sunday).toISOString());
    return pilot;
  }

  it('opens an issue for the weekly report once, and records it with the report', async () => {
    const forge = await fakeForge();
    try {
      const notices: AutopilotNotice[] = [];
      let clock = sunday;
      const pilot = await runner(forge.url, notices, () => clock);
      await pilot.tick();
      expect(notices.find((n) => n.name === 'triage-issue-opened')).toMatchObject({ attributes: { reportId: 'triage-2026-11-01', issue: 41 } });
      expect(pilot.db.latestTriage()).toMatchObject({ reportId: 'triage-2026-11-01', githubIssues: [{ number: 41 }] });
      // A drift triage later the same day has the same report id: no second issue.
      await pilot.dispatch({ type: 'tick', now: (clock += 3_600_000) });
      const state = await pilot.state();
      pilot.db.setState('autopilot', { ...state, lastTriageSlot: undefined }, new Date(clock).toISOString());
      await pilot.tick();
      expect(forge.received.filter((r) => r.method === 'POST')).toHaveLength(1);
      pilot.db.close();
    } finally {
      await forge.close();
    }
  });

  it('turns a failing forge into a notice, never a failed action', async () => {
    const notices: AutopilotNotice[] = [];
    const pilot = await runner(`http://127.0.0.1:${await freePort()}`, notices, () => sunday);
    await pilot.tick();
    expect(notices.map((n) => n.name)).toContain('triage-issue-failed');
    expect(notices.map((n) => n.name)).not.toContain('action-failed');
    expect(pilot.db.latestTriage()?.reportId).toBe('triage-2026-11-01');
    pilot.db.close();
  });
});
