/** Formatting of values in Grafana unit ids, as the page prints them on axes, legends and numbers. */

function trimNumber(value: number, digits: number): string {
  return String(Number(value.toPrecision(digits)));
}

const SHORT_SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** A plain number with an SI suffix past a thousand (1234 -> 1.23k). */
export function formatShort(value: number): string {
  const abs = Math.abs(value);
  for (const [factor, suffix] of SHORT_SUFFIXES) {
    if (abs >= factor) return trimNumber(value / factor, 3) + suffix;
  }
  if (abs !== 0 && abs < 0.001) return value.toExponential(2);
  return trimNumber(value, 3);
}

const SI_PREFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
];

/** A value with an SI-prefixed symbol (1500 W -> 1.5 kW, 0.002 W -> 2 mW). */
export function formatSI(value: number, symbol: string): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0 ' + symbol;
  const [factor, prefix] = SI_PREFIXES.find(([factor]) => abs >= factor) ?? (SI_PREFIXES[SI_PREFIXES.length - 1] as [number, string]);
  return trimNumber(value / factor, 3) + ' ' + prefix + symbol;
}

/** A duration in seconds in the largest unit under which it stays below one of the next. */
export function formatSeconds(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return trimNumber(value * 1e6, 3) + ' µs';
  if (abs < 1) return trimNumber(value * 1e3, 3) + ' ms';
  if (abs < 60) return trimNumber(value, 3) + ' s';
  if (abs < 3600) return trimNumber(value / 60, 3) + ' min';
  if (abs < 86400) return trimNumber(value / 3600, 3) + ' h';
  return trimNumber(value / 86400, 3) + ' d';
}

const IEC_BYTES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DECIMAL_BYTES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** A size in the largest of `names` (each `base` times the previous) that keeps it at least 1. */
export function formatBytes(value: number, base: number, names: readonly string[]): string {
  let abs = Math.abs(value);
  let i = 0;
  while (abs >= base && i < names.length - 1) {
    abs /= base;
    i++;
  }
  return trimNumber(value / Math.pow(base, i), 3) + ' ' + names[i];
}

/** Formats a value in a Grafana unit id (percentunit, s, bytes, reqps, short, ...); `–` for none. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  // Grafana's unit ids are an open set: anything unknown is printed after the number.
  switch (unit || 'short') {
    case 'percentunit':
      return trimNumber(value * 100, 3) + '%';
    case 'percent':
      return trimNumber(value, 3) + '%';
    case 's':
    case 'dtdurations':
      return formatSeconds(value);
    case 'ms':
      return formatSeconds(value / 1000);
    case 'µs':
      return formatSeconds(value / 1e6);
    case 'ns':
      return formatSeconds(value / 1e9);
    case 'm':
      return formatSeconds(value * 60);
    case 'h':
      return formatSeconds(value * 3600);
    case 'd':
      return formatSeconds(value * 86400);
    case 'bytes':
      return formatBytes(value, 1024, IEC_BYTES);
    case 'kbytes':
      return formatBytes(value * 1024, 1024, IEC_BYTES);
    case 'mbytes':
      return formatBytes(value * 1048576, 1024, IEC_BYTES);
    case 'gbytes':
      return formatBytes(value * 1073741824, 1024, IEC_BYTES);
    case 'Bps':
      return formatBytes(value, 1024, IEC_BYTES) + '/s';
    case 'KiBs':
      return formatBytes(value * 1024, 1024, IEC_BYTES) + '/s';
    case 'MiBs':
      return formatBytes(value * 1048576, 1024, IEC_BYTES) + '/s';
    case 'bits':
      return formatSI(value, 'b');
    case 'bps':
      return formatSI(value, 'b/s');
    case 'watt':
      return formatSI(value, 'W');
    case 'kwatt':
      return formatSI(value * 1000, 'W');
    case 'watth':
      return formatSI(value, 'Wh');
    case 'kwatth':
      return formatSI(value * 1000, 'Wh');
    case 'joule':
      return formatSI(value, 'J');
    case 'massg':
      return formatSI(value, 'g');
    case 'masskg':
      return formatSI(value * 1000, 'g');
    case 'masst':
      return formatSI(value * 1e6, 'g');
    case 'hertz':
      return formatSI(value, 'Hz');
    case 'celsius':
      return trimNumber(value, 3) + ' °C';
    case 'decbytes':
      return formatBytes(value, 1000, DECIMAL_BYTES);
    case 'reqps':
      return formatShort(value) + ' req/s';
    case 'ops':
      return formatShort(value) + ' ops/s';
    case 'short':
    case 'none':
      return formatShort(value);
    default:
      return formatShort(value) + ' ' + unit;
  }
}
