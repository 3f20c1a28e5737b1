import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freeLoopbackPorts } from '@vigil/cli';

/**
 * A free TCP port on 127.0.0.1, chosen below the kernel's ephemeral range (the same choice as
 * `vigil up`'s): a port found by `listen(0)` could be handed to any outgoing connection before
 * the test binds it, which tests running in parallel made happen.
 */
export async function freePort(): Promise<number> {
  const [port] = await freeLoopbackPorts(1);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/** Polls `probe` until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** A tiny /metrics endpoint in Prometheus text format whose body the test sets. */
export interface MetricsEndpoint {
  port: number;
  set(body: string): void;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(): Promise<MetricsEndpoint> {
  let body = '';
  const server: Server = createHttpServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    set: (text) => {
      body = text;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Writes `config` as `configName` and `files` (paths relative to it) into a fresh directory. */
async function configDir(prefix: string, configName: string, config: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, configName), config);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

/**
 * Starts `binary` listening on `port`, waits for its `/-/ready`, and returns a stop that ends
 * it and removes `dir`. A failed start stops it and reports the tail of its log.
 */
async function startUntilReady(binary: string, args: string[], port: number, dir: string, what: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined), 30_000, `${what} to be ready`);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${log}`, { cause: error });
  }
  return { url, stop };
}

/** A real Prometheus on loopback, with its own data directory. */
export interface RunningPrometheus {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Extra start-up options: more flags, and a step run on the fresh directory before start. */
export interface PrometheusOptions {
  /** Extra command-line flags; `{dir}` in a flag is replaced by the directory. */
  args?: string[];
  /** Runs before Prometheus starts, e.g. to backfill blocks into `<dir>/data`. */
  beforeStart?: (dir: string) => Promise<void>;
}

/**
 * Starts Debian's `prometheus` with `config` (YAML text) and `files` (paths relative to the
 * config, such as `rules/app.yml`) written to a fresh directory; waits until it is ready.
 */
export async function startPrometheus(config: string, files: Record<string, string>, options: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = await configDir('vigil-prom-', 'prometheus.yml', config, files);
  await options.beforeStart?.(dir);
  const port = await freePort();
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(options.args ?? []).map((arg) => arg.replaceAll('{dir}', dir)),
  ];
  return { ...(await startUntilReady('prometheus', args, port, dir, 'Prometheus')), dir };
}

/** A real Alertmanager on loopback, clustering off, with its own storage directory. */
export interface RunningAlertmanager {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's `prometheus-alertmanager` with `config` (YAML text) and `files` (paths
 * relative to the config, such as `templates/vigil.tmpl`) in a fresh directory, on `port` (a
 * free one by default); waits until it is ready.
 */
export async function startAlertmanager(config: string, files: Record<string, string>, port?: number): Promise<RunningAlertmanager> {
  const dir = await configDir('vigil-am-', 'alertmanager.yml', config, files);
  const listen = port ?? (await freePort());
  const args = [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${listen}`,
    '--cluster.listen-address=',
  ];
  return { ...(await startUntilReady('prometheus-alertmanager', args, listen, dir, 'Alertmanager')), port: listen, dir };
}

/** One request an Alertmanager webhook made: the path (receiver) and the JSON payload. */
export interface WebhookDelivery {
  path: string;
  body: unknown;
  receivedAt: number;
}

/** A local webhook receiver that records every POST. */
export interface WebhookReceiver {
  url: string;
  deliveries: WebhookDelivery[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const server: Server = createHttpServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      deliveries.push({ path: req.url ?? '', body: JSON.parse(text || 'null'), receivedAt: Date.now() });
      res.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
