/**
 * The value of an IEEE 754 half-precision (F16) bit pattern: 1 sign bit, 5 exponent bits
 * (bias 15), 10 mantissa bits; exponent 0 is zero or subnormal, 31 is infinity or NaN. Every half
 * is exactly representable in float32.
 */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}
