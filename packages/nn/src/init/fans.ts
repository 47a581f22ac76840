import { formatShape, formatValue, type Tensor, ValueError } from '@mtl/tensor';

import { requireFinite, requireTensor } from '../validate';

/**
 * fan_in and fan_out as PyTorch computes them: for a weight [out, in, …kernel], fan_in is
 * in·∏kernel and fan_out is out·∏kernel. A tensor needs at least 2 dims.
 */
export function fans(op: string, t: Tensor): { fanIn: number; fanOut: number } {
  const name = typeof op === 'string' ? op : 'fans';
  requireTensor(name, 't', t);
  if (t.rank < 2) {
    throw new ValueError(
      `${op}: fan in and fan out need a tensor with at least 2 dims, got shape ${formatShape(t.shape)}`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';

/** The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  return gainFor('calculateGain', nonlinearity, param);
}

/** calculateGain, with errors named after `op` (the initialiser that asked). */
export function gainFor(op: string, nonlinearity: Nonlinearity, param?: number): number {
  if (nonlinearity === 'leakyRelu') requireFinite(op, 'param', param);
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(
        `${op}: unknown nonlinearity ${formatValue(nonlinearity)} (expected 'linear', 'conv1d', 'conv2d', 'conv3d', ` +
          `'sigmoid', 'tanh', 'relu', 'leakyRelu' or 'selu')`,
      );
  }
}
