import { describe, expect, it } from 'vitest';
import { alignBytes, growMemory } from './wasmMemory';

const PAGE = 65536;

describe('growMemory', () => {
  it('grows by whole pages to at least the bytes asked for, and leaves a large enough memory alone', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const first = memory.buffer;
    expect(growMemory(memory, PAGE)).toBe(true);
    expect(memory.buffer).toBe(first); // not grown: the buffer is not detached
    expect(growMemory(memory, PAGE + 1)).toBe(true);
    expect(memory.buffer.byteLength).toBe(2 * PAGE);
    expect(growMemory(memory, 4 * PAGE)).toBe(true);
    expect(memory.buffer.byteLength).toBe(4 * PAGE);
  });

  it('returns false, changing nothing, where the memory cannot grow that far', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const buffer = memory.buffer;
    expect(growMemory(memory, 2 * PAGE + 1)).toBe(false);
    expect(memory.buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(PAGE);
  });
});

describe('alignBytes', () => {
  it('rounds up to a cache line by default, or to the multiple given, past 2^31 too', () => {
    expect([0, 1, 63, 64, 65].map((x) => alignBytes(x))).toEqual([0, 64, 64, 64, 128]);
    expect([0, 1, 15, 16, 17].map((x) => alignBytes(x, 16))).toEqual([0, 16, 16, 16, 32]);
    expect(alignBytes(2 ** 31 + 1)).toBe(2 ** 31 + 64);
  });
});
