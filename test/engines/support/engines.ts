import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../../support/servers.js';

/** A running engine process on loopback. */
export interface RunningEngine {
  url: string;
  port: number;
  dir: string;
  /** Ends the process (SIGTERM, SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
  /** Ends the process abruptly (SIGKILL), keeping the directory until `stop`. */
  kill(): Promise<void>;
  log(): string;
}

async function endProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts `binary` with `args`, waits until `readyPath` answers 2xx on `port`, and returns its
 * handle. A failed start ends it and reports the tail of its log.
 */
export async function startEngine(binary: string, args: string[], port: number, dir: string, readyPath: string): Promise<RunningEngine> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const handle: RunningEngine = {
    url,
    port,
    dir,
    stop: async () => {
      await endProcess(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => endProcess(child, 'SIGKILL'),
    log: () => log,
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}`);
      return (await fetch(`${url}${readyPath}`)).ok ? true : undefined;
    }, 30_000, `${binary} to be ready`);
  } catch (error) {
    await handle.stop();
    throw new Error(`${String(error)}\n${log}`, { cause: error });
  }
  return handle;
}

/** How to start VictoriaMetrics. */
export interface VictoriaMetricsOptions {
  /**
   * Keep Prometheus' 5m lookback (`-search.minStalenessInterval=5m`, the default here); false
   * runs VictoriaMetrics' own, shorter one, to show the difference.
   */
  prometheusLookback?: boolean;
  extraArgs?: string[];
}

/** Debian's single-node `victoria-metrics` on a free loopback port, caches off, retention 100 years. */
export async function startVictoriaMetrics(options: VictoriaMetricsOptions = {}): Promise<RunningEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-vm-'));
  const port = await freePort();
  const args = [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${join(dir, 'data')}`,
    '-retentionPeriod=100y',
    // Replays query data as it is written; a cached range would hide samples written later.
    '-search.disableCache',
    '-search.latencyOffset=0s',
    // Prometheus' lookback: a series that stops without a staleness marker stays visible 5m.
    ...(options.prometheusLookback === false ? [] : ['-search.minStalenessInterval=5m']),
    '-loggerLevel=ERROR',
    ...(options.extraArgs ?? []),
  ];
  return startEngine('victoria-metrics', args, port, dir, '/health');
}

/** How to start `vmagent`. */
export interface VmagentOptions {
  /** A Prometheus configuration (YAML text): vmagent reads its `global` and `scrape_configs`. */
  config: string;
  /** Where to remote-write, e.g. `${victoria.url}/api/v1/write`. */
  remoteWriteUrl: string;
  /** How often the remote-write queue is sent (default 200 ms: fresh samples reach storage fast). */
  flushIntervalMs?: number;
}

/**
 * Debian's `vmagent` on a free loopback port, scraping with `config` and remote-writing to
 * `remoteWriteUrl`. Not strict, so a generated prometheus.yml loads as it is (rule_files,
 * alerting and remote_write are passed over: they are vmalert's or given by flag).
 */
export async function startVmagent(options: VmagentOptions): Promise<RunningEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-vmagent-'));
  await writeFile(join(dir, 'prometheus.yml'), options.config);
  const port = await freePort();
  const args = [
    `-promscrape.config=${join(dir, 'prometheus.yml')}`,
    '-promscrape.config.strictParse=false',
    `-remoteWrite.url=${options.remoteWriteUrl}`,
    `-remoteWrite.flushInterval=${options.flushIntervalMs ?? 200}ms`,
    `-remoteWrite.tmpDataPath=${join(dir, 'queue')}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-loggerLevel=ERROR',
  ];
  return startEngine('vmagent', args, port, dir, '/health');
}

/** Makes every sample written so far searchable in VictoriaMetrics. */
export async function flushVictoriaMetrics(url: string): Promise<void> {
  const response = await fetch(`${url}/internal/force_flush`);
  if (!response.ok) throw new Error(`force_flush: ${response.status}`);
}

/** What a `vmalert` replay needs. */
export interface ReplayOptions {
  ruleFiles: string[];
  datasourceUrl: string;
  remoteWriteUrl: string;
  fromMs: number;
  toMs: number;
  evaluationSeconds: number;
  /** Pause between rules of a group, so chained recording rules see what the previous wrote. */
  rulesDelayMs: number;
  /** Steps per range query: Prometheus refuses more than 11,000. */
  maxStepsPerQuery?: number;
}

/**
 * Runs `vmalert` in replay mode over a past range; resolves with its output, rejects on failure.
 * Debian's vmalert (1.79) exits 0 when its remote writes fail ("all 5 attempts to send request
 * failed - dropping N time series", fixed upstream in VictoriaMetrics#6512): such a run is
 * repeated (a replay writes the same samples again, so repeating it is harmless) and, failing
 * again, rejected with the lines that said so, never taken as a replay with fewer results.
 */
export async function replayRules(options: ReplayOptions, attempts = 3): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const output = await replayOnce(options);
    const dropped = output.split('\n').filter((line) => /\berror\b/.test(line) && /remotewrite|dropping/i.test(line));
    if (dropped.length === 0) return output;
    if (attempt >= attempts) throw new Error(`vmalert replay dropped remote writes in ${attempts} attempts:\n${dropped.join('\n').slice(-4000)}`);
  }
}

async function replayOnce(options: ReplayOptions): Promise<string> {
  const port = await freePort();
  const args = [
    ...options.ruleFiles.map((file) => `-rule=${file}`),
    `-datasource.url=${options.datasourceUrl}`,
    `-remoteWrite.url=${options.remoteWriteUrl}`,
    '-remoteWrite.flushInterval=50ms',
    `-replay.timeFrom=${new Date(options.fromMs).toISOString()}`,
    `-replay.timeTo=${new Date(options.toMs).toISOString()}`,
    `-replay.rulesDelay=${options.rulesDelayMs}ms`,
    '-replay.disableProgressBar',
    `-replay.maxDatapointsPerQuery=${options.maxStepsPerQuery ?? 10_000}`,
    // The range queries' step; the default (5m) would skip evaluations.
    `-datasource.queryStep=${options.evaluationSeconds}s`,
    `-evaluationInterval=${options.evaluationSeconds}s`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-loggerLevel=ERROR',
  ];
  const child = spawn('vmalert', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`vmalert replay exited with ${code}:\n${output.slice(-4000)}`);
  return output;
}

/** One alert instance's firing samples: its labels (without `alertstate`) and timestamps in ms. */
export interface FiringSeries {
  key: string;
  alertname: string;
  timestamps: number[];
}

/**
 * Reads the `ALERTS{alertstate="firing"}` samples a replay wrote between `fromMs` and `toMs`,
 * raw (a range selector in an instant query), so no lookback stretches them.
 */
export async function firingAlerts(url: string, fromMs: number, toMs: number): Promise<FiringSeries[]> {
  const rangeSeconds = Math.ceil((toMs - fromMs) / 1000) + 1;
  const params = new URLSearchParams({ query: `ALERTS{alertstate="firing"}[${rangeSeconds}s]`, time: String(toMs / 1000) });
  const response = await fetch(`${url}/api/v1/query?${params}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  if (body.status !== 'success') throw new Error(`ALERTS query on ${url}: ${body.error}`);
  return body.data.result
    .map(({ metric, values }) => {
      const labels = Object.entries(metric)
        .filter(([name]) => name !== 'alertstate' && name !== 'alertgroup' && name !== '__name__')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return {
        key: labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(','),
        alertname: metric.alertname ?? '',
        timestamps: values.map(([t]) => Math.round(t * 1000)).filter((t) => t >= fromMs),
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One peer of an Alertmanager cluster on loopback. */
export interface ClusterPeer extends RunningEngine {
  clusterPort: number;
}

/**
 * Starts `count` Debian `prometheus-alertmanager` peers that gossip on loopback (`--cluster.*`),
 * all with `config`. `peerTimeoutSeconds` is how long a later peer waits for an earlier one's
 * notification before sending itself.
 */
export async function startAlertmanagerCluster(config: string, count: number, peerTimeoutSeconds = 3): Promise<ClusterPeer[]> {
  const ports = await Promise.all(Array.from({ length: count * 2 }, () => freePort()));
  const peers: ClusterPeer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'vigil-amc-'));
      await writeFile(join(dir, 'alertmanager.yml'), config);
      const web = ports[2 * i] as number;
      const cluster = ports[2 * i + 1] as number;
      const others = Array.from({ length: count }, (_, j) => j).filter((j) => j !== i);
      const args = [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${web}`,
        `--cluster.listen-address=127.0.0.1:${cluster}`,
        `--cluster.advertise-address=127.0.0.1:${cluster}`,
        ...others.map((j) => `--cluster.peer=127.0.0.1:${ports[2 * j + 1] as number}`),
        `--cluster.peer-timeout=${peerTimeoutSeconds}s`,
        '--cluster.gossip-interval=100ms',
        '--cluster.pushpull-interval=2s',
        '--cluster.settle-timeout=2s',
      ];
      peers.push({ ...(await startEngine('prometheus-alertmanager', args, web, dir, '/-/ready')), clusterPort: cluster });
    }
  } catch (error) {
    await Promise.all(peers.map((peer) => peer.stop()));
    throw error;
  }
  return peers;
}
