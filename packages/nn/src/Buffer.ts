import { checkOptions, formatValue, optionKeys, type Tensor, ValueError } from '@mtl/tensor';

import { requireTensor } from './validate';

const BUFFER_OPTIONS = optionKeys<{ name?: string }>({ name: true });

/**
 * Module state that is saved and loaded with the parameters but not trained, such as
 * BatchNorm's running statistics (PyTorch's `register_buffer`). `name` overrides the field name
 * in state-dict keys, so `runningMean` can be saved as PyTorch's `running_mean`.
 */
export class Buffer {
  value: Tensor;
  readonly options: { name?: string };

  constructor(value: Tensor, options: { name?: string } = {}) {
    requireTensor('Buffer', 'value', value);
    const o = checkOptions('Buffer', options, BUFFER_OPTIONS);
    if (o.name !== undefined && typeof o.name !== 'string') {
      throw new ValueError(`Buffer: name must be a string, got ${formatValue(o.name)}`);
    }
    this.value = value;
    this.options = o;
  }
}
