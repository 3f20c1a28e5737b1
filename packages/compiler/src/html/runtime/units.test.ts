import { describe, expect, it } from 'vitest';
import { formatBytes, formatSeconds, formatShort, formatSI, formatValue } from './units.js';

describe('formatValue', () => {
  it('formats values in Grafana units', () => {
    expect(formatValue(0.953, 'percentunit')).toBe('95.3%');
    expect(formatValue(42.5, 'percent')).toBe('42.5%');
    expect(formatValue(0.25, 's')).toBe('250 ms');
    expect(formatValue(5400, 's')).toBe('1.5 h');
    expect(formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(formatValue(2048, 'Bps')).toBe('2 KiB/s');
    expect(formatValue(1500, 'decbytes')).toBe('1.5 kB');
    expect(formatValue(12345, 'short')).toBe('12.3k');
    expect(formatValue(3.5, 'ops')).toBe('3.5 ops/s');
    expect(formatValue(1200, 'reqps')).toBe('1.2k req/s');
    expect(formatValue(1500, 'watt')).toBe('1.5 kW');
    expect(formatValue(2, 'kwatth')).toBe('2 kWh');
    expect(formatValue(1200, 'ms')).toBe('1.2 s');
    expect(formatValue(21.456, 'celsius')).toBe('21.5 °C');
    expect(formatValue(7, 'widgets')).toBe('7 widgets');
  });

  it('reads an empty unit as short', () => {
    expect(formatValue(2500, '')).toBe(formatValue(2500, 'short'));
  });

  it('prints missing and infinite values as such', () => {
    expect(formatValue(null, 'short')).toBe('–');
    expect(formatValue(undefined, 's')).toBe('–');
    expect(formatValue(Number.NaN, 's')).toBe('–');
    expect(formatValue(Infinity, 's')).toBe('+Inf');
    expect(formatValue(-Infinity, 'bytes')).toBe('-Inf');
  });
});

describe('unit helpers', () => {
  it('shortens large numbers with SI suffixes and tiny ones as exponents', () => {
    expect(formatShort(999)).toBe('999');
    expect(formatShort(1234)).toBe('1.23k');
    expect(formatShort(-2.5e9)).toBe('-2.5G');
    expect(formatShort(0.0001234)).toBe('1.23e-4');
    expect(formatShort(0)).toBe('0');
  });

  it('picks the SI prefix that keeps the number at least 1, micro at the bottom', () => {
    expect(formatSI(0, 'W')).toBe('0 W');
    expect(formatSI(0.002, 'W')).toBe('2 mW');
    expect(formatSI(3e-9, 'W')).toBe('0.003 µW');
    expect(formatSI(4.2e12, 'Hz')).toBe('4.2 THz');
  });

  it('prints durations in the largest unit below the next', () => {
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(0.0000025)).toBe('2.5 µs');
    expect(formatSeconds(59)).toBe('59 s');
    expect(formatSeconds(90)).toBe('1.5 min');
    expect(formatSeconds(-7200)).toBe('-2 h');
    expect(formatSeconds(172800)).toBe('2 d');
  });

  it('stops at the largest byte unit it has', () => {
    expect(formatBytes(1023, 1024, ['B', 'KiB'])).toBe('1020 B');
    expect(formatBytes(1024 ** 3, 1024, ['B', 'KiB'])).toBe('1050000 KiB');
    expect(formatBytes(-3 * 1024 ** 2, 1024, ['B', 'KiB', 'MiB'])).toBe('-3 MiB');
  });
});
