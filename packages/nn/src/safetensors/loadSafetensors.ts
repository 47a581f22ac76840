import type { Tensor } from '@mtl/tensor';
import { decodeTensor } from './decodeTensor';
import { parseSafetensors } from './readSafetensorsHeader';
import { SafetensorsError } from './SafetensorsError';
import { readableDTypes, SAFETENSORS_DTYPES } from './safetensorsDTypes';
import { setOwn } from './setOwn';

/**
 * Reads a safetensors file (the format of Hugging Face's `safetensors`, as written by
 * `safetensors.torch.save_file`) into named tensors, in the order their data appears in the
 * file. Pass the result to `module.loadStateDict(...)`.
 *
 * dtypes: F32, F64, I32 and BOOL load as themselves; F16 and BF16 widen to float32 (exactly);
 * U8, I8, I16 and U16 load as int32; I64, U32 and U64 load as int32 when every value fits, else a
 * `SafetensorsError` names the tensor and the value. F8_* and C64 are refused by name.
 *
 * The data is copied out, so the tensors never alias `bytes` (which may be any Uint8Array, such
 * as a Node Buffer at an odd offset). The file's `__metadata__` map is not returned here: read it
 * with `readSafetensorsHeader(bytes).metadata`.
 *
 * Everything is validated before anything is decoded, with a `SafetensorsError` naming the
 * problem: a file under 8 bytes, a header length past the end or over 100 MB, a header that is
 * not UTF-8 JSON or not an object, a repeated name, an unknown dtype, a bad shape or
 * data_offsets, offsets past the end, overlapping, leaving gaps, or disagreeing with shape × dtype
 * width, and a `__metadata__` that is not a string → string map. Nothing is allocated beyond the
 * size of the file.
 *
 * In a browser: `loadSafetensors(await blob.arrayBuffer())` or
 * `loadSafetensors(await (await fetch(url)).arrayBuffer())`; in Node, `loadSafetensorsFile(path)`.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const op = 'loadSafetensors';
  const parsed = parseSafetensors(op, bytes);
  for (const [name, { dtype }] of parsed.entries) {
    if (SAFETENSORS_DTYPES.get(dtype)?.loadsAs == null) {
      throw new SafetensorsError(
        `${op}: tensor ${JSON.stringify(name)} has dtype ${dtype}, which @mtl/nn cannot read (readable: ${readableDTypes()}); convert it before saving, e.g. t.float() in PyTorch`,
      );
    }
  }
  const out: Record<string, Tensor> = {};
  for (const [name, info] of parsed.entries) {
    const [begin, end] = info.dataOffsets;
    const data = parsed.bytes.subarray(parsed.dataStart + begin, parsed.dataStart + end);
    setOwn(out, name, decodeTensor(op, name, info, data));
  }
  return out;
}
