// A service for the Datadog fault test: counts orders (one every 5 ms) on an observable counter,
// exports to the fake Datadog API every second (Datadog's resolution: count points are stamped
// to the second) with a spill directory (retry and breaker figures compressed), and
// prints `collected <n>` at each collection and its exporter's stats at a graceful SIGTERM.
import { clearInterval, setInterval } from 'node:timers';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { DatadogMetricExporter } from '@vigil/exporters';

const [baseUrl, spillDirectory] = process.argv.slice(2);
const exporter = new DatadogMetricExporter({
  apiKey: 'fault-test',
  baseUrl,
  spillDirectory,
  retry: { initialIntervalMs: 50, maxIntervalMs: 200, attemptTimeoutMs: 300, maxAttemptTimeoutMs: 1_000 },
  breaker: { failureWindowMs: 5_000, openDurationMs: 500 },
  flushTimeoutMs: 1_000,
  shutdownTimeoutMs: 1_000,
});
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 1_000, exportTimeoutMillis: 1_000 });
const provider = new MeterProvider({ readers: [reader] });
let recorded = 0;
provider
  .getMeter('service')
  .createObservableCounter('orders.placed')
  .addCallback((result) => {
    result.observe(recorded);
    process.stdout.write(`collected ${recorded}\n`);
  });
const ticker = setInterval(() => (recorded += 1), 5);
process.on('unhandledRejection', (reason) => {
  process.stdout.write(`unhandled ${String(reason)}\n`);
  process.exit(70);
});
process.on('SIGTERM', () => {
  clearInterval(ticker);
  void provider.shutdown().then(() => {
    process.stdout.write(`stats ${JSON.stringify(exporter.stats())}\n`);
    process.exit(0);
  });
});
process.stdout.write('ready\n');
