/**
 * The instrument types of a Vigil catalog, in the order the catalog documents them. They are
 * OpenTelemetry's synchronous instruments; each exports differently (see the naming rules).
 */
export const INSTRUMENT_TYPES = ['counter', 'updowncounter', 'gauge', 'histogram'] as const;

/**
 * One instrument type: `counter` (monotonic sum), `updowncounter` (non-monotonic sum), `gauge`
 * (last value) or `histogram` (bucketed distribution).
 */
export type InstrumentType = (typeof INSTRUMENT_TYPES)[number];

/** True when `value` is one of {@link INSTRUMENT_TYPES}, for input read as plain strings. */
export function isInstrumentType(value: unknown): value is InstrumentType {
  return typeof value === 'string' && (INSTRUMENT_TYPES as readonly string[]).includes(value);
}
