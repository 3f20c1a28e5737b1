// The synthetic definitions the benchmarks compile: 10 services with every condition kind,
// `alerts` alerts and `slos` SLOs. One generator, so the generate and engine figures measure the same set.

/** Synthetic definitions (a definitions document as a plain object). */
export function synthetic(alerts, slos) {
  const services = Array.from({ length: 10 }, (_, i) => ({ name: `svc-${i}`, team: `team-${i % 3}`, targets: [`localhost:${9400 + i}`] }));
  const metrics = services.flatMap((s, i) => [
    { name: `m${i}_gauge`, type: 'gauge', description: 'g', service: s.name, labels: { region: { values: ['eu', 'us'] } } },
    { name: `m${i}_events`, type: 'counter', description: 'c', service: s.name, labels: { region: { values: ['eu', 'us'] } } },
    { name: `m${i}_errors`, type: 'counter', description: 'e', service: s.name, labels: { region: { values: ['eu', 'us'] } } },
    { name: `m${i}_latency`, type: 'histogram', description: 'h', service: s.name, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5] },
    { name: `m${i}_last_success`, type: 'gauge', description: 't', service: s.name },
  ]);
  const conditions = [
    (i) => ({ kind: 'threshold', metric: `m${i}_gauge`, above: 0.9, for: '10m' }),
    (i) => ({ kind: 'threshold', metric: `m${i}_latency`, quantile: 0.95, above: 0.3, for: '5m' }),
    (i) => ({ kind: 'ratio', numerator: { metric: `m${i}_errors` }, denominator: { metric: `m${i}_events` }, above: 0.05, for: '5m' }),
    (i) => ({ kind: 'rate_of_change', metric: `m${i}_gauge`, window: '1h', rising: 0.5 }),
    (i) => ({ kind: 'anomaly', metric: `m${i}_gauge`, window: '1d', for: '5m' }),
    (i) => ({ kind: 'forecast', metric: `m${i}_gauge`, window: '6h', horizon: '4h', above: 0.95, for: '15m' }),
    (i) => ({ kind: 'staleness', metric: `m${i}_last_success`, older_than: '26h' }),
    (i) => ({ kind: 'absence', metric: `m${i}_gauge`, for: '10m' }),
  ];
  return {
    apiVersion: 'vigil.dev/v1',
    services,
    metrics,
    alerts: Array.from({ length: alerts }, (_, n) => {
      const i = n % 10;
      const condition = conditions[n % conditions.length](i);
      return {
        name: `Synthetic${n}`,
        severity: n % 5 === 0 ? 'critical' : 'warning',
        summary: 'value {{ $value | humanize }} on {{ $labels.region }}',
        runbook: 'https://runbooks.example/synthetic',
        ...(n % 7 === 0 && n % 5 !== 0 ? { escalate_after: '1h' } : {}),
        ...(condition.kind === 'absence' || condition.metric?.includes('latency') || condition.metric?.includes('last') ? {} : { by: ['region'] }),
        condition,
      };
    }),
    slos: Array.from({ length: slos }, (_, n) => ({
      name: `slo-${n}`,
      service: `svc-${n % 10}`,
      objective: 99.9,
      sli: n % 2 === 0
        ? { events: { bad: { metric: `m${n % 10}_errors` }, total: { metric: `m${n % 10}_events` } } }
        : { latency: { metric: `m${n % 10}_latency`, threshold: 0.5 } },
    })),
  };
}
