/**
 * Sets `record[key] = value` as an own, enumerable property, even for the key `__proto__` (a
 * plain assignment would replace the prototype). Names in a file are data, not code. Every other
 * key is assigned plainly: a header can name millions of tensors, and defining each property
 * costs several times an assignment.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}
