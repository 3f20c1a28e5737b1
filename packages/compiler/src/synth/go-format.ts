/**
 * Go's float formatting as Prometheus templates use it, so generated tests can predict the
 * exact text of rendered annotations.
 */

function exponentForm(mantissa: string, exponent: number): string {
  const sign = exponent < 0 ? '-' : '+';
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

/** `fmt.Sprint(float64)`: `%v`, i.e. `strconv.FormatFloat(v, 'g', -1, 64)`. */
export function goFormatShortest(value: number): string {
  const s = special(value);
  if (s !== undefined) return s;
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exp = '0'] = value.toExponential().split('e');
  const exponent = Number(exp);
  // Go's strconv: "if precision was the shortest possible, use precision 6 for this decision",
  // whatever the number of digits (promtool renders 123456789 as 1.23456789e+08).
  if (exponent < -4 || exponent >= 6) return exponentForm(mantissa, exponent);
  return toPlain(mantissa, exponent);
}

function toPlain(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/[-.]/g, '');
  let out: string;
  if (exponent >= 0) {
    out = digits.length > exponent + 1 ? `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}` : digits.padEnd(exponent + 1, '0');
  } else {
    out = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return negative ? `-${out}` : out;
}

/**
 * `toExponential(digits - 1)`, but rounding exact ties to even as Go does (JavaScript rounds
 * them up): 12345 at 4 digits is 1.234e+04 in Go.
 */
function exponentialHalfEven(value: number, digits: number): string {
  const wide = Math.abs(value).toExponential(Math.min(100, digits - 1 + 30));
  const [mantissa = '', exp = '0'] = wide.split('e');
  const all = mantissa.replace('.', '');
  const rest = all.slice(digits);
  const kept = all.slice(0, digits);
  const tie = /^50*$/.test(rest);
  if (!tie || Number(kept[kept.length - 1]) % 2 === 1) return value.toExponential(digits - 1);
  const sign = value < 0 ? '-' : '';
  return `${sign}${kept[0]}${kept.length > 1 ? `.${kept.slice(1)}` : ''}e${Number(exp) < 0 ? '' : '+'}${Number(exp)}`;
}

/** `fmt.Sprintf("%.<precision>g", v)`. */
export function goFormatG(value: number, precision: number): string {
  const s = special(value);
  if (s !== undefined) return s;
  const p = precision === 0 ? 1 : precision;
  if (value === 0) return '0';
  const [rawMantissa = '', exp = '0'] = exponentialHalfEven(value, p).split('e');
  const exponent = Number(exp);
  // %g drops trailing zeros (no '#' flag).
  const mantissa = rawMantissa.includes('.') ? rawMantissa.replace(/\.?0+$/, '') : rawMantissa;
  if (exponent < -4 || exponent >= p) return exponentForm(mantissa, exponent);
  return toPlain(mantissa, exponent);
}

/** `fmt.Sprintf("%.<precision>f", v)` (Go rounds half to even on the exact binary value, as JS does). */
export function goFormatF(value: number, precision: number): string {
  const s = special(value);
  if (s !== undefined) return s;
  return value.toFixed(precision);
}

const BIG = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

/** Prometheus' `humanize`. */
export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return goFormatG(value, 4);
  let v = value;
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of BIG) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${goFormatG(v, 4)}${prefix}`;
  }
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goFormatG(v, 4)}${prefix}`;
}

/** Prometheus' `humanizePercentage`. */
export function humanizePercentage(value: number): string {
  return `${goFormatG(value * 100, 4)}%`;
}

/** Prometheus' `humanizeDuration` (seconds in, `1d 2h 3m 4s` out). */
export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return goFormatG(value, 4);
  if (value === 0) return `${goFormatG(value, 4)}s`;
  if (Math.abs(value) >= 1) {
    const sign = value < 0 ? '-' : '';
    const v = Math.abs(value);
    const whole = Math.trunc(v);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goFormatG(v, 4)}s`;
  }
  let v = value;
  let prefix = '';
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goFormatG(v, 4)}${prefix}s`;
}
