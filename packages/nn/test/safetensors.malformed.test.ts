/**
 * Malformed safetensors files: each is rejected with a SafetensorsError whose message names the
 * problem, before anything is decoded, and without allocating more than the file's size.
 */
import { MtlError } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from '../src/safetensors/loadSafetensors';
import { readSafetensorsHeader } from '../src/safetensors/readSafetensorsHeader';
import { SafetensorsError } from '../src/safetensors/SafetensorsError';

/** A file from a header (JSON text, or a value to stringify) and a data buffer. */
function file(
  header: string | object,
  data: number | number[] = 0,
  { headerLength }: { headerLength?: bigint } = {},
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : new Uint8Array(data);
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** A file whose header bytes are given raw. */
function rawHeaderFile(headerBytes: number[]): Uint8Array {
  const out = new Uint8Array(8 + headerBytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  return out;
}

const f32 = (shape: number[], offsets: [number, number]) => ({ dtype: 'F32', shape, data_offsets: offsets });

function expectRejected(bytes: unknown, message: RegExp): void {
  for (const read of [loadSafetensors, readSafetensorsHeader]) {
    let error: unknown;
    try {
      read(bytes as Uint8Array);
    } catch (e) {
      error = e;
    }
    expect(error, `${read.name} should throw`).toBeInstanceOf(SafetensorsError);
    expect(error).toBeInstanceOf(MtlError);
    expect((error as Error).name).toBe('SafetensorsError');
    expect((error as Error).message.startsWith(`${read.name}: `)).toBe(true);
    expect((error as Error).message).toMatch(message);
  }
}

describe('safetensors: malformed files are rejected', () => {
  const cases: [string, unknown, RegExp][] = [
    // The 8-byte length and the header's extent.
    ['an empty file', new Uint8Array(0), /the file is 0 bytes, shorter than the 8-byte header length/],
    [
      'a file shorter than 8 bytes',
      new Uint8Array(5),
      /the file is 5 bytes, shorter than the 8-byte header length/,
    ],
    [
      'a header length past the end of the file',
      file('{}', 12, { headerLength: 100n }),
      /the header length is 100 bytes, past the end of the file \(8 \+ 100 > 22 bytes\)/,
    ],
    [
      'a header over 100 MB',
      file('{}', 0, { headerLength: 100_000_001n }),
      /the header length is 100000001 bytes, over the 100 MB limit \(100000000\)/,
    ],
    [
      'a header length of 2^64 - 1',
      file('{}', 0, { headerLength: 2n ** 64n - 1n }),
      /the header length is 18446744073709551615 bytes, over the 100 MB limit/,
    ],
    // The header's text.
    [
      'a header that is not UTF-8',
      rawHeaderFile([0x7b, 0xff, 0xfe, 0x7d]),
      /the header \(bytes 8 to 12\) is not valid UTF-8/,
    ],
    [
      'a UTF-8 byte-order mark',
      rawHeaderFile([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      /the header is not valid JSON — unexpected token at character 0/,
    ],
    ['truncated JSON', file('{"a":'), /the header is not valid JSON — unexpected end at character 5/],
    [
      'text after the JSON',
      file('{} x'),
      /the header is not valid JSON — unexpected text after the JSON value/,
    ],
    ['a trailing comma', file('{"a":1,}'), /the header is not valid JSON — expected a string key/],
    ['a control character in a string', file('{"a\n":1}'), /unescaped control character/],
    [
      'very deep nesting',
      file('['.repeat(100_000)),
      /the header is not valid JSON — nesting deeper than 64 levels/,
    ],
    // The header's structure.
    [
      'a header that is an array',
      file('[1,2]'),
      /the header must be a JSON object mapping tensor names to \{dtype, shape, data_offsets\}, got \[1,2\]/,
    ],
    ['a header that is a string', file('"weights"'), /the header must be a JSON object .*got "weights"/],
    ['a header that is null', file('null  '), /the header must be a JSON object .*got null/],
    [
      'a tensor entry that is not an object',
      file({ w: 3 }),
      /tensor "w" must be an object \{dtype, shape, data_offsets\}, got 3/,
    ],
    ['a missing dtype', file({ w: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor "w" has no "dtype"/],
    ['a missing shape', file({ w: { dtype: 'F32', data_offsets: [0, 4] } }, 4), /tensor "w" has no "shape"/],
    [
      'missing data_offsets',
      file({ w: { dtype: 'F32', shape: [1] } }, 4),
      /tensor "w" has no "data_offsets"/,
    ],
    [
      'a dtype that is not a string',
      file({ w: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "w" has dtype 4, which is not a string/,
    ],
    [
      'an unknown dtype',
      file({ w: { dtype: 'F31', shape: [1], data_offsets: [0, 4] } }, 4),
      /tensor "w" has unknown dtype "F31" \(safetensors dtypes: BOOL, U8, I8/,
    ],
    [
      'a lower-case dtype',
      file({ w: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }, 4),
      /unknown dtype "f32"/,
    ],
    // Shapes.
    [
      'a shape that is not a list',
      file({ w: f32(3 as never, [0, 12]) }, 12),
      /tensor "w" has shape 3; a shape must be a list of non-negative integers/,
    ],
    [
      'a negative dimension',
      file({ w: f32([2, -1], [0, 8]) }, 8),
      /tensor "w" has shape \[2,-1\]; a shape must be a list of non-negative integers/,
    ],
    [
      'a fractional dimension',
      file('{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}', 8),
      /has shape \[2\.5\]/,
    ],
    [
      'a dimension written as 2.0',
      file('{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}', 8),
      /has shape \[2\.0\]/,
    ],
    ['a dimension that is a string', file({ w: f32(['2'] as never, [0, 8]) }, 8), /has shape \["2"\]/],
    [
      'a dimension past 2^53',
      file('{"w":{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,8]}}', 8),
      /has shape \[9007199254740992\]/,
    ],
    // Offsets.
    [
      'data_offsets with begin > end',
      file({ w: f32([1], [8, 4]) }, 8),
      /tensor "w" has data_offsets \[8,4\]; they must be \[begin, end\], non-negative integers with begin <= end/,
    ],
    [
      'data_offsets of one number',
      file({ w: f32([1], [4] as never) }, 4),
      /has data_offsets \[4\]; they must be \[begin, end\]/,
    ],
    [
      'data_offsets of three numbers',
      file({ w: f32([1], [0, 4, 8] as never) }, 4),
      /has data_offsets \[0,4,8\]/,
    ],
    ['negative data_offsets', file({ w: f32([1], [-4, 0]) }, 4), /has data_offsets \[-4,0\]/],
    ['data_offsets that are a string', file({ w: f32([1], '0,4' as never) }, 4), /has data_offsets "0,4"/],
    [
      'offsets past the end of the buffer',
      file({ w: f32([4], [0, 16]) }, 8),
      /tensor "w" has data_offsets \[0,16\], past the end of the data buffer \(8 bytes\)/,
    ],
    [
      'offsets far past the end (no huge allocation)',
      file({ w: { dtype: 'U8', shape: [1e15], data_offsets: [0, 1e15] } }, 8),
      /data_offsets \[0,1000000000000000\], past the end of the data buffer \(8 bytes\)/,
    ],
    [
      'a size that disagrees with shape × dtype width',
      file({ w: f32([2, 3], [0, 20]) }, 20),
      /tensor "w" is F32 of shape \[2,3\], which takes 24 bytes, but its data_offsets \[0,20\] hold 20/,
    ],
    [
      'a huge shape over a few bytes (no huge allocation)',
      file({ w: { dtype: 'F64', shape: [1e9, 1e9, 1e9], data_offsets: [0, 8] } }, 8),
      /is F64 of shape \[1000000000,1000000000,1000000000\], which takes 8000000000000000000000000000 bytes, but its data_offsets \[0,8\] hold 8/,
    ],
    [
      'a gap between tensors',
      file({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, 12),
      /bytes \[4,8\) of the data buffer belong to no tensor \(a gap before tensor "b"\) — the tensors must cover the data buffer exactly/,
    ],
    [
      'a gap at the start',
      file({ a: f32([1], [4, 8]) }, 8),
      /bytes \[0,4\) of the data buffer belong to no tensor \(a gap before tensor "a"\)/,
    ],
    [
      'overlapping tensors',
      file({ b: f32([2], [4, 12]), a: f32([2], [0, 8]) }, 12),
      /tensors "a" \(data_offsets \[0,8\]\) and "b" \(data_offsets \[4,12\]\) overlap/,
    ],
    [
      'two tensors on the same bytes',
      file({ a: f32([1], [0, 4]), b: f32([1], [0, 4]) }, 4),
      /tensors "a" .* and "b" .* overlap/,
    ],
    [
      'an empty tensor inside another',
      file({ a: f32([2], [0, 8]), e: f32([0], [4, 4]) }, 8),
      /tensors "a" \(data_offsets \[0,8\]\) and "e" \(data_offsets \[4,4\]\) overlap/,
    ],
    [
      'bytes after the last tensor',
      file({ a: f32([1], [0, 4]) }, 8),
      /bytes \[4,8\) at the end of the data buffer belong to no tensor/,
    ],
    ['data but no tensors', file({}, 8), /bytes \[0,8\) at the end of the data buffer belong to no tensor/],
    // Names.
    [
      'a duplicate tensor name',
      file(
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        8,
      ),
      /the header names "a" twice \(at character 54\)/,
    ],
    [
      'a duplicate field in a tensor',
      file('{"a":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}', 4),
      /the header names "dtype" twice/,
    ],
    [
      'two __metadata__ maps',
      file('{"__metadata__":{},"__metadata__":{}}'),
      /the header names "__metadata__" twice/,
    ],
    // __metadata__.
    [
      '__metadata__ that is a string',
      file({ __metadata__: 'pt' }),
      /__metadata__ must be an object mapping strings to strings, got "pt"/,
    ],
    [
      '__metadata__ that is an array',
      file({ __metadata__: ['a'] }),
      /__metadata__ must be an object mapping strings to strings, got \["a"\]/,
    ],
    [
      'a number in __metadata__',
      file({ __metadata__: { epoch: 3 } }),
      /__metadata__ must map strings to strings, but __metadata__\["epoch"\] is 3/,
    ],
    [
      'an object in __metadata__',
      file({ __metadata__: { cfg: { lr: 0.1 } } }),
      /__metadata__\["cfg"\] is \{"lr":0\.1\}/,
    ],
  ];

  it.each(cases)('%s', (_, bytes, message) => expectRejected(bytes, message));

  it('a value that is not bytes', () => {
    expect(() => loadSafetensors('model.safetensors' as never)).toThrow(
      /^loadSafetensors: expected the file's bytes as a Uint8Array or ArrayBuffer, got "model\.safetensors" \(in a browser/,
    );
  });

  it('cuts long values short in messages', () => {
    const shape = Array.from({ length: 10_000 }, () => -1);
    const error = (() => {
      try {
        loadSafetensors(file({ w: f32(shape, [0, 4]) }, 4));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error!.message).toMatch(/has shape \[-1,-1,.*\.\.\.; a shape must be/);
    expect(error!.message.length).toBeLessThan(300);
  });
});

describe('safetensors: files that are odd but valid', () => {
  it('accepts `"__metadata__": null` as no metadata, as the reference reader does', () => {
    expect(readSafetensorsHeader(file({ __metadata__: null })).metadata).toBeNull();
  });

  it('accepts tensors listed out of data order, and unknown extra fields in an entry', () => {
    const bytes = file(
      { b: { ...f32([1], [4, 8]), note: 'x' }, a: f32([1], [0, 4]) },
      [0, 0, 128, 63, 0, 0, 0, 64],
    );
    const loaded = loadSafetensors(bytes);
    expect(Object.keys(loaded)).toEqual(['a', 'b']);
    expect([loaded.a!.item(), loaded.b!.item()]).toEqual([1, 2]);
  });

  it('accepts a header with whitespace around the object and no padding', () => {
    expect(
      loadSafetensors(
        file('\n {"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}\t', [3, 4]),
      ).a!.toArray(),
    ).toEqual([3, 4]);
  });

  it('loads nonzero BOOL bytes as true (1)', () => {
    const t = loadSafetensors(file({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, [0, 2, 255]))
      .m!;
    expect(t.dtype).toBe('bool');
    expect([...t.data]).toEqual([0, 1, 1]);
  });

  it('decodes JSON escapes in names', () => {
    const bytes = file('{"caf\\u00e9 \\"x\\"":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}', [9]);
    expect(Object.keys(loadSafetensors(bytes))).toEqual(['café "x"']);
  });
});

describe('safetensors: dtypes beyond what torch 1.13 writes', () => {
  /** A one-tensor file of `values` in a 4- or 8-byte integer dtype, written with DataView. */
  const ints = <T>(
    dtype: string,
    width: number,
    values: T[],
    set: (view: DataView, at: number, v: T) => void,
  ) => {
    const data = new Uint8Array(width * values.length);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) set(view, width * i, values[i]!);
    return file({ t: { dtype, shape: [values.length], data_offsets: [0, data.length] } }, [...data]);
  };
  const u32 = (values: number[]) => ints('U32', 4, values, (view, at, v) => view.setUint32(at, v, true));
  const u64 = (values: bigint[]) => ints('U64', 8, values, (view, at, v) => view.setBigUint64(at, v, true));
  const i64 = (values: bigint[]) => ints('I64', 8, values, (view, at, v) => view.setBigInt64(at, v, true));

  it('U32 and U64 load as int32 when they fit', () => {
    expect(loadSafetensors(u32([0, 2 ** 31 - 1])).t!.toArray()).toEqual([0, 2 ** 31 - 1]);
    expect(loadSafetensors(u64([0n, 5n, 2n ** 31n - 1n])).t!.toArray()).toEqual([0, 5, 2 ** 31 - 1]);
  });

  it.each([
    [
      'U32 2^31',
      () => u32([1, 2 ** 31]),
      /tensor "t" \(U32\) holds 2147483648 at flat index 1, which does not fit in int32/,
    ],
    ['U64 2^32', () => u64([2n ** 32n]), /tensor "t" \(U64\) holds 4294967296 at flat index 0/],
    ['U64 2^64 - 1', () => u64([2n ** 64n - 1n]), /\(U64\) holds 18446744073709551615 at flat index 0/],
    ['I64 -2^31 - 1', () => i64([0n, -(2n ** 31n) - 1n]), /\(I64\) holds -2147483649 at flat index 1/],
    ['I64 2^32 (low word 0)', () => i64([2n ** 32n]), /\(I64\) holds 4294967296 at flat index 0/],
    ['I64 -2^63', () => i64([-(2n ** 63n)]), /\(I64\) holds -9223372036854775808/],
  ])('%s does not fit in int32', (_, make, message) => {
    expect(() => loadSafetensors(make())).toThrow(SafetensorsError);
    expect(() => loadSafetensors(make())).toThrow(message);
  });

  it('F8 and C64 are known but refused by loadSafetensors, and listed by readSafetensorsHeader', () => {
    const bytes = file(
      { a: f32([1], [0, 4]), q: { dtype: 'F8_E4M3', shape: [2], data_offsets: [4, 6] } },
      [0, 0, 128, 63, 1, 2],
    );
    expect(readSafetensorsHeader(bytes).tensors.q).toEqual({
      dtype: 'F8_E4M3',
      shape: [2],
      dataOffsets: [4, 6],
    });
    expect(() => loadSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => loadSafetensors(bytes)).toThrow(
      /^loadSafetensors: tensor "q" has dtype F8_E4M3, which @mtl\/nn cannot read \(readable: BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64\)/,
    );
    const c64 = file({ z: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, 8);
    expect(() => loadSafetensors(c64)).toThrow(/tensor "z" has dtype C64, which @mtl\/nn cannot read/);
  });
});
