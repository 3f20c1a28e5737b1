import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('Prometheus durations', () => {
  it('parses one or more terms, largest unit first, into seconds', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('1y2w')).toBe(31536000 + 2 * 604800);
    expect(parseDuration('250ms')).toBe(0.25);
  });

  it('rejects what Prometheus rejects', () => {
    for (const text of ['', '6', 'h', '1.5h', '30m1h', 'now-6h', ' 6h', 'soon']) expect(parseDuration(text), text).toBeUndefined();
  });

  it('prints the shortest duration, which parses back to the same seconds', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90)).toBe('1m30s');
    expect(formatDuration(120)).toBe('2m');
    expect(formatDuration(86400)).toBe('1d');
    expect(formatDuration(0.5)).toBe('500ms');
    for (const seconds of [1, 59, 61, 3599, 3661, 90061, 604800]) expect(parseDuration(formatDuration(seconds))).toBe(seconds);
  });
});
