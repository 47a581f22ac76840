import type { Tensor } from '@mtl/tensor';

/**
 * Module state that is saved and loaded with the parameters but not trained, such as
 * BatchNorm's running statistics (PyTorch's `register_buffer`). `name` overrides the field name
 * in state-dict keys, so `runningMean` can be saved as PyTorch's `running_mean`.
 */
export class Buffer {
  constructor(
    public value: Tensor,
    readonly options: { name?: string } = {},
  ) {}
}
