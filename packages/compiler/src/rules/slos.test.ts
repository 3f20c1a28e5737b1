import { describe, expect, it } from 'vitest';
import { generate } from '../generate.js';

const definitions = (tiers: string) => `apiVersion: vigil.dev/v1
services:
  - { name: api, team: web }
metrics:
  - { name: api_requests, type: counter, description: Requests, service: api, labels: { code: { values: ["200", "500"] } } }
slos:
  - name: availability
    service: api
    objective: 99.9
    sli: { events: { bad: { metric: api_requests, matchers: { code: "500" } }, total: { metric: api_requests } } }
    alerting: { tiers: ${tiers} }
`;

function sloRules(tiers: string) {
  const result = generate([{ path: 'definitions/api.yaml', text: definitions(tiers) }]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value.rules.flatMap((file) => file.groups.flatMap((group) => group.rules));
}

describe('SLO rules', () => {
  it.each([
    ['every tier', '{ fast: true, medium: true, slow: true, slowest: true }', '5m'],
    ['no fast tier', '{ fast: false, medium: true, slow: true, slowest: true }', '30m'],
    ['only the slowest tier', '{ fast: false, medium: false, slow: false, slowest: true }', '6h'],
  ])('with %s, reads only series it records, the current burn rate from the shortest window', (_, tiers, shortest) => {
    const rules = sloRules(tiers);
    const recorded = new Set(rules.flatMap((rule) => (rule.type === 'recording' ? [rule.record] : [])));
    for (const rule of rules) {
      for (const used of rule.expr.match(/\bslo:[a-z_:0-9]+/g) ?? []) expect(recorded, `${used} in ${rule.expr}`).toContain(used);
    }
    const current = rules.find((rule) => rule.type === 'recording' && rule.record === 'slo:current_burn_rate:ratio');
    expect(current?.expr).toContain(`slo:sli_error:ratio_rate${shortest}{`);
  });
});
