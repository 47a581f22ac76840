import { loadSafetensors, readSafetensorsHeader } from '@mtl/nn';

/** What the safetensors case measured: one large valid header, read three ways (ms, medians). */
export interface SafetensorsResult {
  tensors: number;
  headerMB: number;
  jsonParseMs: number;
  readHeaderMs: number;
  loadMs: number;
}

/**
 * A valid file whose header is nearly the 100 MB limit: `tensors` zero-size tensors (the
 * cheapest way to a huge header). Reading it is compared with plain `JSON.parse` of the same
 * text, the floor for any reader that must look at every byte.
 */
export function safetensorsHeaderCase(tensors: number, rounds = 3): SafetensorsResult {
  const parts: string[] = [];
  for (let i = 0; i < tensors; i++)
    parts.push(`"t${String(i).padStart(7, '0')}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
  const text = `{${parts.join(',')}}`;
  const header = new TextEncoder().encode(text);
  const bytes = new Uint8Array(8 + header.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  const median = (f: () => unknown) => {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      globalThis.gc?.();
      const start = performance.now();
      f();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[rounds >> 1]!;
  };
  return {
    tensors,
    headerMB: header.length / 1e6,
    jsonParseMs: median(() => JSON.parse(new TextDecoder().decode(header))),
    readHeaderMs: median(() => readSafetensorsHeader(bytes)),
    loadMs: median(() => loadSafetensors(bytes)),
  };
}
