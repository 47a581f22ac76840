import { afterEach, describe, expect, it } from 'vitest';
import { bufferPoolBytes, clearBufferPool, openBufferScope } from './bufferPool';
import { zeros } from './creation/fill';
import { allocate } from './dtype';

afterEach(() => clearBufferPool());

describe('buffer reuse', () => {
  it('hands a released buffer to the next allocation of its byte length, zero-filled', () => {
    const scope = openBufferScope();
    try {
      const a = allocate('float32', 1024);
      a.fill(7);
      expect(scope.release(a.buffer)).toBe(true);
      expect(bufferPoolBytes()).toBe(4096);
      // Another dtype of the same byte length takes it, as zeros.
      const b = allocate('int32', 1024);
      expect(b.buffer).toBe(a.buffer);
      expect(b.every((v) => v === 0)).toBe(true);
      expect(bufferPoolBytes()).toBe(0);
      // Another byte length does not.
      scope.release(b.buffer);
      expect(allocate('float32', 2048).buffer).not.toBe(b.buffer);
    } finally {
      scope.close();
    }
  });

  it('takes back only buffers made inside the scope, once', () => {
    const before = allocate('float32', 1024);
    const scope = openBufferScope();
    try {
      expect(scope.release(before.buffer)).toBe(false);
      expect(scope.release(new ArrayBuffer(4096))).toBe(false);
      const made = zeros([32, 32]).data;
      expect(scope.release(made.buffer)).toBe(true);
      expect(scope.release(made.buffer)).toBe(false);
      expect(bufferPoolBytes()).toBe(4096);
    } finally {
      scope.close();
    }
    // Closed: buffers made now are no scope's.
    const after = allocate('float32', 4096);
    expect(scope.release(after.buffer)).toBe(false);
  });

  it('lets the innermost scope note buffers, and the outer one again once it closes', () => {
    const outer = openBufferScope();
    const inner = openBufferScope();
    const a = allocate('float32', 1024);
    inner.close();
    const b = allocate('float32', 1024);
    outer.close();
    expect(outer.release(a.buffer)).toBe(false);
    expect(inner.release(a.buffer)).toBe(true);
    expect(inner.release(b.buffer)).toBe(false);
    expect(outer.release(b.buffer)).toBe(true);
  });

  it('does not keep small buffers (a fresh one costs as little)', () => {
    const scope = openBufferScope();
    try {
      const small = allocate('float32', 255);
      expect(scope.release(small.buffer)).toBe(false);
      expect(bufferPoolBytes()).toBe(0);
    } finally {
      scope.close();
    }
  });

  it('holds at most 64 MiB; the rest is left to the garbage collector', () => {
    const scope = openBufferScope();
    try {
      const arrays = Array.from({ length: 17 }, () => allocate('float32', 2 ** 20)); // 4 MiB each
      for (const a of arrays) expect(scope.release(a.buffer)).toBe(true);
      expect(bufferPoolBytes()).toBe(16 * 4 * 2 ** 20);
      clearBufferPool();
      expect(bufferPoolBytes()).toBe(0);
    } finally {
      scope.close();
    }
  });
});
