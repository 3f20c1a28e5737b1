import type { Metric, Model } from '@vigil/compiler';

/** How much history to synthesize, ending at `endSeconds`. */
export interface HistoryWindow {
  endSeconds: number;
  spanSeconds: number;
  stepSeconds: number;
}

/** At most this many values of one label: enough for several lines per panel. */
const MAX_VALUES = 6;

/** Label values that mean failure: their series grow slowly, as errors do next to successes. */
const FAILURE_VALUE = /^(5xx|4xx|errors?|fail(ed|ure)?|timeout|rejected|dropped|open|unhealthy|false)$/;

/**
 * Label sets that use every allowed value of every label at least once (value i of each label
 * in series i, cycling), rather than their product, which would explode or, cut short, miss
 * the values SLOs select (`status_class="5xx"`).
 */
function labelCombinations(metric: Metric): Record<string, string>[] {
  const values = metric.labels.map((label) => label.allowedValues?.slice(0, MAX_VALUES) ?? ['a', 'b']);
  const count = Math.max(1, ...values.map((v) => v.length));
  return Array.from({ length: count }, (_, i) =>
    Object.fromEntries(metric.labels.map((label, l) => [label.name, values[l]?.[i % (values[l]?.length ?? 1)] ?? ''])),
  );
}

function isFailure(labels: Record<string, string>): boolean {
  return Object.values(labels).some((value) => FAILURE_VALUE.test(value));
}

function labelText(labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
  return `{${inner}}`;
}

/** A ratio-like or dimensionless metric (0-1), so its lines sit near its alert thresholds. */
function isRatio(metric: Metric): boolean {
  return /ratio|pct|percent|fraction|score|probability/.test(metric.name) || metric.unit === '%' || metric.unit === '1';
}

/** A smooth, series-specific wave in [0, 1]. */
function wave(series: number, t: number): number {
  return 0.5 + 0.35 * Math.sin(t / 1800 + series * 1.3) + 0.1 * Math.sin(t / 300 + series);
}

/**
 * OpenMetrics text with timestamps for `metrics` over `window`: gauges wave, counters grow at a
 * wavy rate, histograms fill their buckets with an exponential latency spread. Labels are the
 * scrape labels (`job`, `instance` of the metric's service) and the first allowed values of each
 * metric label; plus `up` for every scrape target. The text feeds `promtool tsdb create-blocks-from openmetrics`.
 */
export function syntheticOpenMetrics(model: Model, metrics: readonly Metric[], window: HistoryWindow): string {
  const lines: string[] = [];
  const start = window.endSeconds - window.spanSeconds;
  const times: number[] = [];
  for (let t = start; t <= window.endSeconds; t += window.stepSeconds) times.push(t);
  let seriesNumber = 0;
  // `up` for every target, as if each had been scraped: query variables list instances from it.
  lines.push('# TYPE up gauge');
  for (const service of model.services) {
    for (const target of service.targets) {
      for (const t of times) lines.push(`up${labelText({ job: service.job, instance: target })} 1 ${t}`);
    }
  }
  for (const metric of metrics) {
    const service = model.services.find((s) => s.name === metric.service);
    const scrape = { job: service?.job ?? metric.service ?? 'vigil', instance: service?.targets[0] ?? 'localhost:9464' };
    const combos = labelCombinations(metric).map((labels) => ({ ...scrape, ...labels }));
    switch (metric.type) {
      case 'gauge':
      case 'updowncounter': {
        lines.push(`# TYPE ${metric.promName} gauge`);
        for (const labels of combos) {
          const n = seriesNumber++;
          const scale = isRatio(metric) ? 1 : 100;
          for (const t of times) lines.push(`${metric.promName}${labelText(labels)} ${(wave(n, t) * scale).toFixed(4)} ${t}`);
        }
        break;
      }
      case 'counter': {
        const family = metric.promName.replace(/_total$/, '');
        lines.push(`# TYPE ${family} counter`);
        for (const labels of combos) {
          const n = seriesNumber++;
          let total = 0;
          for (const t of times) {
            total += window.stepSeconds * (1 + 2 * wave(n, t)) * (isFailure(labels) ? 0.002 : 1);
            lines.push(`${family}_total${labelText(labels)} ${total.toFixed(3)} ${t}`);
          }
        }
        break;
      }
      case 'histogram': {
        const bounds = metric.buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
        const median = bounds[Math.floor(bounds.length / 2)] ?? 1;
        lines.push(`# TYPE ${metric.promName} histogram`);
        for (const labels of combos.slice(0, 2)) {
          const n = seriesNumber++;
          let count = 0;
          let sum = 0;
          const buckets = bounds.map(() => 0);
          for (const t of times) {
            const observations = Math.round(window.stepSeconds * (2 + 3 * wave(n, t)));
            const scale = median * (0.6 + 0.8 * wave(n + 7, t));
            bounds.forEach((le, i) => {
              buckets[i] = (buckets[i] ?? 0) + Math.round(observations * (1 - Math.exp(-le / scale)));
            });
            count += observations;
            sum += observations * scale;
            bounds.forEach((le, i) => lines.push(`${metric.promName}_bucket${labelText({ ...labels, le: String(le) })} ${buckets[i]} ${t}`));
            lines.push(`${metric.promName}_bucket${labelText({ ...labels, le: '+Inf' })} ${count} ${t}`);
            lines.push(`${metric.promName}_count${labelText(labels)} ${count} ${t}`);
            lines.push(`${metric.promName}_sum${labelText(labels)} ${sum.toFixed(3)} ${t}`);
          }
        }
        break;
      }
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}
