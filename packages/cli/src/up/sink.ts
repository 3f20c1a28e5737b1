// The local notification sink: in local mode every Alertmanager receiver is a webhook to it, so a
// user sees what each alert would have sent, and to whom, without a secret or a mail server.
import { appendFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CommandFailedError } from '@vigil/conventions';

/** One alert of a notification, as Alertmanager's webhook (version 4) sends it. */
export interface SinkAlert {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** A link a notification carries: an annotation whose value is a URL, or an alert's source. */
export interface SinkLink {
  name: string;
  url: string;
}

/** One notification the sink received. */
export interface SinkNotification {
  /** When the sink received it (ISO 8601). */
  receivedAt: string;
  /** The receiver of the generated routing it was meant for (from the webhook path). */
  receiver: string;
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: SinkAlert[];
  links: SinkLink[];
}

const MAX_BODY = 4 * 1024 * 1024;

function strings(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const isHttpUrl = (value: string): boolean => /^https?:\/\//i.test(value);

/**
 * A webhook payload as a notification, or a reason it is not one. Pure: the receiver comes from
 * the URL path, the time from the caller.
 */
export function toNotification(payload: unknown, receiver: string, receivedAt: Date): SinkNotification | string {
  if (typeof payload !== 'object' || payload === null || !Array.isArray((payload as { alerts?: unknown }).alerts)) {
    return 'expected an Alertmanager webhook payload (an object with alerts)';
  }
  const body = payload as Record<string, unknown>;
  const alerts = (body.alerts as unknown[]).map((raw): SinkAlert => {
    const alert = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    return {
      status: text(alert.status),
      labels: strings(alert.labels),
      annotations: strings(alert.annotations),
      startsAt: text(alert.startsAt),
      endsAt: text(alert.endsAt),
      generatorURL: text(alert.generatorURL),
      fingerprint: text(alert.fingerprint),
    };
  });
  const links = new Map<string, SinkLink>();
  for (const alert of alerts) {
    for (const [name, value] of Object.entries(alert.annotations)) if (isHttpUrl(value)) links.set(`${name} ${value}`, { name, url: value });
    if (isHttpUrl(alert.generatorURL)) links.set(`source ${alert.generatorURL}`, { name: 'source', url: alert.generatorURL });
  }
  return {
    receivedAt: receivedAt.toISOString(),
    receiver,
    status: body.status === 'resolved' ? 'resolved' : 'firing',
    groupKey: text(body.groupKey),
    groupLabels: strings(body.groupLabels),
    commonLabels: strings(body.commonLabels),
    commonAnnotations: strings(body.commonAnnotations),
    externalURL: text(body.externalURL),
    alerts,
    links: [...links.values()],
  };
}

/** Escapes text for HTML element content and attribute values: labels are hostile input. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function labelList(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '<span class="none">none</span>';
  return entries.map(([k, v]) => `<code>${escapeHtml(k)}="${escapeHtml(v)}"</code>`).join(' ');
}

/** A link, only for http(s) URLs (a `javascript:` URL in an annotation must not become one). */
function link(item: SinkLink): string {
  return isHttpUrl(item.url) ? `<a href="${escapeHtml(item.url)}" rel="noreferrer">${escapeHtml(item.name)}</a>` : escapeHtml(item.name);
}

/** The sink's page: every notification, newest first. */
export function renderNotificationsPage(notifications: readonly SinkNotification[], extra: { dashboards?: readonly { name: string; url: string }[] } = {}): string {
  const rows = [...notifications].reverse().map((n) => {
    const alerts = n.alerts
      .map(
        (a) =>
          `<li><b>${escapeHtml(a.labels.alertname ?? '?')}</b> ${escapeHtml(a.status)} since ${escapeHtml(a.startsAt)}${a.status === 'resolved' ? `, ended ${escapeHtml(a.endsAt)}` : ''}<br>labels: ${labelList(a.labels)}<br>annotations: ${labelList(a.annotations)}</li>`,
      )
      .join('');
    return `<section class="${n.status}"><h2>${escapeHtml(n.status)} → ${escapeHtml(n.receiver)} <small>${escapeHtml(n.receivedAt)}</small></h2>
<p>group: ${labelList(n.groupLabels)}</p><p>common labels: ${labelList(n.commonLabels)}</p>
<p>links: ${n.links.map(link).join(' · ') || '<span class="none">none</span>'}</p><ul>${alerts}</ul></section>`;
  });
  const dashboards = extra.dashboards?.length ? `<p>Dashboards: ${extra.dashboards.map(link).join(' · ')}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><title>Vigil notifications</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem;max-width:70rem}section{border-left:4px solid #c33;padding:.2rem .8rem;margin:1rem 0}section.resolved{border-color:#393}code{background:#f3f3f3;padding:0 .2rem}.none{color:#888}h2{font-size:1rem}</style></head>
<body><h1>Notifications (${notifications.length})</h1>
<p>Every receiver sends here in local mode. JSON: <a href="api/notifications">api/notifications</a>. The page reloads every 10 s.</p>
${dashboards}${rows.join('\n') || '<p class="none">None yet.</p>'}
</body></html>
`;
}

/** A running sink. */
export interface Sink {
  url: string;
  notifications: readonly SinkNotification[];
  close(): Promise<void>;
}

/** Where the sink listens and keeps its log. */
export interface SinkOptions {
  port: number;
  /** Every notification is appended to this file as one JSON line; it is emptied at start. */
  logFile: string;
  /** Dashboard links shown on the page. */
  dashboards?: readonly { name: string; url: string }[];
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A started sink, or the port it could not have because something else listens there. */
export type SinkStart = { ok: true; sink: Sink } | { ok: false; portInUse: number };

/**
 * Starts the sink on 127.0.0.1:`port`. A port in use is a value (the caller may pick another);
 * any other listen failure is a {@link CommandFailedError}.
 */
export async function startSink(options: SinkOptions): Promise<SinkStart> {
  const notifications: SinkNotification[] = [];
  await writeFile(options.logFile, '');
  // Appends are chained so lines keep the order notifications arrived in.
  let appending = Promise.resolve();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://sink').pathname;
    if (req.method === 'POST' && path.startsWith('/hook/')) {
      const body = await readBody(req);
      if (body === undefined) return void res.writeHead(413).end('payload too large\n');
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return void res.writeHead(400).end('expected JSON\n');
      }
      const notification = toNotification(payload, decodeURIComponent(path.slice('/hook/'.length)), new Date());
      if (typeof notification === 'string') return void res.writeHead(400).end(`${notification}\n`);
      notifications.push(notification);
      appending = appending.then(() => appendFile(options.logFile, `${JSON.stringify(notification)}\n`));
      await appending;
      return void res.writeHead(200).end('ok\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (path === '/api/notifications') {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ notifications }));
    }
    if (path === '/') {
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" })
        .end(renderNotificationsPage(notifications, { ...(options.dashboards ? { dashboards: options.dashboards } : {}) }));
    }
    if (path === '/-/ready') return void res.writeHead(200).end('ready\n');
    res.writeHead(404).end('not found\n');
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(`${String(error)}\n`);
    });
  });
  // A listen error is an event, not a rejection: unhandled, it crashed `vigil up` with Node's raw
  // EADDRINUSE instead of a `vigil: up: ...` message and an exit code.
  const listened = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen(options.port, '127.0.0.1', () => resolve(undefined));
  });
  if (listened?.code === 'EADDRINUSE') return { ok: false, portInUse: options.port };
  if (listened) throw new CommandFailedError(`up: the notification sink cannot listen on 127.0.0.1:${options.port}: ${listened.message}`, { cause: listened });
  return {
    ok: true,
    sink: {
      url: `http://127.0.0.1:${options.port}`,
      notifications,
      close: () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    },
  };
}
