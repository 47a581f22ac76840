/**
 * Weights crossing between PyTorch and @mtl/nn in both directions, against files written and
 * read by tools/reference/safetensors.py (Debian's PyTorch 1.13).
 *
 * torch → mtl: the torch fixtures load with the right names, shapes and values, reproduce the
 * torch model's outputs, and saveSafetensors rebuilds them byte for byte.
 * mtl → torch: written-by-mtl.safetensors is what this file writes; `safetensors.py check` reads
 * it back in Python and asserts every value (run it after regenerating). To regenerate:
 *
 *     MTL_REGENERATE_FIXTURES=1 pnpm vitest run test/safetensors.interop
 *     /usr/bin/python3 tools/reference/safetensors.py check
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DType, type Tensor, tensor } from '@mtl/tensor';
import { expectAllClose } from '@mtl/tensor/testing';
import { describe, expect, it } from 'vitest';
import {
  Linear,
  loadSafetensors,
  ReLU,
  readSafetensorsHeader,
  SafetensorsError,
  Sequential,
  saveSafetensors,
} from '../src/index';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/safetensors/${name}`, import.meta.url));
const readBytes = (name: string) => new Uint8Array(readFileSync(fixture(name)));
const readJson = <T>(name: string): T => JSON.parse(readFileSync(fixture(name), 'utf8')) as T;

type FixtureValue = number | boolean | string;
interface FixtureTensor {
  dtype: DType;
  shape: number[];
  data: FixtureValue[];
}

function decode(v: FixtureValue): number {
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

function fromFixture(t: FixtureTensor): Tensor {
  return tensor(t.data.map(decode), { dtype: t.dtype, shape: t.shape });
}

/** Same dtype, shape, and bitwise-equal values (so -0, NaN and subnormals are compared exactly). */
function expectIdentical(actual: Tensor, expected: Tensor, name: string): void {
  expect(actual.dtype, name).toBe(expected.dtype);
  expect(actual.shape, name).toEqual(expected.shape);
  expect([...actual.data], name).toEqual([...expected.data]);
  expect(
    [...actual.data].map((v) => Object.is(v, -0)),
    name,
  ).toEqual([...expected.data].map((v) => Object.is(v, -0)));
}

describe('safetensors: files written by PyTorch', () => {
  interface SequentialFixture {
    file: string;
    metadata: Record<string, string> | null;
    state: Record<string, FixtureTensor>;
    input: FixtureTensor;
    output: FixtureTensor;
  }
  const doc = readJson<Record<'float32' | 'float64', SequentialFixture>>('torch-sequential.json');

  describe.each(['float32', 'float64'] as const)(
    'Sequential(Linear(4,8), ReLU(), Linear(8,3)) in %s',
    (dtype) => {
      const { file, metadata, state, input, output } = doc[dtype];
      const bytes = readBytes(file);

      it('loads every parameter with its torch name, shape, dtype and exact values', () => {
        const loaded = loadSafetensors(bytes);
        expect(Object.keys(loaded).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
        expect(loaded['0.weight']!.shape).toEqual([8, 4]);
        expect(loaded['2.weight']!.shape).toEqual([3, 8]);
        for (const [name, t] of Object.entries(state)) expectIdentical(loaded[name]!, fromFixture(t), name);
      });

      it("loads into the same model built with @mtl/nn and reproduces the torch model's outputs", () => {
        const model = new Sequential(new Linear(4, 8, { dtype }), new ReLU(), new Linear(8, 3, { dtype }));
        model.loadStateDict(loadSafetensors(bytes));
        const y = model.forward(fromFixture(input)).value;
        expect(y.dtype).toBe(dtype);
        const tolerance = dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
        expectAllClose(y, fromFixture(output), tolerance);
      });

      it('reads the metadata PyTorch wrote', () => {
        expect(readSafetensorsHeader(bytes).metadata).toEqual(metadata);
      });

      it('saveSafetensors writes the same bytes as the reference layout', () => {
        const sd: Record<string, Tensor> = {};
        // Insertion order reversed on purpose: the writer sorts.
        for (const [name, t] of Object.entries(state).reverse()) sd[name] = fromFixture(t);
        const written = saveSafetensors(sd, metadata ?? undefined);
        expect(Buffer.from(written).toString('latin1')).toBe(Buffer.from(bytes).toString('latin1'));
      });
    },
  );

  describe('every readable dtype', () => {
    interface DTypesFixture {
      metadata: Record<string, string>;
      tensors: Record<string, FixtureTensor & { stored: string }>;
    }
    const { metadata, tensors } = readJson<DTypesFixture>('torch-dtypes.json');
    const bytes = readBytes('torch-dtypes.safetensors');
    const loaded = loadSafetensors(bytes);

    it('covers F16, BF16, I64, I32, I16, I8, U8, U16, BOOL, F32, F64', () => {
      const stored = new Set(Object.values(readSafetensorsHeader(bytes).tensors).map((t) => t.dtype));
      expect([...stored].sort()).toEqual(
        ['BF16', 'BOOL', 'F16', 'F32', 'F64', 'I16', 'I32', 'I64', 'I8', 'U16', 'U8'].sort(),
      );
      expect(Object.keys(loaded).sort()).toEqual(Object.keys(tensors).sort());
    });

    it.each(Object.keys(tensors))('%s decodes to what torch decodes it to', (name) => {
      const want = tensors[name]!;
      expect(readSafetensorsHeader(bytes).tensors[name]!.dtype).toBe(want.stored);
      expectIdentical(loaded[name]!, fromFixture(want), name);
    });

    it('F16 edge values: subnormals, the largest half, ±inf, nan, -0', () => {
      const f16 = [...loaded.f16!.data];
      expect(f16.slice(0, 10)).toEqual([
        0,
        -0,
        1,
        -2.5,
        65504,
        -65504,
        2 ** -14,
        2 ** -24,
        (1023 / 1024) * 2 ** -14,
        -3 * 2 ** -24,
      ]);
      expect(Object.is(f16[1], -0)).toBe(true);
      expect(f16.slice(11, 13)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      expect(f16[13]).toBeNaN();
    });

    it('BF16 edge values: the smallest subnormal, the largest finite, ±inf, nan', () => {
      const bf16 = [...loaded.bf16!.data];
      expect(bf16[5]).toBe(2 ** -133);
      expect(bf16[4]).toBe(3.3895313892515355e38);
      expect(bf16.slice(8, 10)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      expect(bf16[10]).toBeNaN();
    });

    it('I64 at the int32 limits loads as int32', () => {
      expect(loaded.i64!.dtype).toBe('int32');
      expect(loaded.i64!.toArray()).toEqual([
        [0, 1, -1],
        [2 ** 31 - 1, -(2 ** 31), 123456789],
      ]);
    });

    it('0-d and empty tensors keep their shapes', () => {
      expect(loaded.f32_scalar!.shape).toEqual([]);
      expect(loaded.f32_scalar!.item()).toBe(3.5);
      expect(loaded.f16_scalar!.item()).toBe(-0.5);
      expect(loaded.f32_empty!.shape).toEqual([0]);
      expect(loaded.f64_empty_2x0!.shape).toEqual([2, 0]);
      expect(loaded.i64_empty!.shape).toEqual([0, 3]);
      expect(loaded.i64_empty!.dtype).toBe('int32');
    });

    it('reads the metadata', () => {
      expect(readSafetensorsHeader(bytes).metadata).toEqual(metadata);
    });
  });

  it('an I64 value beyond int32 is an error naming the tensor, the value and its index', () => {
    const bytes = readBytes('torch-i64-overflow.safetensors');
    expect(() => loadSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => loadSafetensors(bytes)).toThrow(
      /^loadSafetensors: tensor "big" \(I64\) holds 2147483648 at flat index 1, which does not fit in int32/,
    );
  });
});

/** What this test writes for Python to read; `expected_mtl()` in safetensors.py repeats it. */
function mtlStateDict(): { stateDict: Record<string, Tensor>; metadata: Record<string, string> } {
  const grid = (shape: number[], f: (k: number) => number, dtype: DType) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(
      Array.from({ length: n }, (_, k) => f(k)),
      { dtype, shape },
    );
  };
  return {
    stateDict: {
      '0.weight': grid([8, 4], (k) => (((k * 7) % 17) - 8) / 16, 'float32'),
      '0.bias': grid([8], (k) => (((k * 5) % 11) - 5) / 32, 'float32'),
      '2.weight': grid([3, 8], (k) => (((k * 3) % 13) - 6) / 8, 'float32'),
      '2.bias': grid([3], (k) => (k - 1) / 4, 'float32'),
      'extra.f64': grid([2, 3], (k) => (k + 1) / 3, 'float64'),
      'extra.special': tensor(
        [-0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-45, 3.4028234663852886e38],
        {
          dtype: 'float32',
        },
      ),
      'extra.i32': tensor([-(2 ** 31), 2 ** 31 - 1, 0, -7], { dtype: 'int32' }),
      'extra.bool': tensor([
        [true, false],
        [false, true],
      ]),
      'extra.scalar': tensor(2.5, { dtype: 'float64' }),
      'extra.empty': tensor([], { dtype: 'float32' }),
      'extra.empty2d': tensor([], { dtype: 'int32', shape: [2, 0] }),
      'ünïcode.名前': tensor([42], { dtype: 'float32' }),
    },
    metadata: { format: 'pt', producer: '@mtl/nn', note: 'quote " backslash \\ tab \t newline \n é ✓ 😀' },
  };
}

describe('safetensors: a file written here, for PyTorch', () => {
  const name = 'written-by-mtl.safetensors';

  it('is byte-identical to the committed fixture that safetensors.py check reads', () => {
    const { stateDict, metadata } = mtlStateDict();
    const bytes = saveSafetensors(stateDict, metadata);
    if (process.env.MTL_REGENERATE_FIXTURES === '1') writeFileSync(fixture(name), bytes);
    expect(Buffer.from(bytes).equals(readBytes(name))).toBe(true);
  });

  it('loads back here with every value intact', () => {
    const { stateDict, metadata } = mtlStateDict();
    const bytes = readBytes(name);
    const loaded = loadSafetensors(bytes);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(stateDict).sort());
    for (const [key, t] of Object.entries(stateDict)) expectIdentical(loaded[key]!, t, key);
    expect(readSafetensorsHeader(bytes).metadata).toEqual(metadata);
  });

  it('lays tensors out F64 first, then F32, I32, BOOL, each group by name', () => {
    expect(Object.keys(readSafetensorsHeader(readBytes(name)).tensors)).toEqual([
      'extra.f64',
      'extra.scalar',
      '0.bias',
      '0.weight',
      '2.bias',
      '2.weight',
      'extra.empty',
      'extra.special',
      'ünïcode.名前',
      'extra.empty2d',
      'extra.i32',
      'extra.bool',
    ]);
  });
});
