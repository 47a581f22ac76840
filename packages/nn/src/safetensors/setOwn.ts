/**
 * Sets `record[key] = value` as an own, enumerable property, even for keys like `__proto__`
 * (a plain assignment would replace the prototype). Names in a file are data, not code.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
