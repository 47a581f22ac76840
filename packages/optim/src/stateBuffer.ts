import {
  backend,
  copyToKernelStorage,
  formatShape,
  full,
  isInKernelStorage,
  kernelStorageAvailable,
  kernelStorageZeros,
  type Tensor,
} from '@mtl/tensor';
import { OptimError } from './OptimError';
import type { ParamState } from './Optimizer';
import type { ParameterLike } from './ParameterLike';
import type { FloatArray } from './updates/FloatArray';

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

/**
 * The float32 state buffers `keys` of a parameter in kernel storage, for the WebAssembly
 * kernels: created there (filled with `init`) on first use, or moved there (copied into new
 * tensors under the same keys) when they are on the JS heap (made by the `'js'` backend or by
 * `loadStateDict`). The parameter itself is never moved: the kernels update it where it lives.
 * Undefined where the kernels do not run or kernel storage is unavailable; the caller then runs
 * the TypeScript update on `stateBuffer`s. A step in the steady state allocates nothing.
 */
export function kernelStateBuffers(
  state: ParamState,
  keys: readonly string[],
  param: ParameterLike,
  init = 0,
): Float32Array[] | undefined {
  if (backend('optimizerUpdates') !== 'wasm' || !kernelStorageAvailable()) return undefined;
  const buffers: Float32Array[] = [];
  for (const key of keys) {
    let buf = state[key] as Tensor | undefined;
    if (buf === undefined) {
      buf = kernelStorageZeros(param.value.shape);
      if (init !== 0 || Object.is(init, -0)) (buf.data as Float32Array).fill(init);
      state[key] = buf;
    } else {
      checkStateSize(key, buf, param);
      if (!isInKernelStorage(buf)) {
        const moved = copyToKernelStorage(buf);
        // Storage full: keep the state where it is (no copy per step) and run TypeScript.
        if (!isInKernelStorage(moved)) return undefined;
        buf = moved;
        state[key] = buf;
      }
    }
    if (!isInKernelStorage(buf)) return undefined;
    buffers.push(buf.data as Float32Array);
  }
  return buffers;
}

/** A float32 parameter's values, updated in place by the kernels. */
export function pData(param: ParameterLike): Float32Array {
  return param.value.data as Float32Array;
}
