import type { DType } from '@mtl/tensor';

/**
 * The dtypes the safetensors format defines (whole-byte ones). @mtl/nn reads all but the 8-bit
 * floats and C64: floats narrower than 32 bits widen to float32, every integer type loads as
 * int32 (I64, U32 and U64 only when each value fits), BOOL stays bool.
 */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'F8_E8M0'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64'
  | 'C64';

interface DTypeInfo {
  /** Bytes per element. */
  readonly width: number;
  /** The @mtl/tensor dtype it loads as; null for a valid safetensors dtype we cannot decode. */
  readonly loadsAs: DType | null;
}

/**
 * Every dtype the safetensors format defines with a whole-byte width. The ones we cannot decode
 * (8-bit floats, complex) are still known, so a header that uses them is validated and the error
 * says "cannot read" rather than "unknown".
 */
export const SAFETENSORS_DTYPES: ReadonlyMap<string, DTypeInfo> = new Map<SafetensorsDType, DTypeInfo>([
  ['BOOL', { width: 1, loadsAs: 'bool' }],
  ['U8', { width: 1, loadsAs: 'int32' }],
  ['I8', { width: 1, loadsAs: 'int32' }],
  ['F8_E5M2', { width: 1, loadsAs: null }],
  ['F8_E4M3', { width: 1, loadsAs: null }],
  ['F8_E8M0', { width: 1, loadsAs: null }],
  ['I16', { width: 2, loadsAs: 'int32' }],
  ['U16', { width: 2, loadsAs: 'int32' }],
  ['F16', { width: 2, loadsAs: 'float32' }],
  ['BF16', { width: 2, loadsAs: 'float32' }],
  ['I32', { width: 4, loadsAs: 'int32' }],
  ['U32', { width: 4, loadsAs: 'int32' }],
  ['F32', { width: 4, loadsAs: 'float32' }],
  ['F64', { width: 8, loadsAs: 'float64' }],
  ['I64', { width: 8, loadsAs: 'int32' }],
  ['U64', { width: 8, loadsAs: 'int32' }],
  ['C64', { width: 8, loadsAs: null }],
]);

/** The safetensors dtype each of our dtypes is saved as. */
export const SAVED_AS: Readonly<Record<DType, 'BOOL' | 'I32' | 'F32' | 'F64'>> = {
  bool: 'BOOL',
  int32: 'I32',
  float32: 'F32',
  float64: 'F64',
};

/**
 * Where each saved dtype sits in the reference writer's `Dtype` enum order (BOOL < … < I32 < … <
 * F32 < F64); the Rust crate writes tensors in descending order of it, then by name.
 */
export const WRITE_RANK: Readonly<Record<DType, number>> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** `F16, BF16, …`: the readable dtypes, for messages. */
export function readableDTypes(): string {
  return [...SAFETENSORS_DTYPES]
    .filter(([, info]) => info.loadsAs !== null)
    .map(([name]) => name)
    .join(', ');
}
