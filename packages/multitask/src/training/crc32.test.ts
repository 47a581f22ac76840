import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';

/** zlib's CRC-32, read from the gzip trailer (Node 20 has no zlib.crc32). */
function zlibCrc(bytes: Uint8Array): number {
  const gz = gzipSync(bytes);
  return new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 4).getUint32(0, true);
}

describe('crc32', () => {
  it('matches the check value and zlib on every length around the 8-byte blocks', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 24);
    for (const n of [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 999, 1000])
      expect(crc32(bytes.subarray(0, n))).toBe(zlibCrc(bytes.subarray(0, n)));
  });
});
