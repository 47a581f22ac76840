import { full, type Tensor } from '@mtl/tensor';
import type { ParamState } from './Optimizer';
import type { ParameterLike } from './ParameterLike';
import type { FloatArray } from './updates/FloatArray';

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
