import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceLocation } from '@vigil/compiler/core';
import { ToolError } from '@vigil/conventions';
import { ALERTMANAGER_CONFIG_PATH } from '@vigil/compiler/core';
import type { Generation } from '@vigil/compiler/core';
import { writeOutputsAtomically } from '../io/write-outputs.js';
import type { ToolRun } from './promtool.js';
import { compareText } from '@vigil/compiler/core';

/** The amtool binary: `VIGIL_AMTOOL` or `amtool` on PATH. */
export function amtoolPath(env: NodeJS.ProcessEnv): string {
  return env.VIGIL_AMTOOL ?? 'amtool';
}

/** Runs amtool; a missing binary is a {@link ToolError}, a failing check is data. */
export function runAmtool(amtool: string, args: readonly string[], cwd: string): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(amtool, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ToolError(
          error.code === 'ENOENT'
            ? `${amtool} is not installed: install Debian's prometheus-alertmanager package (apt-get install prometheus-alertmanager) or set VIGIL_AMTOOL`
            : `${amtool} failed to start: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    // amtool warns on stderr that --config.file overrides --alertmanager.url: keep stdout apart.
    child.once('close', (code) => resolve({ ok: code === 0, output: code === 0 ? stdout : `${stdout}${stderr}` }));
  });
}

/** Where one generated alert's labels are routed. */
export interface RouteTestResult {
  alert: string;
  labels: Record<string, string>;
  receivers: string[];
  /** True when the alert reaches only the default receiver (nobody owns it). */
  defaultOnly: boolean;
  source?: SourceLocation;
}

/** Runs `f` over `items` with at most `limit` at once, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await f(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Routes every generated alert's labels through the generated Alertmanager configuration with
 * `amtool config routes test`, in a scratch directory. Labels set at evaluation time (`by`
 * labels, instance) are unknown here; routes match on the static ones Vigil writes.
 */
export async function testAlertRoutes(generation: Generation, amtool: string): Promise<RouteTestResult[]> {
  const notifications = generation.model.notifications;
  if (!notifications) return [];
  const alerts = new Map<string, { alert: string; labels: Record<string, string>; source?: SourceLocation }>();
  for (const file of generation.rules) {
    for (const group of file.groups) {
      for (const rule of group.rules) {
        if (rule.type !== 'alerting') continue;
        const labels = Object.fromEntries(Object.entries({ ...rule.labels, alertname: rule.alert }).sort(([a], [b]) => compareText(a, b)));
        alerts.set(JSON.stringify(labels), { alert: rule.alert, labels, ...(rule.origin.source ? { source: rule.origin.source } : {}) });
      }
    }
  }
  const scratch = await mkdtemp(join(tmpdir(), 'vigil-amtool-'));
  try {
    await writeOutputsAtomically(
      scratch,
      generation.outputs.filter((output) => output.path.startsWith('alertmanager/')),
    );
    const config = join(scratch, ALERTMANAGER_CONFIG_PATH);
    return await mapLimited([...alerts.values()], 8, async (entry) => {
      const args = ['config', 'routes', 'test', `--config.file=${config}`, ...Object.entries(entry.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
      const run = await runAmtool(amtool, args, scratch);
      if (!run.ok) throw new ToolError(`amtool config routes test failed for ${entry.alert}: ${run.output.replaceAll(scratch, '.')}`);
      const receivers = run.output.trim().split(',').filter(Boolean);
      return { ...entry, receivers, defaultOnly: receivers.length === 1 && receivers[0] === notifications.defaultReceiver };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Renders route test results; failures (alerts only the default receiver gets) first. */
export function formatRouteTests(results: readonly RouteTestResult[], defaultReceiver: string): string {
  const lost = results.filter((result) => result.defaultOnly);
  const lines = [`Route tests (amtool): ${results.length - lost.length}/${results.length} alerts reach a receiver other than ${defaultReceiver}`];
  for (const result of lost) {
    const labels = Object.entries(result.labels).map(([k, v]) => `${k}=${v}`).join(' ');
    lines.push(`  ${result.source ? `${result.source.file}:${result.source.line}:${result.source.column}: ` : ''}${result.alert} reaches only ${defaultReceiver} {${labels}}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `amtool check-config` on the generated configuration (and the templates it loads). */
export async function checkAlertmanagerConfig(amtool: string, root: string): Promise<{ step: string; ok: boolean; output: string }> {
  const run = await runAmtool(amtool, ['check-config', join(root, ALERTMANAGER_CONFIG_PATH)], root);
  return { step: 'amtool check-config', ok: run.ok, output: run.output.replaceAll(root, '.') };
}
