import { expect } from 'vitest';

/**
 * Runs `fn`, expecting it to throw an error of `type` (a typed error such as ValueError or
 * OptimError, never a generic one) whose message contains every string part and matches every
 * RegExp part. Returns the error for further checks.
 */
export function expectTyped(
  fn: () => unknown,
  type: new (...args: never[]) => Error,
  ...parts: (string | RegExp)[]
): Error {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(type);
  const message = (caught as Error).message;
  for (const part of parts) {
    if (typeof part === 'string') expect(message).toContain(part);
    else expect(message).toMatch(part);
  }
  return caught as Error;
}
