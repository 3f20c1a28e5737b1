import { describe, expect, it } from 'vitest';
import { goFormatG, goFormatShortest, humanize, humanizeDuration, humanizePercentage } from './go-format.js';
import { renderTemplate, TemplateError } from './template.js';

describe('Go float formatting', () => {
  it('formats %v like strconv shortest', () => {
    expect(goFormatShortest(0.15)).toBe('0.15');
    expect(goFormatShortest(1e21)).toBe('1e+21');
    expect(goFormatShortest(1000000)).toBe('1e+06');
    expect(goFormatShortest(123456)).toBe('123456');
    // As promtool renders them (found by generate-accepted.property.test.ts, seed 99).
    expect(goFormatShortest(123456789)).toBe('1.23456789e+08');
    expect(goFormatShortest(12345678.5)).toBe('1.23456785e+07');
    expect(goFormatShortest(13510798882111486)).toBe('1.3510798882111486e+16');
    expect(goFormatShortest(0.0001234)).toBe('0.0001234');
    expect(goFormatShortest(0.00001)).toBe('1e-05');
    expect(goFormatShortest(2)).toBe('2');
  });
  it('formats %.4g without trailing zeros', () => {
    expect(goFormatG(0.3, 4)).toBe('0.3');
    expect(goFormatG(12345, 4)).toBe('1.234e+04');
    expect(goFormatG(123.45, 4)).toBe('123.5');
  });
  it('humanizes like Prometheus', () => {
    expect(humanize(1234567)).toBe('1.235M');
    expect(humanize(0.0123)).toBe('12.3m');
    expect(humanize(0)).toBe('0');
    expect(humanizePercentage(0.1234)).toBe('12.34%');
    expect(humanizeDuration(93784)).toBe('1d 2h 3m 4s');
    expect(humanizeDuration(0.25)).toBe('250ms');
    expect(humanizeDuration(5)).toBe('5s');
  });
});

describe('renderTemplate', () => {
  const data = { labels: { channel: 'news' }, value: 0.15 };
  it('renders values, labels, pipes and printf', () => {
    expect(renderTemplate('{{ $value }} on {{ $labels.channel }}', data)).toBe('0.15 on news');
    expect(renderTemplate('{{ $value | humanizePercentage }}', data)).toBe('15%');
    expect(renderTemplate('{{ printf "%.2f" $value }}', data)).toBe('0.15');
    expect(renderTemplate('{{ $value | printf "%.1f" }}%', data)).toBe('0.1%');
    // As Prometheus renders it (missingkey=zero); found by generate-accepted.property.test.ts.
    expect(renderTemplate('on {{ $labels.missing }}.', data)).toBe('on .');
  });
  it('refuses what it cannot predict rather than guessing', () => {
    expect(() => renderTemplate('{{ range $labels }}x{{ end }}', data)).toThrow(TemplateError);
    expect(() => renderTemplate('{{ $value }}', { labels: {}, value: undefined })).toThrow(TemplateError);
  });
});
