import { describe, expect, it } from 'vitest';
import { INSTRUMENT_TYPES, isInstrumentType } from './instrument-type.js';

describe('INSTRUMENT_TYPES', () => {
  it('lists the four OpenTelemetry synchronous instruments once each', () => {
    expect(new Set(INSTRUMENT_TYPES).size).toBe(INSTRUMENT_TYPES.length);
    expect([...INSTRUMENT_TYPES].sort()).toEqual(['counter', 'gauge', 'histogram', 'updowncounter']);
  });

  it('recognizes its members and nothing else', () => {
    for (const type of INSTRUMENT_TYPES) expect(isInstrumentType(type)).toBe(true);
    for (const other of ['Counter', 'summary', 'up-down-counter', '', undefined, 3]) expect(isInstrumentType(other)).toBe(false);
  });
});
