// Shared by the compiler and the HTML page runtime (html/runtime/, bundled for browsers): keep
// it pure and free of imports, since the runtime's TypeScript project lists it file by file.

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Prometheus duration syntax: one or more `<integer><unit>` terms, largest unit first. */
export const DURATION_PATTERN = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Parses a Prometheus duration (`1h30m`) into seconds; `undefined` when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '' || !DURATION_PATTERN.test(text)) return undefined;
  let seconds = 0;
  for (const match of text.matchAll(/(\d+)(ms|[smhdwy])/g)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
  }
  return seconds;
}

/** Formats seconds as the shortest Prometheus duration (`5400` -> `1h30m`). */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds === 0) return '0s';
  let rest = Math.round(totalSeconds * 1000);
  let out = '';
  for (const [unit, ms] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (rest >= ms) {
      out += `${Math.floor(rest / ms)}${unit}`;
      rest %= ms;
    }
  }
  return out;
}
