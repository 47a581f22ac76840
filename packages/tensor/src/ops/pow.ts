import { DTypeError } from '../errors';
import { Tensor } from '../Tensor';
import { binaryOp, checkOperand, commonDType, type TensorLike } from './binary';

/**
 * Elementwise x ** exponent, with broadcasting. Integer powers of integers stay int32 and, as in
 * PyTorch, may not be negative.
 */
export function pow(x: TensorLike, exponent: TensorLike): Tensor {
  checkOperand('pow', 'x', x);
  checkOperand('pow', 'exponent', exponent);
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

/**
 * Exact integer power by squaring, in float64: a result that fits int32 is exact, and one that
 * does not is caught by binaryOp's int32 check (it never wraps). Stops once |result| > 2^31.
 */
function intPow(base: number, exp: number): number {
  let result = 1;
  let b = base;
  let e = exp;
  while (e > 0 && Math.abs(result) <= 2 ** 31) {
    if (e % 2 === 1) result *= b;
    b *= b;
    e = Math.floor(e / 2);
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
