import type { DType, Tensor } from '@mtl/tensor';
import { formatValue } from '@mtl/tensor';
import { compareCodePoints } from './compareCodePoints';
import { hostIsLittleEndian } from './hostIsLittleEndian';
import { SafetensorsError } from './SafetensorsError';
import { SAVED_AS, WRITE_RANK } from './safetensorsDTypes';

/**
 * Writes named tensors (a state dict: `module.stateDict()`) in the safetensors format, which
 * `safetensors.torch.load_file` (and `safe_open`) reads in PyTorch; `metadata` becomes the
 * header's `__metadata__` string map (`{ format: 'pt' }` is what transformers writes).
 *
 * float32, float64, int32 and bool tensors are stored as F32, F64, I32 and BOOL: little-endian,
 * row-major, contiguous. The output is byte-for-byte what the reference implementation (the
 * `safetensors` Rust crate behind the Python package) writes for the same tensors: the tensors
 * sorted by dtype, widest first (F64, F32, I32, BOOL), then by name in code-point order (the
 * crate's `Ord` on UTF-8 names); compact JSON with `__metadata__` first; the header padded with
 * spaces to a multiple of 8 bytes so every tensor's data is 8-byte aligned. The crate writes
 * metadata keys in hash order, which varies; we sort them, so the same input always gives the
 * same bytes.
 *
 * In a browser, `safetensorsToBlob(...)` wraps the bytes for a download; in Node,
 * `saveSafetensorsFile(path, ...)` writes them to disk.
 */
export function saveSafetensors(
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array<ArrayBuffer> {
  const op = 'saveSafetensors';
  const entries = checkStateDict(op, stateDict);
  entries.sort(
    ([nameA, a], [nameB, b]) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || compareCodePoints(nameA, nameB),
  );

  const parts: string[] = [];
  if (metadata !== undefined && metadata !== null) parts.push(`"__metadata__":${metadataJson(op, metadata)}`);
  let offset = 0;
  for (const [name, t] of entries) {
    const end = offset + t.size * width(t.dtype);
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${SAVED_AS[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  let out: Uint8Array<ArrayBuffer>;
  try {
    out = new Uint8Array(8 + headerLength + offset);
  } catch {
    throw new SafetensorsError(
      `${op}: the file would be ${8 + headerLength + offset} bytes, more than one ArrayBuffer can hold here — split the state dict across several files`,
    );
  }
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const [, t] of entries) {
    writeData(out, view, position, t);
    position += t.size * width(t.dtype);
  }
  return out;
}

function width(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}

function writeData(out: Uint8Array, view: DataView, position: number, t: Tensor): void {
  const { data, dtype } = t;
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) out[position + i] = data[i] !== 0 ? 1 : 0;
  } else if (hostIsLittleEndian) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
  } else if (dtype === 'float64') {
    for (let i = 0; i < data.length; i++) view.setFloat64(position + 8 * i, data[i]!, true);
  } else if (dtype === 'float32') {
    for (let i = 0; i < data.length; i++) view.setFloat32(position + 4 * i, data[i]!, true);
  } else {
    for (let i = 0; i < data.length; i++) view.setInt32(position + 4 * i, data[i]!, true);
  }
}

/** The state dict's entries, each checked to be a tensor we can write under a writable name. */
function checkStateDict(op: string, stateDict: Record<string, Tensor>): [string, Tensor][] {
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new SafetensorsError(
      `${op}: stateDict must be an object mapping names to tensors, got ${formatValue(stateDict)}`,
    );
  }
  if (stateDict instanceof Map) {
    throw new SafetensorsError(
      `${op}: stateDict must be a plain object mapping names to tensors, got a Map (use Object.fromEntries(map))`,
    );
  }
  const entries: [string, Tensor][] = [];
  for (const name of Object.keys(stateDict)) {
    const value: unknown = stateDict[name];
    if (name === '__metadata__') {
      throw new SafetensorsError(
        `${op}: "__metadata__" is reserved by the format for the metadata map; rename that tensor (pass metadata as the second argument)`,
      );
    }
    checkText(op, `tensor name ${JSON.stringify(name)}`, name);
    if (!isTensor(value)) {
      const hint = isTensor((value as { value?: unknown } | null)?.value)
        ? ' (a Variable or Parameter: pass its .value, or use module.stateDict())'
        : '';
      throw new SafetensorsError(
        `${op}: stateDict[${JSON.stringify(name)}] must be a Tensor, got ${formatValue(value)}${hint}`,
      );
    }
    entries.push([name, value]);
  }
  return entries;
}

/** A Tensor, by shape rather than `instanceof`, so two copies of @mtl/tensor interoperate. */
function isTensor(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Partial<Tensor>;
  return (
    typeof t.dtype === 'string' &&
    Object.hasOwn(SAVED_AS, t.dtype) &&
    Array.isArray(t.shape) &&
    ArrayBuffer.isView(t.data) &&
    t.data.length === t.shape.reduce((a, b) => a * b, 1)
  );
}

function metadataJson(op: string, metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || Array.isArray(metadata) || metadata instanceof Map) {
    throw new SafetensorsError(
      `${op}: metadata must be an object mapping strings to strings, got ${formatValue(metadata)}`,
    );
  }
  const keys = Object.keys(metadata).sort(compareCodePoints);
  const fields = keys.map((key) => {
    const value: unknown = metadata[key];
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        `${op}: metadata must map strings to strings (as PyTorch's safetensors requires), but metadata[${JSON.stringify(key)}] is ${formatValue(value)} — String(...) or JSON.stringify(...) it`,
      );
    }
    checkText(op, `metadata key ${JSON.stringify(key)}`, key);
    checkText(op, `metadata[${JSON.stringify(key)}]`, value);
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${fields.join(',')}}`;
}

/** A lone UTF-16 surrogate cannot be written as UTF-8, and readers reject its JSON escape. */
function checkText(op: string, what: string, text: string): void {
  if (/\p{Surrogate}/u.test(text)) {
    throw new SafetensorsError(`${op}: ${what} holds a lone UTF-16 surrogate, which UTF-8 cannot encode`);
  }
}
