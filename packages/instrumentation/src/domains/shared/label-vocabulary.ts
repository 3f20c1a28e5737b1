import { createHmac } from 'node:crypto';
import { isSafeLabelValue } from './redact.js';

/**
 * The value a vocabulary label takes for a value nobody declared. Free text never becomes a
 * label value: what reaches a label is a declared value, this, or a keyed pseudonym.
 */
export const UNDECLARED_LABEL_VALUE = 'other';

/**
 * A label's declared vocabulary. The values are checked once, at construction (identifier-like,
 * distinct, within the label's cap with a slot left for {@link UNDECLARED_LABEL_VALUE}); at
 * recording a declared value is itself and anything else is `other`. A screen would let a value
 * that merely looks harmless through (`alice`); a declared set lets nothing through that the
 * application did not write down. Messages name the rule and the position, never the value.
 */
export class LabelVocabulary {
  readonly #values: ReadonlySet<string>;

  /**
   * @param option the option's name, for messages (`models`)
   * @param values the declared values
   * @param cap the label's cap: at most `cap - 1` values, since `other` takes a slot
   * @param always values the module itself records (`quarantine`), added when not declared
   */
  constructor(option: string, values: readonly string[] | undefined, cap: number, always: readonly string[] = []) {
    if (values !== undefined && !Array.isArray(values)) throw new TypeError(`${option} must be an array of label values`);
    const all = [...(values ?? [])];
    for (const value of always) if (!all.includes(value)) all.push(value);
    all.forEach((value, index) => {
      if (typeof value !== 'string' || !isSafeLabelValue(value) || value === UNDECLARED_LABEL_VALUE) {
        throw new TypeError(
          `${option}[${index}] must be an identifier-like label value (a letter, then letters, digits, _ . : / -, at most 64 characters, no id-like part), other than "${UNDECLARED_LABEL_VALUE}"`,
        );
      }
    });
    const set = new Set(all);
    if (set.size !== all.length) throw new TypeError(`${option} must not repeat a value`);
    if (set.size > cap - 1) throw new RangeError(`${option} may declare at most ${cap - 1} values (the label's cap is ${cap}, one slot is "${UNDECLARED_LABEL_VALUE}")`);
    this.#values = set;
  }

  /** The declared values. */
  get values(): readonly string[] {
    return [...this.#values];
  }

  /** Whether `input` is declared. */
  has(input: unknown): boolean {
    return typeof input === 'string' && this.#values.has(input);
  }

  /** The label value for `input`: itself when declared, else `other`. */
  valueOf(input: unknown): string {
    return this.has(input) ? (input as string) : UNDECLARED_LABEL_VALUE;
  }
}

/** Hex digits of a label pseudonym: 64 bits, so collisions among a few hundred ids are negligible. */
const PSEUDONYM_HEX = 16;

/**
 * A keyed label pseudonym: `prefix` + the first 16 hex digits of HMAC-SHA256(key, value). The
 * key is checked as the engagement module checks its key (32+ bytes, high entropy); without the
 * key, a pseudonym cannot be recomputed from a guessed id.
 */
export function labelPseudonymizer(key: Buffer, prefix: string): (value: string) => string {
  return (value) => `${prefix}${createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, PSEUDONYM_HEX)}`;
}
