/**
 * Orders strings by UTF-16 code unit, the same on every machine. `localeCompare` follows the
 * process's locale (ICU), so generated files could differ between machines, and it is ~10x slower.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
