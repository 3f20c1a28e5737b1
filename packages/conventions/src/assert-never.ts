/** Marks the end of an exhaustive `switch` over a closed set: a new member fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
