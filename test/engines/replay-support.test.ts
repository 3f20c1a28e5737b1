// The replay helper the engine tests stand on: Debian's vmalert exits 0 after dropping what it
// could not remote-write, which once let a differential batch read as "the alert never fired".
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { freePort } from '../support/servers.js';
import { replayRules } from './support/engines.js';

const skip = missingBinaries('vmalert');

describe.skipIf(skip !== undefined)('replayRules (vmalert replay)', () => {
  let dir: string;
  let datasource: Server;
  let datasourceUrl: string;
  const to = Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000;
  const from = to - 600_000;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-replay-support-'));
    await writeFile(join(dir, 'rules.yml'), 'groups:\n  - name: g\n    rules:\n      - record: x:sum\n        expr: vector(1)\n');
    // A datasource answering every range query with two points.
    datasource = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[from / 1000, '1'], [to / 1000, '1']] }] } }));
    });
    await new Promise<void>((resolve) => datasource.listen(0, '127.0.0.1', () => resolve()));
    const address = datasource.address();
    datasourceUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => datasource?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('rejects a replay whose remote writes were dropped, though vmalert exits 0', async () => {
    // Nothing listens on this port: every remote write fails.
    const remoteWriteUrl = `http://127.0.0.1:${await freePort()}`;
    const replay = replayRules({ ruleFiles: [join(dir, 'rules.yml')], datasourceUrl, remoteWriteUrl, fromMs: from, toMs: to, evaluationSeconds: 60, rulesDelayMs: 0 }, 2);
    await expect(replay).rejects.toThrow(/dropped remote writes in 2 attempts:[\s\S]*dropping 1 time series/);
  }, 120_000);

  it('resolves a replay whose remote writes arrived', async () => {
    let received = 0;
    const sink = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
    try {
      const address = sink.address();
      const remoteWriteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      await replayRules({ ruleFiles: [join(dir, 'rules.yml')], datasourceUrl, remoteWriteUrl, fromMs: from, toMs: to, evaluationSeconds: 60, rulesDelayMs: 0 }, 1);
      expect(received).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => sink.close(resolve));
    }
  }, 120_000);
});
