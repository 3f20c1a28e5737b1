import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpStatusOf, type HealthRegistry } from './health-checks.js';

/** A `node:http` handler; resolves true when it answered the request, false to let the caller route it. */
export type HealthHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(text);
}

/**
 * Serves `GET <basePath>` (every check, 200 or 503) and `GET <basePath>/<check>` (one check,
 * 404 if unknown). Mount it on the service's own server, before its other routes.
 */
export function createHealthHandler(registry: HealthRegistry, options: { basePath?: string } = {}): HealthHandler {
  const basePath = (options.basePath ?? '/health').replace(/\/$/, '');
  return async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(response, 405, { error: 'method not allowed' });
      return true;
    }
    if (path === basePath) {
      const report = await registry.runAll();
      send(response, httpStatusOf(report.status), report);
      return true;
    }
    const name = decodeURIComponent(path.slice(basePath.length + 1));
    const report = await registry.runCheck(name);
    // The route is not echoed: it is attacker-chosen text.
    if (!report) send(response, 404, { error: 'unknown check', checks: registry.names });
    else send(response, httpStatusOf(report.status), report);
    return true;
  };
}

/** A standalone health listener. */
export interface HealthServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/** Starts a server that answers only the health routes (404 elsewhere). Port 0 picks a free port. */
export async function startHealthServer(
  registry: HealthRegistry,
  options: { port?: number; host?: string; basePath?: string } = {},
): Promise<HealthServer> {
  const handle = createHealthHandler(registry, options);
  const server = createServer((request, response) => {
    handle(request, response)
      .then((handled) => {
        if (!handled) send(response, 404, { error: 'not found' });
      })
      .catch(() => send(response, 500, { error: 'internal error' }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
