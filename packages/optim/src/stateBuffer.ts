import { full, Tensor } from '@mtl/tensor';
import type { ParamState } from './Optimizer';
import type { ParameterLike } from './ParameterLike';
import type { FloatArray } from './updates/FloatArray';
import { allocateInWasm, type Slab, slabOf } from './wasm/optimWasm';

/** The state buffer `key` of a parameter (its shape and dtype), created filled with `init` on first use. */
export function stateBuffer(state: ParamState, key: string, param: ParameterLike, init = 0): FloatArray {
  let buf = state[key] as Tensor | undefined;
  if (buf === undefined) {
    buf = full(param.value.shape, init, { dtype: param.value.dtype });
    state[key] = buf;
  }
  return buf.data as FloatArray;
}

/** Increments and returns the state's step count (PyTorch's `step`). */
export function nextStep(state: ParamState): number {
  const step = ((state.step as number | undefined) ?? 0) + 1;
  state.step = step;
  return step;
}

/**
 * The float32 state buffers `keys` of a parameter, all in one WebAssembly slab, for the WASM
 * kernels: created there (filled with `init`) on first use, or moved there — copied into new
 * tensors under the same keys — when they are on the JS heap (made by the TypeScript path, or by
 * `loadStateDict`). Undefined when the kernels cannot run here or no WebAssembly memory is left;
 * the caller then runs the TypeScript update on `stateBuffer`s.
 */
export function wasmStateBuffers(
  state: ParamState,
  keys: readonly string[],
  param: ParameterLike,
  init = 0,
): { slab: Slab; buffers: Float32Array[] } | undefined {
  const existing = keys.map((k) => (state[k] as Tensor | undefined)?.data as Float32Array | undefined);
  if (existing.every((b) => b !== undefined)) {
    const slab = slabOf(existing as Float32Array[]);
    if (slab !== undefined) return { slab, buffers: existing as Float32Array[] };
  }
  const buffers = allocateInWasm(param.value.size, keys.length);
  if (buffers === undefined) return undefined;
  keys.forEach((key, i) => {
    const old = existing[i];
    if (old === undefined) buffers[i]!.fill(init);
    else buffers[i]!.set(old);
    state[key] = new Tensor(buffers[i]!, param.value.shape);
  });
  return { slab: slabOf(buffers)!, buffers };
}
