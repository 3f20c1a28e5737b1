import type { Matcher } from './types.js';

/** A PromQL-anchored regex match; an invalid pattern matches nothing (the model reports it at its line). */
function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** Whether a label value satisfies a matcher. */
export function satisfies(matcher: Matcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return fullMatch(matcher.value, value);
    case '!~':
      return !fullMatch(matcher.value, value);
  }
}
