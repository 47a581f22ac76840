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

import { checkChoice, checkOptions, formatValue, optionKeys, ValueError } from '@mtl/tensor';

import { Module } from '../Module';

import { requireFinite, requireInput } from '../validate';

const GELU_OPTIONS = optionKeys<{ approximate?: 'none' | 'tanh' }>({ approximate: true });
const SOFTPLUS_OPTIONS = optionKeys<{ beta?: number; threshold?: number }>({ beta: true, threshold: true });

/* Activation functions as modules, with PyTorch's names and defaults. */

export class ReLU extends Module {
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    requireFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return leakyRelu(x, this.negativeSlope);
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    requireFinite('ELU', 'alpha', alpha);
  }
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return elu(x, this.alpha);
  }
}

export class GELU extends Module {
  constructor(readonly options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    checkChoice(
      'GELU',
      'approximate',
      checkOptions('GELU', options, GELU_OPTIONS).approximate,
      ['none', 'tanh'],
      'none',
    );
  }
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return gelu(x, this.options);
  }
}

export class SiLU extends Module {
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return silu(x);
  }
}

export class Tanh extends Module {
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return sigmoid(x);
  }
}

export class Softplus extends Module {
  constructor(readonly options: { beta?: number; threshold?: number } = {}) {
    super();
    const { beta, threshold } = checkOptions('Softplus', options, SOFTPLUS_OPTIONS);
    requireFinite('Softplus', 'beta', beta);
    if (beta === 0) throw new ValueError('Softplus: beta must be non-zero (it divides), got 0');
    if (threshold !== undefined && (typeof threshold !== 'number' || Number.isNaN(threshold))) {
      throw new ValueError(`Softplus: threshold must be a number, got ${formatValue(threshold)}`);
    }
  }
  forward(x: VariableLike): Variable {
    requireInput(this.constructor.name, 'x', x);
    return softplus(x, this.options);
  }
}
