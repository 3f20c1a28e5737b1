import { client, v1 } from '@datadog/datadog-api-client';
import { dashboardVigilId } from '@vigil/compiler/datadog';
import { datadogMonitors, sortKeys } from '@vigil/compiler/datadog';
import type { OutputFile } from '@vigil/compiler/core';
import type { Model } from '@vigil/compiler/core';
import { CommandFailedError } from '@vigil/conventions';

/** What `vigil datadog sync` manages. */
export type SyncKind = 'monitor' | 'dashboard';

/** A generated object: its kind, stable vigil id, and API body (wire JSON). */
export interface DesiredObject {
  kind: SyncKind;
  id: string;
  body: Record<string, unknown>;
}

/** An object found in Datadog that carries a vigil id, with Datadog's own id. */
export interface ExistingObject extends DesiredObject {
  remoteId: string;
}

/** What a sync would do: each desired object is created, updated (by Datadog id) or left alone. */
export interface SyncPlan {
  create: DesiredObject[];
  update: { desired: DesiredObject; remoteId: string }[];
  unchanged: { desired: DesiredObject; remoteId: string }[];
  /** Objects in Datadog with a vigil id the definitions no longer produce: reported, never deleted. */
  orphaned: ExistingObject[];
}

/**
 * True when every field `desired` sets has the same value in `actual`. Datadog adds fields of
 * its own (ids, timestamps, option defaults), so only what Vigil sets is compared.
 */
export function sameWhereSet(desired: unknown, actual: unknown): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && actual.length === desired.length && desired.every((item, i) => sameWhereSet(item, actual[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(desired).every(([key, value]) => sameWhereSet(value, record[key]));
  }
  return desired === actual;
}

/** The pure planner: matches desired and existing objects by kind and vigil id. */
export function planSync(desired: readonly DesiredObject[], existing: readonly ExistingObject[]): SyncPlan {
  const key = (o: { kind: SyncKind; id: string }) => `${o.kind}:${o.id}`;
  const found = new Map<string, ExistingObject>();
  for (const object of existing) if (!found.has(key(object))) found.set(key(object), object);
  const plan: SyncPlan = { create: [], update: [], unchanged: [], orphaned: [] };
  for (const object of desired) {
    const match = found.get(key(object));
    if (!match) plan.create.push(object);
    else if (sameWhereSet(object.body, match.body)) plan.unchanged.push({ desired: object, remoteId: match.remoteId });
    else plan.update.push({ desired: object, remoteId: match.remoteId });
  }
  const wanted = new Set(desired.map(key));
  plan.orphaned = existing.filter((object) => !wanted.has(key(object)));
  return plan;
}

/**
 * The generated Datadog objects among a generation's outputs: `datadog/dashboards/<uid>.json`,
 * and `datadog/monitors/<service>.json` with a service's monitors keyed by id.
 */
export function desiredFromOutputs(outputs: readonly OutputFile[], only?: SyncKind): DesiredObject[] {
  return outputs.flatMap((output): DesiredObject[] => {
    const match = /^datadog\/(monitor|dashboard)s\/(.+)\.json$/.exec(output.path);
    if (!match || (only !== undefined && match[1] !== only)) return [];
    const json = JSON.parse(output.content) as Record<string, unknown>;
    if (match[1] === 'dashboard') return [{ kind: 'dashboard', id: match[2]!, body: json }];
    return Object.entries(json).map(([id, body]) => ({ kind: 'monitor', id, body: body as Record<string, unknown> }));
  });
}

/** How to reach Datadog. */
export interface DatadogConnection {
  apiKey: string;
  appKey: string;
  site?: string;
  /** Full base URL overriding the site (a local fake in tests). */
  baseUrl?: string;
}

/** Reads `DD_API_KEY`, `DD_APP_KEY`, `DD_SITE` and `DD_API_URL`; a message when a key is missing. */
export function connectionFromEnv(env: NodeJS.ProcessEnv): DatadogConnection | string {
  const apiKey = env.DD_API_KEY;
  const appKey = env.DD_APP_KEY;
  if (!apiKey || !appKey) return 'DD_API_KEY and DD_APP_KEY must be set (monitors and dashboards need both keys)';
  return { apiKey, appKey, ...(env.DD_SITE ? { site: env.DD_SITE } : {}), ...(env.DD_API_URL ? { baseUrl: env.DD_API_URL } : {}) };
}

function configuration(connection: DatadogConnection): client.Configuration {
  const config = client.createConfiguration({
    authMethods: { apiKeyAuth: connection.apiKey, appKeyAuth: connection.appKey },
    // A failure is reported per object and stops the run; retrying is the user's call.
    enableRetry: false,
    ...(connection.baseUrl ? { baseServer: new client.BaseServerConfiguration(connection.baseUrl.replace(/\/$/, ''), {}) } : {}),
  });
  if (!connection.baseUrl && connection.site) config.setServerVariables({ site: connection.site });
  return config;
}

const wire = (value: unknown, type: string): Record<string, unknown> => sortKeys(v1.ObjectSerializer.serialize(value, type, '')) as Record<string, unknown>;

/** The Datadog side of a sync: list, create and update through the official client. */
export interface DatadogObjects {
  list(kinds: readonly SyncKind[]): Promise<ExistingObject[]>;
  create(object: DesiredObject): Promise<string>;
  update(object: DesiredObject, remoteId: string): Promise<void>;
}

/** {@link DatadogObjects} over `MonitorsApi` and `DashboardsApi`. */
export function datadogApi(connection: DatadogConnection): DatadogObjects {
  const config = configuration(connection);
  const monitors = new v1.MonitorsApi(config);
  const dashboards = new v1.DashboardsApi(config);
  const pageSize = 1000;
  return {
    async list(kinds) {
      const found: ExistingObject[] = [];
      if (kinds.includes('monitor')) {
        const seen = new Set<number>();
        for (let page = 0; ; page++) {
          const batch = await monitors.listMonitors({ monitorTags: 'managed_by:vigil', page, pageSize });
          const fresh = batch.filter((m) => m.id !== undefined && !seen.has(m.id));
          for (const monitor of fresh) {
            seen.add(monitor.id!);
            const id = monitor.tags?.find((tag) => tag.startsWith('vigil_id:'))?.slice('vigil_id:'.length);
            if (id) found.push({ kind: 'monitor', id, remoteId: String(monitor.id), body: wire(monitor, 'Monitor') });
          }
          if (batch.length < pageSize || fresh.length === 0) break;
        }
      }
      if (kinds.includes('dashboard')) {
        const summary = await dashboards.listDashboards({ filterShared: false });
        for (const item of summary.dashboards ?? []) {
          const id = dashboardVigilId(item.description);
          if (!id || !item.id) continue;
          const dashboard = await dashboards.getDashboard({ dashboardId: item.id });
          found.push({ kind: 'dashboard', id, remoteId: item.id, body: wire(dashboard, 'Dashboard') });
        }
      }
      return found;
    },
    async create(object) {
      if (object.kind === 'monitor') {
        const created = await monitors.createMonitor({ body: v1.ObjectSerializer.deserialize(object.body, 'Monitor') as v1.Monitor });
        return String(created.id);
      }
      const created = await dashboards.createDashboard({ body: v1.ObjectSerializer.deserialize(object.body, 'Dashboard') as v1.Dashboard });
      return String(created.id);
    },
    async update(object, remoteId) {
      if (object.kind === 'monitor') {
        await monitors.updateMonitor({ monitorId: Number(remoteId), body: v1.ObjectSerializer.deserialize(object.body, 'MonitorUpdateRequest') as v1.MonitorUpdateRequest });
        return;
      }
      await dashboards.updateDashboard({ dashboardId: remoteId, body: v1.ObjectSerializer.deserialize(object.body, 'Dashboard') as v1.Dashboard });
    },
  };
}

/** What happened when a plan was applied. */
export interface SyncResult {
  applied: string[];
  failed?: { object: string; error: string };
  notAttempted: string[];
}

const label = (object: DesiredObject) => `${object.kind} ${object.id}`;

function errorText(error: unknown): string {
  if (error instanceof client.ApiException) return `HTTP ${error.code}: ${JSON.stringify(error.body).slice(0, 300)}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Applies a plan in order (creates, then updates) and stops at the first failure, so what was
 * applied before it is known and nothing after it is half-done.
 */
export async function applyPlan(plan: SyncPlan, api: DatadogObjects): Promise<SyncResult> {
  const steps = [
    ...plan.create.map((object) => ({ name: label(object), run: async () => `created ${label(object)} (id ${await api.create(object)})` })),
    ...plan.update.map(({ desired, remoteId }) => ({ name: label(desired), run: async () => (await api.update(desired, remoteId), `updated ${label(desired)} (id ${remoteId})`) })),
  ];
  const applied: string[] = [];
  for (const [index, step] of steps.entries()) {
    try {
      applied.push(await step.run());
    } catch (error) {
      return { applied, failed: { object: step.name, error: errorText(error) }, notAttempted: steps.slice(index + 1).map((s) => s.name) };
    }
  }
  return { applied, notAttempted: [] };
}

/** Options of `vigil datadog sync`. */
export interface SyncOptions {
  apply: boolean;
  only?: SyncKind;
}

/** Prints a plan, one line per change, and a count of unchanged objects. */
export function formatPlan(plan: SyncPlan): string {
  const lines = [
    ...plan.create.map((o) => `  create ${label(o)}`),
    ...plan.update.map(({ desired, remoteId }) => `  update ${label(desired)} (id ${remoteId})`),
    ...plan.orphaned.map((o) => `  orphaned ${label(o)} (id ${o.remoteId}): no longer generated; left in place`),
    `  ${plan.create.length} to create, ${plan.update.length} to update, ${plan.unchanged.length} unchanged`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * `vigil datadog sync`: plans against what Datadog holds and, with `apply`, creates and updates.
 * Throws {@link CommandFailedError} when the API failed (after printing what was applied) or the
 * definitions do not turn Datadog on.
 */
export async function runDatadogSync(
  generation: { model: Model; outputs: readonly OutputFile[] },
  options: SyncOptions,
  api: DatadogObjects,
  io: { out: (text: string) => void; err: (text: string) => void },
): Promise<void> {
  if (!generation.model.settings.outputs.includes('datadog')) {
    // Syncing nothing would report every managed object as an orphan.
    throw new CommandFailedError('datadog: the definitions do not ask for Datadog outputs: add datadog to settings.outputs; nothing was changed');
  }
  const desired = desiredFromOutputs(generation.outputs, options.only);
  let existing: ExistingObject[];
  try {
    existing = await api.list(options.only ? [options.only] : ['monitor', 'dashboard']);
  } catch (error) {
    throw new CommandFailedError(`datadog: listing existing objects failed: ${errorText(error)}; nothing was changed`, { cause: error });
  }
  const plan = planSync(desired, existing);
  io.out(`vigil datadog: plan${options.apply ? '' : ' (dry run; pass --apply to change Datadog)'}\n${formatPlan(plan)}`);
  if (options.only !== 'dashboard') {
    for (const skipped of datadogMonitors(generation.model).skipped) io.out(`  skipped ${skipped.name}: ${skipped.reason}\n`);
  }
  if (!options.apply) return;
  const result = await applyPlan(plan, api);
  for (const line of result.applied) io.out(`  ${line}\n`);
  if (result.failed) {
    io.err(`vigil datadog: ${result.failed.object} failed: ${result.failed.error}\n`);
    io.err(`vigil datadog: applied ${result.applied.length} before the failure; not attempted: ${result.notAttempted.length ? result.notAttempted.join(', ') : 'none'}\n`);
    throw new CommandFailedError('datadog sync failed', { reported: true });
  }
  io.out(`vigil datadog: applied ${result.applied.length} change(s)\n`);
}
