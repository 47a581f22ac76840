import { formatShape, formatValue } from '@mtl/tensor';
import {
  describeJson,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  parseHeaderJson,
} from './parseHeaderJson';
import { SafetensorsError } from './SafetensorsError';
import { SAFETENSORS_DTYPES, type SafetensorsDType } from './safetensorsDTypes';
import { setOwn } from './setOwn';

/** One tensor's entry in a safetensors header. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDType;
  shape: number[];
  /** `[begin, end)` in bytes, relative to the start of the data buffer (just after the header). */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** The tensors, in the order their data appears in the file. */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** The `__metadata__` string map, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** Where the data buffer starts: 8 + the header length. */
  dataStart: number;
}

/** The reference implementation refuses headers over 100 MB (`MAX_HEADER_SIZE`); so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

/** A parsed file: the validated header plus the bytes it describes. */
export interface ParsedSafetensors {
  bytes: Uint8Array;
  dataStart: number;
  /** Tensors in data order. */
  entries: [string, SafetensorsTensorInfo][];
  metadata: Record<string, string> | null;
}

/**
 * Reads and validates the header of a safetensors file without decoding any tensor: the names,
 * dtypes, shapes and offsets of the tensors, and the `__metadata__` map (`null` when absent).
 * Use it to read metadata (`readSafetensorsHeader(bytes).metadata`) or to inspect a file;
 * `loadSafetensors` does the same validation and then decodes the data. Throws
 * `SafetensorsError` on anything `loadSafetensors` would reject, except a dtype we can parse
 * but not decode (F8_*, C64), which is listed here as it is.
 */
export function readSafetensorsHeader(bytes: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const parsed = parseSafetensors('readSafetensorsHeader', bytes);
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  for (const [name, info] of parsed.entries) setOwn(tensors, name, info);
  return { tensors, metadata: parsed.metadata, dataStart: parsed.dataStart };
}

/** Parses and validates a whole file; `op` names the public function in error messages. */
export function parseSafetensors(op: string, input: Uint8Array | ArrayBuffer): ParsedSafetensors {
  const bytes = asBytes(op, input);
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `${op}: the file is ${bytes.length} bytes, shorter than the 8-byte header length every safetensors file starts with (truncated, or not safetensors)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      `${op}: the header length is ${headerLength} bytes, over the 100 MB limit (${MAX_HEADER_BYTES}) — corrupt, or not a safetensors file`,
    );
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    throw new SafetensorsError(
      `${op}: the header length is ${n} bytes, past the end of the file (8 + ${n} > ${bytes.length} bytes) — truncated, or not a safetensors file`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(`${op}: the header (bytes 8 to ${8 + n}) is not valid UTF-8`);
  }
  const { value: root, entries: rootEntries } = parseHeaderJson(op, text);
  if (rootEntries === null) {
    throw new SafetensorsError(
      `${op}: the header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}, got ${describeJson(root)}`,
    );
  }

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: [string, SafetensorsTensorInfo][] = [];
  for (const [name, value] of rootEntries) {
    if (name === '__metadata__') metadata = readMetadata(op, value);
    else entries.push([name, readTensorInfo(op, name, value, dataLength)]);
  }
  checkTiling(op, entries, dataLength);
  return { bytes, dataStart, entries, metadata };
}

function asBytes(op: string, input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer) {
    return new Uint8Array(input);
  }
  throw new SafetensorsError(
    `${op}: expected the file's bytes as a Uint8Array or ArrayBuffer, got ${formatValue(input)} (in a browser: new Uint8Array(await blob.arrayBuffer()))`,
  );
}

function readMetadata(op: string, value: JsonValue): Record<string, string> | null {
  // The reference reader treats `"__metadata__": null` as no metadata (a serde Option).
  if (value === null) return null;
  if (!isJsonObject(value)) {
    throw new SafetensorsError(
      `${op}: __metadata__ must be an object mapping strings to strings, got ${describeJson(value)}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new SafetensorsError(
        `${op}: __metadata__ must map strings to strings, but __metadata__[${JSON.stringify(key)}] is ${describeJson(item)}`,
      );
    }
    setOwn(out, key, item);
  }
  return out;
}

function readTensorInfo(
  op: string,
  name: string,
  value: JsonValue,
  dataLength: number,
): SafetensorsTensorInfo {
  const label = `tensor ${JSON.stringify(name)}`;
  if (!isJsonObject(value)) {
    throw new SafetensorsError(
      `${op}: ${label} must be an object {dtype, shape, data_offsets}, got ${describeJson(value)}`,
    );
  }
  const dtype = field(op, label, value, 'dtype');
  const shape = field(op, label, value, 'shape');
  const offsets = field(op, label, value, 'data_offsets');

  if (typeof dtype !== 'string') {
    throw new SafetensorsError(`${op}: ${label} has dtype ${describeJson(dtype)}, which is not a string`);
  }
  const info = SAFETENSORS_DTYPES.get(dtype);
  if (info === undefined) {
    throw new SafetensorsError(
      `${op}: ${label} has unknown dtype ${JSON.stringify(dtype)} (safetensors dtypes: ${[...SAFETENSORS_DTYPES.keys()].join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    throw new SafetensorsError(
      `${op}: ${label} has shape ${describeJson(shape)}; a shape must be a list of non-negative integers`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every(isSize) ||
    offsets[0]! > offsets[1]!
  ) {
    throw new SafetensorsError(
      `${op}: ${label} has data_offsets ${describeJson(offsets)}; they must be [begin, end], non-negative integers with begin <= end`,
    );
  }
  const dims = shape as number[];
  const [begin, end] = offsets as [number, number];
  if (end > dataLength) {
    throw new SafetensorsError(
      `${op}: ${label} has data_offsets [${begin},${end}], past the end of the data buffer (${dataLength} bytes) — the file is truncated or its header is wrong`,
    );
  }
  const needed = byteSize(dims, info.width);
  if (typeof needed === 'number' ? needed !== end - begin : needed !== BigInt(end - begin)) {
    throw new SafetensorsError(
      `${op}: ${label} is ${dtype} of shape ${formatShape(dims)}, which takes ${needed} bytes, but its data_offsets [${begin},${end}] hold ${end - begin}`,
    );
  }
  return { dtype: dtype as SafetensorsDType, shape: [...dims], dataOffsets: [begin, end] };
}

/** shape × width in bytes, exact: a BigInt only when a hostile shape's count passes 2^53. */
function byteSize(dims: number[], width: number): number | bigint {
  let count = width;
  for (const d of dims) count *= d;
  return Number.isSafeInteger(count) ? count : dims.reduce((acc, d) => acc * BigInt(d), BigInt(width));
}

function field(op: string, label: string, entry: JsonObject, key: string): JsonValue {
  const value = Object.hasOwn(entry, key) ? entry[key] : undefined;
  if (value === undefined) {
    throw new SafetensorsError(
      `${op}: ${label} has no "${key}" (each tensor needs dtype, shape and data_offsets)`,
    );
  }
  return value;
}

function isSize(value: JsonValue): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The tensors' byte ranges must tile the data buffer exactly: no gap, no overlap, nothing after. */
function checkTiling(op: string, entries: [string, SafetensorsTensorInfo][], dataLength: number): void {
  // Writers lay the data out in the header's order, so the sort is usually not needed.
  if (!inDataOrder(entries)) entries.sort(([, a], [, b]) => compareOffsets(a, b));
  let covered = 0;
  let previous: [string, SafetensorsTensorInfo] | null = null;
  for (const entry of entries) {
    const [name, { dataOffsets }] = entry;
    const [begin] = dataOffsets;
    if (begin > covered) {
      throw new SafetensorsError(
        `${op}: bytes [${covered},${begin}) of the data buffer belong to no tensor (a gap before tensor ${JSON.stringify(name)}) — the tensors must cover the data buffer exactly`,
      );
    }
    if (begin < covered) {
      const [otherName, other] = previous!;
      throw new SafetensorsError(
        `${op}: tensors ${JSON.stringify(otherName)} (data_offsets [${other.dataOffsets.join(',')}]) and ${JSON.stringify(name)} (data_offsets [${dataOffsets.join(',')}]) overlap — the tensors must cover the data buffer exactly, each byte once`,
      );
    }
    // Only a tensor with bytes can be overlapped, so `previous` is set whenever covered > 0.
    covered = dataOffsets[1];
    if (dataOffsets[1] > dataOffsets[0]) previous = entry;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(
      `${op}: bytes [${covered},${dataLength}) at the end of the data buffer belong to no tensor — the tensors must cover the data buffer exactly`,
    );
  }
}

function compareOffsets(a: SafetensorsTensorInfo, b: SafetensorsTensorInfo): number {
  return a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1];
}

function inDataOrder(entries: [string, SafetensorsTensorInfo][]): boolean {
  for (let i = 1; i < entries.length; i++)
    if (compareOffsets(entries[i - 1]![1], entries[i]![1]) > 0) return false;
  return true;
}
