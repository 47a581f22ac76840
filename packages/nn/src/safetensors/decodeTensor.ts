import { Tensor } from '@mtl/tensor';
import { halfToFloat } from './halfToFloat';
import { hostIsLittleEndian } from './hostIsLittleEndian';
import type { SafetensorsTensorInfo } from './readSafetensorsHeader';
import { SafetensorsError } from './SafetensorsError';
import { readableDTypes } from './safetensorsDTypes';

/**
 * Decodes one tensor's bytes (little-endian, row-major) into a new Tensor that owns its data:
 * the bytes are always copied, so the result never aliases the file's buffer (which may be
 * unaligned, or reused by the caller).
 */
export function decodeTensor(
  op: string,
  name: string,
  info: SafetensorsTensorInfo,
  bytes: Uint8Array,
): Tensor {
  const { dtype, shape } = info;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      return new Tensor(
        hostIsLittleEndian
          ? new Float32Array(copyBuffer(bytes))
          : readEach(new Float32Array(bytes.length / 4), (i) => view.getFloat32(4 * i, true)),
        shape,
      );
    case 'F64':
      return new Tensor(
        hostIsLittleEndian
          ? new Float64Array(copyBuffer(bytes))
          : readEach(new Float64Array(bytes.length / 8), (i) => view.getFloat64(8 * i, true)),
        shape,
      );
    case 'I32':
      return new Tensor(
        hostIsLittleEndian
          ? new Int32Array(copyBuffer(bytes))
          : readEach(new Int32Array(bytes.length / 4), (i) => view.getInt32(4 * i, true)),
        shape,
      );
    case 'BOOL':
      // Any nonzero byte is true, stored as 1 like every bool tensor.
      return new Tensor(
        readEach(new Uint8Array(bytes.length), (i) => (bytes[i] !== 0 ? 1 : 0)),
        shape,
        'bool',
      );
    case 'U8':
      return new Tensor(
        readEach(new Int32Array(bytes.length), (i) => bytes[i]!),
        shape,
      );
    case 'I8':
      return new Tensor(
        readEach(new Int32Array(bytes.length), (i) => view.getInt8(i)),
        shape,
      );
    case 'I16':
      return new Tensor(
        readEach(new Int32Array(bytes.length / 2), (i) => view.getInt16(2 * i, true)),
        shape,
      );
    case 'U16':
      return new Tensor(
        readEach(new Int32Array(bytes.length / 2), (i) => view.getUint16(2 * i, true)),
        shape,
      );
    case 'F16':
      return new Tensor(
        readEach(new Float32Array(bytes.length / 2), (i) => halfToFloat(view.getUint16(2 * i, true))),
        shape,
      );
    case 'BF16': {
      // A bfloat16 is the top half of a float32: shift its bits up and reinterpret (NaN payloads kept).
      const out = new Float32Array(bytes.length / 2);
      readEach(new Uint32Array(out.buffer), (i) => view.getUint16(2 * i, true) << 16);
      return new Tensor(out, shape);
    }
    case 'U32':
      return new Tensor(
        readEach(new Int32Array(bytes.length / 4), (i) => {
          const value = view.getUint32(4 * i, true);
          if (value > 0x7fffffff) throw tooBig(op, name, dtype, value, i);
          return value;
        }),
        shape,
      );
    case 'I64':
    case 'U64':
      return new Tensor(
        readEach(new Int32Array(bytes.length / 8), (i) => {
          const low = view.getInt32(8 * i, true);
          const high = view.getInt32(8 * i + 4, true);
          // The 64-bit value fits in int32 exactly when its high word is the low word's sign extension
          // (and, unsigned, when that sign is +).
          if (high !== low >> 31 || (dtype === 'U64' && high !== 0)) {
            const value = dtype === 'I64' ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
            throw tooBig(op, name, dtype, value, i);
          }
          return low;
        }),
        shape,
      );
    default:
      // loadSafetensors refuses these before decoding anything; this keeps the switch total.
      throw new SafetensorsError(
        `${op}: tensor ${JSON.stringify(name)} has dtype ${dtype}, which @mtl/nn cannot read (readable: ${readableDTypes()})`,
      );
  }
}

/** The bytes in a fresh, aligned ArrayBuffer. */
function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

function readEach<A extends { length: number; [i: number]: number }>(out: A, read: (i: number) => number): A {
  for (let i = 0; i < out.length; i++) out[i] = read(i);
  return out;
}

function tooBig(
  op: string,
  name: string,
  dtype: string,
  value: number | bigint,
  index: number,
): SafetensorsError {
  return new SafetensorsError(
    `${op}: tensor ${JSON.stringify(name)} (${dtype}) holds ${value} at flat index ${index}, which does not fit in int32 — @mtl/tensor has no 64-bit integers; store it as I32 (or F64) on the Python side`,
  );
}
