import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createErrorTracker, fingerprint } from './index.js';

interface Pair {
  same: boolean;
  a: { name: string; message: string };
  b: { name: string; message: string };
}

const corpus = JSON.parse(readFileSync(new URL('./testdata/fingerprint-pairs.json', import.meta.url), 'utf8')) as { pairs: Pair[] };

function rate(pairs: Pair[]): { right: number; total: number; wrong: string[] } {
  const wrong = pairs.filter((p) => (fingerprint(p.a) === fingerprint(p.b)) !== p.same).map((p) => `${p.a.message} | ${p.b.message}`);
  return { right: pairs.length - wrong.length, total: pairs.length, wrong };
}

describe('F1: fingerprints on a corpus of realistic error pairs', () => {
  const same = corpus.pairs.filter((p) => p.same);
  const different = corpus.pairs.filter((p) => !p.same);

  it('holds at least 50 pairs of both kinds', () => {
    expect(corpus.pairs.length).toBeGreaterThanOrEqual(50);
    expect(same.length).toBeGreaterThanOrEqual(25);
    expect(different.length).toBeGreaterThanOrEqual(25);
  });

  it('groups at least 95% of the pairs that are the same error', () => {
    const result = rate(same);
    console.info(`fingerprint corpus, same pairs grouped: ${result.right}/${result.total}`);
    expect(result.right / result.total, result.wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('splits at least 95% of the pairs that are different errors', () => {
    const result = rate(different);
    console.info(`fingerprint corpus, different pairs split: ${result.right}/${result.total}`);
    if (result.wrong.length > 0) console.info(result.wrong.join("\n"));
    expect(result.right / result.total, result.wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});

describe('F2: group messages carry no personal data', () => {
  it('keeps messages with e-mails, names, secrets and values replaced', () => {
    const tracker = createErrorTracker({ target: new VigilMetricProducer() });
    for (const message of [
      'No user with email alice.smith@example.com',
      'could not connect to postgres://tta_admin:hunter2@db1.internal:5432/tta',
      'Session for patient Maria Garcia could not be saved',
      "duplicate key: Key (email)=(bob@x.org) already exists.",
      'password=hunter2 rejected for login',
    ]) {
      tracker.track(new Error(message), { component: 'authentication', severity: 'low' });
    }
    const text = tracker.groups().map((g) => g.message).join('\n');
    for (const leaked of ['alice.smith', 'example.com', 'hunter2', 'tta_admin', 'Maria', 'Garcia', 'bob@x.org']) expect(text).not.toContain(leaked);
  });
});
