// Prints the 30-day autopilot simulation's summary and the judge's Monte Carlo figures
// (false-alarm rate of an A/A canary watched every minute, power against a 5% degradation).
// Run after `npm run build`. Optional: --seed N, --runs N (Monte Carlo runs, default 1000).
import { AUTOPILOT_DEFAULTS, runAutopilotSimulation, simulateCanaryRuns } from '@vigil/controller';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seed = option('seed', 42);
const runs = option('runs', 1000);

const s = runAutopilotSimulation({ seed });
const pct = (v) => `${(v * 100).toFixed(2)}%`;
console.log(`30-day simulation (seed ${seed})`);
console.log(`  cycles: ${Object.entries(s.cycles).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`  true conversion: initial ${pct(s.conversion.initial)}, before the regime change ${pct(s.conversion.beforeRegimeChange)}, final ${pct(s.conversion.final)} (initial parameters under the new regime: ${pct(s.conversion.finalAtInitialValues)})`);
console.log(`  rollbacks: ${s.rollbacks.length} (bug canaries rolled back ${s.bugCanariesRolledBack}/${s.bugCanaries})`);
for (const r of s.rollbacks) console.log(`    ${r.cycleId} ${r.outcome}: ${r.reason}`);
console.log(`  drift pauses: ${s.driftPauses.length}`);
for (const p of s.driftPauses) console.log(`    ${p.at} -> ${p.until}: ${p.reason}`);
console.log(`  validation pauses ${s.validationPauses}, restarts recovered ${s.recoveries}, triage reports ${s.triageReports}, bounds violations ${s.boundsViolations}`);
for (const p of s.finalParameters) console.log(`    ${p.name} = ${p.value.toPrecision(4)} in [${p.bounds[0].toPrecision(4)}, ${p.bounds[1].toPrecision(4)}]`);

const kpi = { name: 'conversion', query: 'q', direction: 'higher-is-better', weight: 1, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0, minimumDetectableEffect: 0.05 };
const base = { runs, minutes: 60, requestsPerMinute: 10_000, canaryTrafficShare: 0.2, baselineRate: 0.1, kpi, config: AUTOPILOT_DEFAULTS.judge };
const aa = simulateCanaryRuns({ ...base, canaryRelativeChange: 0, seed: 20_261_123 });
const ab = simulateCanaryRuns({ ...base, canaryRelativeChange: -0.05, seed: 7 });
console.log(`\nJudge under per-minute looks (${runs} runs, 60 looks, 10,000 req/min, 20% canary, conversion 10%, alpha ${AUTOPILOT_DEFAULTS.judge.alpha})`);
console.log(`  A/A false alarms: ${aa.rollbacks}/${runs} = ${pct(aa.rollbackRate)} (early stops ${aa.earlyStops}, final rollbacks ${aa.finalRollbacks})`);
console.log(`  A/B -5% caught:   ${ab.rollbacks}/${runs} = ${pct(ab.rollbackRate)} (early stops ${ab.earlyStops} at minute ${ab.meanStopMinute.toFixed(1)} on average, final rollbacks ${ab.finalRollbacks})`);
