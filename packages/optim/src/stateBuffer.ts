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

/** Where the WASM path keeps each state's parameter values (not a state entry: no state dict holds them). */
const parameterHomes = new WeakMap<ParamState, Float32Array>();

/** What the WASM kernels update: the parameter's values and its state buffers, all in `slab`. */
export interface WasmState {
  slab: Slab;
  p: Float32Array;
  buffers: Float32Array[];
}

/**
 * The parameter and its float32 state buffers `keys`, all in one WebAssembly slab, for the WASM
 * kernels. The state buffers are created there (filled with `init`) on first use, or moved there —
 * copied into new tensors under the same keys — when they are on the JS heap (made by the
 * TypeScript path, or by `loadStateDict`).
 *
 * The parameter moves too, on its first step: its values are copied into the slab and
 * `param.value` becomes a tensor viewing them (same shape, dtype and values), which every later
 * step updates in place. Like `module.to(device)` in PyTorch, the parameter object is what stays:
 * a tensor taken from `param.value` before the first step keeps the old values. If `param.value`
 * is replaced later (a `Module.to`, a user's assignment), the next step copies the new values in.
 *
 * Undefined when the kernels cannot run here or no WebAssembly memory is left; the caller then
 * runs the TypeScript update on `stateBuffer`s.
 */
export function wasmStateBuffers(
  state: ParamState,
  keys: readonly string[],
  param: ParameterLike,
  init = 0,
): WasmState | undefined {
  const existing = keys.map((k) => (state[k] as Tensor | undefined)?.data as Float32Array | undefined);
  let p = parameterHomes.get(state);
  let slab =
    p !== undefined && p.length === param.value.size && existing.every((b) => b !== undefined)
      ? slabOf([p, ...(existing as Float32Array[])])
      : undefined;
  if (slab === undefined) {
    const views = allocateInWasm(param.value.size, keys.length + 1);
    if (views === undefined) return undefined;
    p = views[0]!;
    keys.forEach((key, i) => {
      const old = existing[i];
      const buffer = views[i + 1]!;
      if (old === undefined) buffer.fill(init);
      else buffer.set(old);
      state[key] = new Tensor(buffer, param.value.shape);
    });
    parameterHomes.set(state, p);
    slab = slabOf(views)!;
  }
  if (param.value.data !== p) {
    p!.set(param.value.data as Float32Array);
    param.value = new Tensor(p!, param.value.shape);
  }
  return { slab, p: p!, buffers: keys.map((k) => (state[k] as Tensor).data as Float32Array) };
}
