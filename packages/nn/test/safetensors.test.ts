import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator, randint, randn, type Tensor, tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { loadSafetensors } from '../src/safetensors/loadSafetensors';
import { loadSafetensorsFile } from '../src/safetensors/loadSafetensorsFile';
import { readSafetensorsHeader } from '../src/safetensors/readSafetensorsHeader';
import { SafetensorsError } from '../src/safetensors/SafetensorsError';
import { safetensorsToBlob } from '../src/safetensors/safetensorsToBlob';
import { saveSafetensors } from '../src/safetensors/saveSafetensors';
import { saveSafetensorsFile } from '../src/safetensors/saveSafetensorsFile';

function expectSameTensors(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    const got = actual[name]!;
    expect(got.dtype, name).toBe(t.dtype);
    expect(got.shape, name).toEqual(t.shape);
    // Byte comparison: NaN, -0 and subnormals must survive exactly.
    const bytes = (x: Tensor) => Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength);
    expect(bytes(got).equals(bytes(t)), name).toBe(true);
  }
}

const roundTrip = (sd: Record<string, Tensor>) => loadSafetensors(saveSafetensors(sd));

/** The JSON header of a file, as text (padding included). */
function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

describe('saveSafetensors / loadSafetensors round trips', () => {
  it.each([
    ['float32', tensor([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-45, 3.4e38], { dtype: 'float32' })],
    [
      'float64',
      tensor([1 / 3, -0, Number.NaN, Number.NEGATIVE_INFINITY, 5e-324, 1.7e308], { dtype: 'float64' }),
    ],
    ['int32', tensor([-(2 ** 31), 2 ** 31 - 1, 0, -1, 7], { dtype: 'int32' })],
    ['bool', tensor([true, false, true, true])],
  ] as const)('%s keeps dtype, shape and exact values', (_, t) => {
    const shaped = t.reshape(t.size === 6 ? [2, 3] : [t.size]);
    expectSameTensors(roundTrip({ t: shaped }), { t: shaped });
  });

  it.each(['float32', 'float64', 'int32', 'bool'] as const)('0-d and empty %s tensors', (dtype) => {
    const sd = {
      scalar: tensor(1, { dtype }),
      empty: tensor([], { dtype }),
      empty2x0: tensor([], { dtype, shape: [2, 0] }),
      empty0x3x2: tensor([], { dtype, shape: [0, 3, 2] }),
    };
    const back = roundTrip(sd);
    expectSameTensors(back, sd);
    expect(back.scalar!.shape).toEqual([]);
    expect(back.empty2x0!.shape).toEqual([2, 0]);
  });

  it('large tensors of every dtype', () => {
    const g = new Generator(7);
    const sd = {
      f32: randn([1024, 1024], { generator: g }),
      f64: randn([300_001], { dtype: 'float64', generator: g }),
      i32: randint(-(2 ** 31), 2 ** 31 - 1, [250_000], { generator: g }),
      b: randint(0, 2, [100_003], { generator: g }).to('bool'),
    };
    const bytes = saveSafetensors(sd);
    expect(bytes.length).toBe(
      readSafetensorsHeader(bytes).dataStart + 4 * 1024 * 1024 + 8 * 300_001 + 4 * 250_000 + 100_003,
    );
    expectSameTensors(loadSafetensors(bytes), sd);
  });

  it('an empty state dict is the 16-byte file the reference writes', () => {
    expect([...saveSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(loadSafetensors(saveSafetensors({}))).toEqual({});
    // tensor.rs `test_empty`, with metadata.
    const withMetadata = saveSafetensors({}, { framework: 'pt' });
    expect([...withMetadata.subarray(0, 8)]).toEqual([40, 0, 0, 0, 0, 0, 0, 0]);
    expect(headerText(withMetadata)).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it("matches the reference crate's own serialization test byte for byte", () => {
    // safetensors/src/tensor.rs `test_serialization`: "attn.0", F32 [1,2,3] of 0..5.
    const bytes = saveSafetensors({
      'attn.0': tensor([0, 1, 2, 3, 4, 5], { dtype: 'float32', shape: [1, 2, 3] }),
    });
    expect(headerText(bytes)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect([...bytes.subarray(0, 8)]).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect([...bytes.subarray(72)]).toEqual([
      0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('metadata round trips, and is written first', () => {
    const metadata = { format: 'pt', 'unicode ✓': 'é 😀 "quoted" \\ \n', empty: '' };
    const bytes = saveSafetensors({ w: tensor([1, 2]) }, metadata);
    expect(readSafetensorsHeader(bytes).metadata).toEqual(metadata);
    expect(headerText(bytes).startsWith('{"__metadata__":{"empty":"","format":"pt","unicode ✓":')).toBe(true);
  });

  it('no metadata argument writes no __metadata__ (null when read); {} writes an empty map', () => {
    expect(headerText(saveSafetensors({ w: tensor([1]) }))).not.toContain('__metadata__');
    expect(readSafetensorsHeader(saveSafetensors({ w: tensor([1]) })).metadata).toBeNull();
    expect(readSafetensorsHeader(saveSafetensors({ w: tensor([1]) }, {})).metadata).toEqual({});
  });

  it('the header is padded with spaces so the data starts 8-byte aligned, whatever the name lengths', () => {
    for (let n = 1; n <= 9; n++) {
      const bytes = saveSafetensors({ ['x'.repeat(n)]: tensor([1], { dtype: 'float64' }) });
      const { dataStart } = readSafetensorsHeader(bytes);
      expect(dataStart % 8).toBe(0);
      expect(headerText(bytes)).toMatch(/^\{.*\} {0,7}$/);
    }
  });
});

describe('saveSafetensors: layout', () => {
  it('orders tensors like the reference crate: F64, F32, I32, BOOL, then by name', () => {
    const sd = {
      b_bool: tensor([true]),
      a_bool: tensor([false]),
      z_i32: tensor([1], { dtype: 'int32' }),
      y_f32: tensor([1]),
      a_f32: tensor([1]),
      m_f64: tensor([1], { dtype: 'float64' }),
    };
    expect(Object.keys(readSafetensorsHeader(saveSafetensors(sd)).tensors)).toEqual([
      'm_f64',
      'a_f32',
      'y_f32',
      'z_i32',
      'a_bool',
      'b_bool',
    ]);
  });

  it('sorts names by code point (UTF-8 byte order), not by UTF-16 unit', () => {
    // U+FF5E is one UTF-16 unit above 0xD83D, the lead surrogate of U+1F600, yet below U+1F600.
    const sd = {
      '\u{1F600}': tensor([1]),
      '\uFF5E': tensor([2]),
      Z: tensor([3]),
      a: tensor([4]),
      é: tensor([5]),
    };
    expect(Object.keys(readSafetensorsHeader(saveSafetensors(sd)).tensors)).toEqual([
      'Z',
      'a',
      'é',
      '\uFF5E',
      '\u{1F600}',
    ]);
  });

  it('is deterministic: insertion order of tensors and metadata keys does not matter', () => {
    const a = saveSafetensors({ x: tensor([1]), y: tensor([2], { dtype: 'int32' }) }, { k1: 'a', k2: 'b' });
    const b = saveSafetensors({ y: tensor([2], { dtype: 'int32' }), x: tensor([1]) }, { k2: 'b', k1: 'a' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('writes bool tensors as 0/1 bytes', () => {
    const bytes = saveSafetensors({ b: tensor([true, false, true]) });
    expect([...bytes.subarray(bytes.length - 3)]).toEqual([1, 0, 1]);
  });

  it('writes names such as __proto__ and constructor as ordinary tensors', () => {
    // Object.fromEntries defines own properties, so '__proto__' is a key here, not the prototype.
    const sd: Record<string, Tensor> = Object.fromEntries([
      ['__proto__', tensor([1])],
      ['constructor', tensor([2])],
    ]);
    const back = roundTrip(sd);
    expect(Object.keys(back).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')!.value.item()).toBe(1);
  });
});

describe('saveSafetensors: bad input', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'a non-tensor value',
      () => saveSafetensors({ w: [1, 2] as never }),
      /saveSafetensors: stateDict\["w"\] must be a Tensor, got \[1, 2\]/,
    ],
    [
      'a Variable instead of its value',
      () => saveSafetensors({ w: { value: tensor([1]), grad: null } as never }),
      /must be a Tensor, got \{ value: a float32 Tensor of shape \[1\], grad: null \} \(a Variable or Parameter: pass its \.value/,
    ],
    ['a Map', () => saveSafetensors(new Map() as never), /got a Map \(use Object\.fromEntries\(map\)\)/],
    [
      'null',
      () => saveSafetensors(null as never),
      /stateDict must be an object mapping names to tensors, got null/,
    ],
    ['the reserved name', () => saveSafetensors({ __metadata__: tensor([1]) }), /"__metadata__" is reserved/],
    [
      'a lone surrogate in a name',
      () => saveSafetensors({ '\uD800x': tensor([1]) }),
      /lone UTF-16 surrogate/,
    ],
    ['non-string metadata', () => saveSafetensors({}, { epoch: 3 as never }), /metadata\["epoch"\] is 3 —/],
    [
      'array metadata',
      () => saveSafetensors({}, ['a'] as never),
      /metadata must be an object mapping strings to strings, got \["a"\]/,
    ],
  ];
  it.each(cases)('%s', (_, fn, message) => {
    expect(fn).toThrow(SafetensorsError);
    expect(fn).toThrow(message);
  });
});

describe('loadSafetensors: input buffers', () => {
  const sd = { w: tensor([1.5, -2.25, 3], { dtype: 'float64' }), b: tensor([7, 8], { dtype: 'int32' }) };

  it('accepts an ArrayBuffer, a Uint8Array at an odd offset, and a Node Buffer', () => {
    const bytes = saveSafetensors(sd);
    expectSameTensors(loadSafetensors(bytes.buffer), sd);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSameTensors(loadSafetensors(shifted.subarray(3)), sd);
    expectSameTensors(loadSafetensors(Buffer.from(bytes)), sd);
  });

  it('copies the data out: changing the buffer afterwards leaves the tensors alone', () => {
    const bytes = saveSafetensors(sd);
    const loaded = loadSafetensors(bytes);
    bytes.fill(0xff, readSafetensorsHeader(bytes).dataStart);
    expect(loaded.w!.toArray()).toEqual([1.5, -2.25, 3]);
    expect(loaded.w!.data.buffer).not.toBe(bytes.buffer);
  });

  it('returns tensors in data order and header info with offsets', () => {
    const header = readSafetensorsHeader(saveSafetensors(sd));
    expect(header.tensors).toEqual({
      w: { dtype: 'F64', shape: [3], dataOffsets: [0, 24] },
      b: { dtype: 'I32', shape: [2], dataOffsets: [24, 32] },
    });
  });
});

describe('Node files and browser Blobs', () => {
  const dir = temporaryDirectories('mtl-safetensors-')();
  const sd = {
    '0.weight': tensor([
      [1, 2],
      [3, 4],
    ]),
    '0.bias': tensor([0.5, -0.5]),
  };

  it('saveSafetensorsFile writes saveSafetensors bytes; loadSafetensorsFile reads them back', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, sd, { format: 'pt' });
    expect(readFileSync(path).equals(Buffer.from(saveSafetensors(sd, { format: 'pt' })))).toBe(true);
    expectSameTensors(await loadSafetensorsFile(path), sd);
  });

  it('loadSafetensorsFile on a missing file rejects with the fs error', async () => {
    await expect(loadSafetensorsFile(join(dir, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
  });

  it('safetensorsToBlob round trips through blob.arrayBuffer()', async () => {
    const blob = safetensorsToBlob(sd, { a: 'b' });
    expect(blob.type).toBe('application/octet-stream');
    const buffer = await blob.arrayBuffer();
    expectSameTensors(loadSafetensors(buffer), sd);
    expect(readSafetensorsHeader(buffer).metadata).toEqual({ a: 'b' });
  });
});
