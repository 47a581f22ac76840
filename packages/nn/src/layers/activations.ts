import {
  elu,
  gelu,
  leakyRelu,
  relu,
  sigmoid,
  silu,
  softplus,
  tanh,
  type Variable,
  type VariableLike,
} from '@mtl/autograd';
import { Module } from '../Module';

/* Activation functions as modules, with PyTorch's names and defaults. */

export class ReLU extends Module {
  forward(x: VariableLike): Variable {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: VariableLike): Variable {
    return leakyRelu(x, this.negativeSlope);
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: VariableLike): Variable {
    return elu(x, this.alpha);
  }
}

export class GELU extends Module {
  constructor(readonly options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
  }
  forward(x: VariableLike): Variable {
    return gelu(x, this.options);
  }
}

export class SiLU extends Module {
  forward(x: VariableLike): Variable {
    return silu(x);
  }
}

export class Tanh extends Module {
  forward(x: VariableLike): Variable {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: VariableLike): Variable {
    return sigmoid(x);
  }
}

export class Softplus extends Module {
  constructor(readonly options: { beta?: number; threshold?: number } = {}) {
    super();
  }
  forward(x: VariableLike): Variable {
    return softplus(x, this.options);
  }
}
