import { loadModel, type Autopilot } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';
import { SHOP_DEFINITIONS } from '../../../../test/support/fake-prometheus.js';
import { initialAutopilotState, step } from '../core/cycle.js';
import { DEMO_TIMING, upwardSeed } from './accelerated-autopilot.js';
import { autopilotContext } from './autopilot-context.js';

function shop(): Autopilot {
  const model = loadModel([{ path: 'defs.yaml', text: SHOP_DEFINITIONS }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return model.value.autopilots[0] as Autopilot;
}

describe('the accelerated autopilot', () => {
  it('picks a seed whose first proposal moves every changed parameter up', () => {
    const autopilot = shop();
    const seed = upwardSeed(autopilot);
    const context = autopilotContext(autopilot);
    const now = Date.UTC(2026, 0, 5, autopilot.daily.hour, autopilot.daily.minute);
    const values = Object.fromEntries(autopilot.parameters.map((p) => [p.name, (p.bounds.min + p.bounds.max) / 2]));
    const started = step(context, initialAutopilotState(context, values, now, seed), { type: 'tick', now });
    const window = { start: now - 60_000, end: now, values: context.kpis.map((k) => ({ kpi: k.name, value: 1, coverage: 1 })) };
    const analysed = step(context, started.state, { type: 'analysis-ready', now, cycleId: started.state.cycle?.cycleId ?? '', window });
    const candidate = analysed.actions.find((a) => a.type === 'WriteCandidate');
    expect(candidate?.type).toBe('WriteCandidate');
    const changes = candidate?.type === 'WriteCandidate' ? candidate.changes : [];
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change.newValue).toBeGreaterThan(change.oldValue);
  });

  it('keeps a demo cycle within minutes, its canary looked at no faster than two 30 s scrapes', () => {
    const { analysisWindowSeconds, canarySeconds, initialDelaySeconds, gapSeconds, lookSeconds } = DEMO_TIMING;
    expect(analysisWindowSeconds + canarySeconds + gapSeconds).toBeLessThanOrEqual(300);
    expect(initialDelaySeconds).toBeGreaterThanOrEqual(60);
    expect(lookSeconds).toBeGreaterThanOrEqual(30);
  });
});
