import { DTypeError } from '../errors';
import { Tensor } from '../Tensor';
import { binaryOp, commonDType, type TensorLike } from './binary';

/**
 * Elementwise x ** exponent, with broadcasting. Integer powers of integers stay int32 and, as in
 * PyTorch, may not be negative.
 */
export function pow(x: TensorLike, exponent: TensorLike): Tensor {
  const dtype = commonDType(x, exponent);
  if (dtype === 'int32' || dtype === 'bool') {
    const e = exponent instanceof Tensor ? exponent.data : [Number(exponent)];
    for (let i = 0; i < e.length; i++) {
      if (e[i]! < 0) {
        throw new DTypeError(
          `pow: integers to negative integer powers are not allowed (exponent ${e[i]}); cast the base to float first`,
        );
      }
    }
    return binaryOp('pow', x, exponent, intPow);
  }
  return binaryOp('pow', x, exponent, floatPow);
}

/** Exact integer power with int32 wrap-around, like PyTorch's integer pow. */
function intPow(base: number, exp: number): number {
  let result = 1;
  let b = base | 0;
  let e = exp;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, b);
    b = Math.imul(b, b);
    e >>>= 1;
  }
  return result;
}

/**
 * C's pow, which PyTorch follows: 1 to any power (NaN included) is 1, and so is (−1)^±∞;
 * JavaScript's Math.pow gives NaN for those.
 */
function floatPow(base: number, exp: number): number {
  if (base === 1 || (base === -1 && (exp === Number.POSITIVE_INFINITY || exp === Number.NEGATIVE_INFINITY)))
    return 1;
  return base ** exp;
}
