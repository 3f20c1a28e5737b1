// `vigil up`'s launch when a chosen port is taken, with stand-ins for Prometheus and Alertmanager
// (VIGIL_PROMETHEUS, VIGIL_ALERTMANAGER): tiny servers that answer what `vigil up` asks and, like
// the real ones, exit logging "bind: address already in use" when their port is taken. The
// real binaries meet the same cases in test/stack/up.test.ts.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Generation } from '@vigil/compiler/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processesNaming } from '../../../../test/support/processes.js';
import { exitDecision } from '../exit-codes.js';
import { freeLoopbackPorts } from './ports.js';
import type { StackFile } from './stack-file.js';
import { runUp, type UpContext } from './up.js';

const FAKE_SERVER = `#!/usr/bin/env node
import { createServer } from 'node:http';
const flag = (name) => process.argv.find((a) => a.startsWith('--' + name + '='))?.slice(name.length + 3);
const [host, port] = flag('web.listen-address').split(':');
const config = flag('config.file');
const started = new Date().toISOString();
const server = createServer((req, res) => {
  const json = (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (req.url === '/-/ready') return res.writeHead(200).end('ready');
  if (req.url === '/api/v1/status/flags') return json({ status: 'success', data: { 'config.file': config } });
  if (req.url === '/api/v2/status') return json({ uptime: started });
  res.writeHead(404).end();
});
server.once('error', (error) => {
  console.error('level=error msg="Listen error" err="listen tcp ' + host + ':' + port + ': bind: ' + (error.code === 'EADDRINUSE' ? 'address already in use' : error.message) + '"');
  // Not at once: another server on the port has time to answer vigil up's probes as if it were this one.
  setTimeout(() => process.exit(1), 700);
});
server.listen(Number(port), host);
process.on('SIGTERM', () => process.exit(0));
`;

// What `vigil up` reads of a generation: the two configs it rewrites for loopback, and the model's
// services and autopilots (none here).
const GENERATION = {
  outputs: [
    { path: 'prometheus/prometheus.yml', content: 'global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: [localhost:9090]\n' },
    { path: 'alertmanager/alertmanager.yml', content: 'route:\n  receiver: team\nreceivers:\n  - name: team\n' },
  ],
  model: { services: [], autopilots: [] },
} as unknown as Generation;

/** A port held open, so that `vigil up` finds it taken. */
interface Held {
  port: number;
  close(): Promise<void>;
}

/**
 * Holds `port`: silent (probes time out), or as another, older Prometheus and Alertmanager would
 * answer (ready, with their own config file and start time), which must not pass for ours.
 */
async function occupy(port: number, as: 'silent' | 'another stack' = 'silent'): Promise<Held> {
  const sockets = new Set<Socket>();
  const server =
    as === 'silent'
      ? createServer()
      : createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { 'config.file': '/elsewhere/prometheus.yml' }, uptime: '2000-01-01T00:00:00.000Z' })));
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Readiness probes that `vigil up` gave up on may still be connected.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const close = (held: Held) => held.close();

describe('vigil up on taken ports', () => {
  let root: string;
  let held: Held[];
  let output: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-up-ports-'));
    await writeFile(join(root, 'fake-server.mjs'), FAKE_SERVER);
    await chmod(join(root, 'fake-server.mjs'), 0o755);
    held = [];
    output = '';
  });

  afterEach(async () => {
    await Promise.all(held.map(close));
    for (const line of processesNaming(root)) process.kill(Number(line.split(':')[0]), 'SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  function context(freePorts?: UpContext['freePorts']): UpContext {
    const fake = join(root, 'fake-server.mjs');
    return {
      io: { out: (text) => (output += text), err: (text) => (output += text) },
      env: { ...process.env, VIGIL_PROMETHEUS: fake, VIGIL_ALERTMANAGER: fake },
      generate: () => Promise.resolve(GENERATION),
      self: [],
      globalArgs: [],
      ...(freePorts ? { freePorts } : {}),
    };
  }

  const options = (portBase?: number) => ({ root, definitionsDir: join(root, 'definitions'), dir: join(root, '.vigil'), detach: false, demo: false, ...(portBase !== undefined ? { portBase } : {}) });

  /** Waits for stack.json to say ready, then stops the foreground `vigil up` as Ctrl-C would. */
  async function readyThenInterrupt(): Promise<StackFile> {
    const file = join(root, '.vigil/stack.json');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const stack = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackFile) : undefined;
      if (stack?.state === 'ready') {
        process.emit('SIGINT', 'SIGINT');
        return stack;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`vigil up not ready:\n${output}`);
  }

  it('chooses new ports when the sink port it chose is taken before it binds it', async () => {
    const [prometheus, alertmanager, sink] = (await freeLoopbackPorts(3)) as [number, number, number];
    held.push(await occupy(sink));
    const chosen: number[][] = [];
    const freePorts = async (count: number) => {
      const ports = chosen.length === 0 ? [prometheus, alertmanager, sink] : await freeLoopbackPorts(count);
      chosen.push(ports);
      return ports;
    };
    const [stack] = await Promise.all([readyThenInterrupt(), runUp(options(), context(freePorts))]);
    expect(chosen).toHaveLength(2);
    expect(output).toContain(`the notification sink cannot listen on 127.0.0.1:${sink}: address already in use`);
    expect(output).toContain('trying new ports');
    // The second choice is what runs, and the configs were written again for it.
    const second = chosen[1] as [number, number, number];
    expect(stack.urls).toMatchObject({ prometheus: `http://127.0.0.1:${second[0]}`, alertmanager: `http://127.0.0.1:${second[1]}`, sink: `http://127.0.0.1:${second[2]}` });
    expect(readFileSync(join(root, '.vigil/config/alertmanager.yml'), 'utf8')).toContain(`http://127.0.0.1:${second[2]}/hook/team`);
    expect(readFileSync(join(root, '.vigil/config/prometheus.yml'), 'utf8')).toContain(`127.0.0.1:${second[1]}`);
    // The first attempt started no process (the sink binds first), and Ctrl-C stopped the second.
    expect(stack.processes.map((p) => p.role).sort()).toEqual(['alertmanager', 'prometheus', 'vigil']);
    expect(output).toContain('no process left');
    expect(processesNaming(root)).toEqual([]);
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
  });

  it('chooses new ports when Prometheus finds its port taken by another that answers, stopping the Alertmanager it started', async () => {
    const [prometheus, alertmanager, sink] = (await freeLoopbackPorts(3)) as [number, number, number];
    held.push(await occupy(prometheus, 'another stack'));
    let calls = 0;
    const freePorts = async (count: number) => (calls++ === 0 ? [prometheus, alertmanager, sink] : freeLoopbackPorts(count));
    const [stack] = await Promise.all([readyThenInterrupt(), runUp(options(), context(freePorts))]);
    expect(calls).toBe(2);
    expect(output).toContain(`Prometheus cannot listen on 127.0.0.1:${prometheus}`);
    expect(stack.urls.prometheus).not.toBe(`http://127.0.0.1:${prometheus}`);
    // The first Alertmanager is gone: its port is free again.
    await close(await occupy(alertmanager));
    expect(processesNaming(root)).toEqual([]);
  });

  it('gives up after three attempts, with an error the CLI prints and exits 1 on', async () => {
    const [taken] = (await freeLoopbackPorts(1)) as [number];
    held.push(await occupy(taken));
    let calls = 0;
    const freePorts = async () => {
      calls++;
      const [a, b] = (await freeLoopbackPorts(2)) as [number, number];
      return [a, b, taken];
    };
    const error = await runUp(options(), context(freePorts)).then(() => undefined, (e: unknown) => e);
    expect(calls).toBe(3);
    expect(exitDecision(error)).toEqual({ code: 1, message: expect.stringMatching(new RegExp(`^vigil: up: the notification sink cannot listen on 127\\.0\\.0\\.1:${taken}: address already in use, and so on each of 3 attempts`)) });
    expect(processesNaming(root)).toEqual([]);
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
  });

  it('with --port-base, a taken port is an error naming it and the flag, with no retry and no process left', async () => {
    // A base whose three ports are free, then its second (Alertmanager's) taken by one that answers.
    let base = 0;
    for (const candidate of await freeLoopbackPorts(20)) {
      const probes = await Promise.all([1, 2].map((i) => occupy(candidate + i).then(close, () => 'taken' as const)));
      if (probes.every((p) => p !== 'taken')) {
        base = candidate;
        break;
      }
    }
    expect(base).toBeGreaterThan(0);
    held.push(await occupy(base + 1, 'another stack'));
    let calls = 0;
    const error = await runUp(options(base), context(async (count) => (calls++, freeLoopbackPorts(count)))).then(() => undefined, (e: unknown) => e);
    expect(calls).toBe(0);
    const decision = exitDecision(error);
    expect(decision?.code).toBe(1);
    expect(decision?.message).toContain(`Alertmanager cannot listen on 127.0.0.1:${base + 1}: address already in use`);
    expect(decision?.message).toContain(`--port-base ${base}`);
    expect(output).not.toContain('trying new ports');
    // Prometheus and the sink had started on the other two ports: both stopped.
    await Promise.all([base, base + 2].map(async (port) => close(await occupy(port))));
    expect(processesNaming(root)).toEqual([]);
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
  });
});
