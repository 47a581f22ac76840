import { formatShape, full, Tensor } from '@mtl/tensor';
import { OptimError } from './OptimError';
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
  } else checkStateSize(key, buf, param);
  return buf.data as FloatArray;
}

/** A state buffer must match its parameter element for element (the parameter's shape changed since?). */
function checkStateSize(key: string, buf: Tensor, param: ParameterLike): void {
  if (buf.size !== param.value.size) {
    throw new OptimError(
      `optimizer state ${key} has shape ${formatShape(buf.shape)} but its parameter ${formatShape(param.value.shape)}: the parameter changed shape after its first step (give it to a new optimizer)`,
    );
  }
}

/** Increments and returns the state's step count (PyTorch's `step`). */
export function nextStep(state: ParamState): number {
  const step = ((state.step as number | undefined) ?? 0) + 1;
  state.step = step;
  return step;
}

/** What the WASM kernels update: the parameter's values and its state buffers, all in `slab`. */
export interface WasmState {
  slab: Slab;
  p: Float32Array;
  buffers: Float32Array[];
}

/**
 * The WASM path's view of each parameter state: where it keeps the parameter's values (not a
 * state entry, so no state dict holds them) and the state buffers it last used.
 */
const wasmStates = new WeakMap<ParamState, WasmState>();

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
 * is replaced later (a `Module.to`, a user's assignment, another optimizer of the same
 * parameter), the next step copies the new values in.
 *
 * A step in the steady state only compares references: nothing is allocated. Undefined when the
 * kernels cannot run here or no WebAssembly memory is left; the caller then runs the TypeScript
 * update on `stateBuffer`s.
 */
export function wasmStateBuffers(
  state: ParamState,
  keys: readonly string[],
  param: ParameterLike,
  init = 0,
): WasmState | undefined {
  let ws = wasmStates.get(state);
  if (ws === undefined || !holds(ws, state, keys)) {
    ws = moveIntoWasm(state, keys, param, init);
    if (ws === undefined) return undefined;
    wasmStates.set(state, ws);
  }
  if (param.value.data !== ws.p) {
    if (param.value.size !== ws.p.length) {
      checkStateSize(keys[0]!, state[keys[0]!] as Tensor, param);
    }
    ws.p.set(param.value.data as Float32Array);
    param.value = new Tensor(ws.p, param.value.shape);
  }
  return ws;
}

/** Whether the state still holds the buffers `ws` last used (loadStateDict or the TS path may have replaced them). */
function holds(ws: WasmState, state: ParamState, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    if ((state[keys[i]!] as Tensor | undefined)?.data !== ws.buffers[i]) return false;
  }
  return true;
}

/** A home for the parameter and its state buffers in one slab, the state copied (or `init`-filled) into it. */
function moveIntoWasm(
  state: ParamState,
  keys: readonly string[],
  param: ParameterLike,
  init: number,
): WasmState | undefined {
  const existing = keys.map((k) => state[k] as Tensor | undefined);
  existing.forEach((old, i) => {
    if (old !== undefined) checkStateSize(keys[i]!, old, param);
  });
  const views = allocateInWasm(param.value.size, keys.length + 1);
  if (views === undefined) return undefined;
  const [p, ...buffers] = views as [Float32Array, ...Float32Array[]];
  keys.forEach((key, i) => {
    const old = existing[i];
    if (old === undefined) buffers[i]!.fill(init);
    else buffers[i]!.set(old.data as Float32Array);
    state[key] = new Tensor(buffers[i]!, param.value.shape);
  });
  return { slab: slabOf(views)!, p, buffers };
}
