/**
 * The byte-swapping paths a big-endian host takes (DataView reads and writes with explicit
 * little-endian order), run here by pretending the host is big-endian: they must give the same
 * bytes and values as the typed-array fast paths.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '@mtl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { loadSafetensors } from '../src/safetensors/loadSafetensors';
import { saveSafetensors } from '../src/safetensors/saveSafetensors';

vi.mock('../src/safetensors/hostIsLittleEndian', () => ({ hostIsLittleEndian: false }));

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`./fixtures/safetensors/${name}`, import.meta.url))));

describe('safetensors on a (simulated) big-endian host', () => {
  it('writes the same bytes as PyTorch', () => {
    const loaded = loadSafetensors(fixture('torch-sequential-f64.safetensors'));
    expect(Buffer.from(saveSafetensors(loaded)).equals(fixture('torch-sequential-f64.safetensors'))).toBe(
      true,
    );
    const f32 = loadSafetensors(fixture('torch-sequential-f32.safetensors'));
    expect(
      Buffer.from(saveSafetensors(f32, { format: 'pt' })).equals(fixture('torch-sequential-f32.safetensors')),
    ).toBe(true);
  });

  it('round trips every dtype it writes', () => {
    const sd = {
      f32: tensor([1.5, -0, Number.NaN, 3e38], { dtype: 'float32' }),
      f64: tensor([1 / 3, -1e300], { dtype: 'float64' }),
      i32: tensor([-(2 ** 31), 2 ** 31 - 1, 5], { dtype: 'int32' }),
      b: tensor([true, false]),
    };
    const back = loadSafetensors(saveSafetensors(sd));
    for (const [name, t] of Object.entries(sd)) {
      expect(back[name]!.dtype).toBe(t.dtype);
      expect([...back[name]!.data]).toEqual([...t.data]);
    }
    expect(Object.is(back.f32!.data[1], -0)).toBe(true);
  });
});
