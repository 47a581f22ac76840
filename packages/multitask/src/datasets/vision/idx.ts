import { formatCount } from '@mtl/tensor';
import { DatasetError } from './DatasetError';

/** An IDX array (LeCun's format for MNIST): its dims and its values in row-major order. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Element types by the IDX type code (the magic number's third byte). */
const TYPES: Record<number, { name: string; bytes: number }> = {
  8: { name: 'unsigned byte', bytes: 1 },
  9: { name: 'signed byte', bytes: 1 },
  11: { name: 'short', bytes: 2 },
  12: { name: 'int', bytes: 4 },
  13: { name: 'float', bytes: 4 },
  14: { name: 'double', bytes: 8 },
};

/** Elements an IDX file may hold (what a Tensor can). */
const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Parses an IDX file (uncompressed): magic `00 00 type rank`, the dims as big-endian uint32, then
 * the values big-endian. `source` names the file in errors.
 *
 * @throws DatasetError for a wrong magic number, an unknown type, a rank of 0, or a size that
 *   does not match the dims (a truncated or padded file)
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(
      `${source}: not an IDX file — it must start with two zero bytes, a type code and a rank (got ${bytes.length} bytes starting ${hex(bytes.subarray(0, 4))})`,
    );
  }
  const type = TYPES[bytes[2]!];
  if (type === undefined) {
    throw new DatasetError(
      `${source}: unknown IDX type code 0x${bytes[2]!.toString(16)} (known: 08, 09, 0b, 0c, 0d, 0e)`,
    );
  }
  const rank = bytes[3]!;
  const header = 4 + 4 * rank;
  if (rank === 0 || bytes.length < header) {
    throw new DatasetError(
      `${source}: an IDX header of rank ${rank} needs ${header} bytes, the file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS) {
    throw new DatasetError(
      `${source}: dims [${shape.join(', ')}] hold ${formatCount(count)} values, more than a tensor can`,
    );
  }
  const expected = header + count * type.bytes;
  if (bytes.length !== expected) {
    throw new DatasetError(
      `${source}: dims [${shape.join(', ')}] of ${type.name}s need ${expected} bytes, the file has ${bytes.length} (${bytes.length < expected ? 'truncated' : 'trailing data'})`,
    );
  }
  return { shape, data: readValues(view, header, count, bytes[2]!) };
}

function readValues(view: DataView, at: number, count: number, code: number): IdxArray['data'] {
  switch (code) {
    case 0x08:
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + count));
    case 0x09:
      return new Int8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + count));
    case 0x0b:
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(at + 2 * i, false));
    case 0x0c:
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(at + 4 * i, false));
    case 0x0d:
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + 4 * i, false));
    default:
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(at + 8 * i, false));
  }
}

/**
 * Reads an IDX file's bytes, gzipped (`.gz`, recognised by its magic bytes) or not, in Node and
 * in browsers (gzip through the standard `DecompressionStream`).
 */
export async function readIdx(bytes: Uint8Array, source: string): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, source) : bytes, source);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function gunzip(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new DatasetError(
      `${source}: not a valid gzip file (${(error as Error).message}) — download it again`,
    );
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}
