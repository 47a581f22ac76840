import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '@mtl/nn';
import { type DType, formatValue, isPlainObject, MtlError, Tensor } from '@mtl/tensor';
import { CheckpointError } from './CheckpointError';
import { crc32 } from './crc32';

/**
 * A trainer checkpoint as ONE safetensors file, so that replacing it (write, fsync, rename) is
 * atomic: a reader finds the old checkpoint or the new one, never new weights beside an old
 * optimizer state.
 *
 * - The model's weights keep their own names (`encoder.0.weight`), so PyTorch loads them with
 *   `{k: v for k, v in load_file(path).items() if '/' not in k}`.
 * - Every tensor of the trainer state (the optimizer's moments, …) is a tensor under a name with
 *   a `/` (`trainer/optimizer/state/0/expAvg`), which no module path has; it keeps its dtype and
 *   every bit, NaN and ±Infinity included.
 * - The rest of the state is JSON in the header's `__metadata__["mtl.state"]`, with the numbers
 *   JSON cannot hold (NaN, ±Infinity, −0) written as `{"$number": "NaN"}`.
 * - `__metadata__["mtl.crc32"]` is the CRC-32 of the data buffer, checked on load.
 */

const FORMAT = 'mtl.trainer-checkpoint/1';
const STATE_PREFIX = 'trainer/';
const CRC_PLACEHOLDER = '00000000';

/** A checkpoint's two parts: the model's weights and the trainer's state. */
export interface CheckpointParts {
  weights: Record<string, Tensor>;
  state: unknown;
}

/** The file's bytes for a model's weights and a trainer state (see the file comment). */
export function encodeCheckpoint({ weights, state }: CheckpointParts): Uint8Array {
  const tensors: Record<string, Tensor> = Object.create(null);
  for (const [name, t] of Object.entries(weights)) tensors[name] = t;
  const json = JSON.stringify(encodeValue(state, '', tensors));
  const bytes = saveSafetensors(tensors, {
    format: 'pt',
    'mtl.format': FORMAT,
    'mtl.state': json,
    'mtl.crc32': CRC_PLACEHOLDER,
  });
  // The data buffer does not move when the header's text changes at equal length, so the
  // checksum of the data is written into the placeholder in place.
  const dataStart = headerEnd(bytes);
  const checksum = crc32(bytes.subarray(dataStart)).toString(16).padStart(8, '0');
  const at = findAscii(bytes, `"mtl.crc32":"${CRC_PLACEHOLDER}"`, 8, dataStart);
  const digits = at + '"mtl.crc32":"'.length;
  for (let i = 0; i < 8; i++) bytes[digits + i] = checksum.charCodeAt(i);
  return bytes;
}

/**
 * Reads what `encodeCheckpoint` wrote; `source` names the file in errors. Throws
 * `CheckpointError` for a file that is damaged, truncated, or not a trainer checkpoint.
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): CheckpointParts {
  let metadata: Record<string, string> | null;
  let dataStart: number;
  let tensors: Record<string, Tensor>;
  try {
    ({ metadata, dataStart } = readSafetensorsHeader(bytes));
    tensors = loadSafetensors(bytes);
  } catch (error) {
    throw new CheckpointError(`${source}: not a readable checkpoint — ${messageOf(error)}`, { cause: error });
  }
  if (metadata?.['mtl.format'] !== FORMAT || typeof metadata['mtl.state'] !== 'string') {
    throw new CheckpointError(
      `${source}: a safetensors file, but not a trainer checkpoint (no "mtl.format": "${FORMAT}" in its metadata) — for model weights alone use model.loadStateDict(await loadSafetensorsFile(path))`,
    );
  }
  const expected = metadata['mtl.crc32'];
  const actual = crc32(bytes.subarray(dataStart)).toString(16).padStart(8, '0');
  if (expected !== actual) {
    throw new CheckpointError(
      `${source}: the data does not match its checksum (CRC-32 ${actual}, recorded ${String(expected)}) — the file was damaged after it was written`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(metadata['mtl.state']);
  } catch (error) {
    throw new CheckpointError(`${source}: the trainer state is not valid JSON — ${messageOf(error)}`);
  }
  const weights: Record<string, Tensor> = Object.create(null);
  for (const [name, t] of Object.entries(tensors)) if (!name.startsWith(STATE_PREFIX)) weights[name] = t;
  const state = decodeValue(json, (name) => {
    const t = tensors[name];
    if (t === undefined || !name.startsWith(STATE_PREFIX)) {
      throw new CheckpointError(
        `${source}: the trainer state refers to a tensor ${JSON.stringify(name)} the file lacks`,
      );
    }
    return t;
  });
  return { weights, state };
}

/** JSON-ready form of `value`; tensors (and serialized tensors) move into `tensors`. */
function encodeValue(value: unknown, path: string, tensors: Record<string, Tensor>): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) && !Object.is(value, -0)
      ? value
      : { $number: String(value === 0 ? '-0' : value) };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Tensor) return { $tensor: store(value, path, tensors) };
  if (isSerializedTensor(value)) {
    const t = new Tensor(toTypedArray(value.dtype, value.data), value.shape);
    return { $tensor: store(t, path, tensors), $serialized: true };
  }
  if (Array.isArray(value)) return value.map((item, i) => encodeValue(item, `${path}/${i}`, tensors));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      // Keys starting with `$` get one more, so a task named "$number" is not read as a marker.
      Object.defineProperty(out, key.startsWith('$') ? `$${key}` : key, {
        value: encodeValue(item, `${path}/${escapePath(key)}`, tensors),
        enumerable: true,
      });
    }
    return out;
  }
  throw new CheckpointError(
    `Trainer.save: the trainer state holds ${formatValue(value)} at ${path || '/'}, which a checkpoint cannot store (numbers, strings, booleans, arrays, plain objects and tensors only)`,
  );
}

function decodeValue(value: unknown, tensorNamed: (name: string) => Tensor): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => decodeValue(item, tensorNamed));
  const record = value as Record<string, unknown>;
  if (typeof record.$number === 'string' && Object.keys(record).length === 1) return Number(record.$number);
  if (typeof record.$tensor === 'string') {
    const t = tensorNamed(record.$tensor);
    // A serialized tensor comes back with its data as a typed array: exact, and no copy to a
    // JS array of millions of numbers (loadStateDict copies it into the parameter's dtype).
    return record.$serialized === true ? { dtype: t.dtype, shape: [...t.shape], data: t.data } : t;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    Object.defineProperty(out, key.startsWith('$') ? key.slice(1) : key, {
      value: decodeValue(item, tensorNamed),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function store(t: Tensor, path: string, tensors: Record<string, Tensor>): string {
  const name = `${STATE_PREFIX}${path.slice(1)}`;
  tensors[name] = t;
  return name;
}

/** JSON-pointer escaping, so keys holding `/` give distinct tensor names. */
function escapePath(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** `{ dtype, shape, data }` as `@mtl/optim`'s `stateDict()` writes a state tensor. */
function isSerializedTensor(
  value: unknown,
): value is { dtype: DType; shape: number[]; data: ArrayLike<number> } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Object.keys(v).length === 3 &&
    (v.dtype === 'float32' || v.dtype === 'float64' || v.dtype === 'int32' || v.dtype === 'bool') &&
    Array.isArray(v.shape) &&
    (Array.isArray(v.data) || ArrayBuffer.isView(v.data))
  );
}

function toTypedArray(dtype: DType, data: ArrayLike<number>) {
  switch (dtype) {
    case 'float64':
      return Float64Array.from(data);
    case 'int32':
      return Int32Array.from(data);
    case 'bool':
      return Uint8Array.from(data);
    default:
      return Float32Array.from(data);
  }
}

function headerEnd(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return 8 + Number(view.getBigUint64(0, true));
}

function findAscii(bytes: Uint8Array, text: string, from: number, to: number): number {
  const first = text.charCodeAt(0);
  outer: for (let i = from; i + text.length <= to; i++) {
    if (bytes[i] !== first) continue;
    for (let j = 1; j < text.length; j++) if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    return i;
  }
  throw new MtlError('encodeCheckpoint: the checksum placeholder is missing from the header');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
