import { describe, expect, it } from 'vitest';
import { erf, erfc } from './erf';

// Reference values: mpmath at 50 significant digits, rounded to the nearest float64
// (mpmath.erf / mpmath.erfc). A correctly rounded answer would have relative error ≤ 1.1e-16;
// we allow 2e-15, i.e. a few ulp, which the old Abramowitz–Stegun formula (~1e-7) cannot pass.
const TOL = 2e-15;

/** [x, erf(x), erfc(x)] across [-6, 6], the interval breaks (±0.46875, 4) and tiny |x|. */
const GRID: [number, number, number][] = [
  [-6.0, -1.0, 2.0],
  [-5.7, -0.9999999999999992, 1.9999999999999993],
  [-5.4, -0.9999999999999777, 1.9999999999999778],
  [-5.1, -0.9999999999994507, 1.9999999999994507],
  [-4.8, -0.9999999999886479, 1.9999999999886477],
  [-4.5, -0.9999999998033839, 1.999999999803384],
  [-4.2, -0.9999999971445058, 1.9999999971445057],
  [-3.9, -0.9999999652077514, 1.9999999652077514],
  [-3.6, -0.999999644137007, 1.999999644137007],
  [-3.3, -0.9999969422902035, 1.9999969422902035],
  [-3.0, -0.9999779095030014, 1.9999779095030015],
  [-2.7, -0.9998656672600594, 1.9998656672600594],
  [-2.4, -0.999311486103355, 1.999311486103355],
  [-2.1, -0.997020533343667, 1.997020533343667],
  [-1.8, -0.9890905016357308, 1.9890905016357308],
  [-1.5, -0.9661051464753108, 1.9661051464753108],
  [-1.2, -0.9103139782296353, 1.9103139782296354],
  [-0.9, -0.7969082124228322, 1.7969082124228322],
  [-0.6, -0.6038560908479259, 1.6038560908479258],
  [-0.3, -0.3286267594591274, 1.3286267594591274],
  [0.0, 0.0, 1.0],
  [0.3, 0.3286267594591274, 0.6713732405408726],
  [0.6, 0.6038560908479259, 0.3961439091520741],
  [0.9, 0.7969082124228322, 0.20309178757716786],
  [1.2, 0.9103139782296353, 0.08968602177036464],
  [1.5, 0.9661051464753108, 0.033894853524689274],
  [1.8, 0.9890905016357308, 0.010909498364269283],
  [2.1, 0.997020533343667, 0.002979466656332984],
  [2.4, 0.999311486103355, 0.0006885138966450789],
  [2.7, 0.9998656672600594, 0.0001343327399405242],
  [3.0, 0.9999779095030014, 2.209049699858544e-5],
  [3.3, 0.9999969422902035, 3.0577097964381654e-6],
  [3.6, 0.999999644137007, 3.5586299300768504e-7],
  [3.9, 0.9999999652077514, 3.4792248597231765e-8],
  [4.2, 0.9999999971445058, 2.8554941795921843e-9],
  [4.5, 0.9999999998033839, 1.9661604415428876e-10],
  [4.8, 0.9999999999886479, 1.135214358492198e-11],
  [5.1, 0.9999999999994507, 5.49382021755532e-13],
  [5.4, 0.9999999999999777, 2.227678679467786e-14],
  [5.7, 0.9999999999999992, 7.566211621862486e-16],
  [6.0, 1.0, 2.1519736712498913e-17],
  [0.46875, 0.49261347321793797, 0.507386526782062],
  [-0.46875, -0.49261347321793797, 1.492613473217938],
  [0.4687500001, 0.4926134733085173, 0.5073865266914827],
  [4.0, 0.9999999845827421, 1.541725790028002e-8],
  [4.0000001, 0.9999999845827549, 1.541724520205039e-8],
  [-4.0000001, -0.9999999845827549, 1.9999999845827547],
  [1e-10, 1.1283791670955126e-10, 0.999999999887162],
  [-3e-8, -3.3851375012865365e-8, 1.000000033851375],
  [1e-300, 1.1283791670955126e-300, 1.0],
  [0.1, 0.1124629160182849, 0.887537083981715],
  [0.01, 0.011283415555849618, 0.9887165844441503],
];

/** [x, erfc(x)] far into the right tail, where 1 − erf(x) would be all rounding error. */
const TAIL: [number, number][] = [
  [5.0, 1.537459794428035e-12],
  [6.5, 3.8421483271206475e-20],
  [8.0, 1.1224297172982926e-29],
  [10.0, 2.088487583762545e-45],
  [12.5, 6.231942781979911e-70],
  [15.0, 7.212994172451207e-100],
  [20.0, 5.395865611607901e-176],
  [25.0, 8.300172571196523e-274],
  [26.5, 2.2109076642637343e-307],
];

function relErr(got: number, want: number): number {
  if (want === 0) return Math.abs(got);
  return Math.abs(got - want) / Math.abs(want);
}

describe('erf', () => {
  it('matches high-precision values across [-6, 6] to a few ulp', () => {
    let worst = 0;
    for (const [x, want] of GRID) {
      const e = relErr(erf(x), want);
      worst = Math.max(worst, e);
      expect(e, `erf(${x})`).toBeLessThan(TOL);
    }
    expect(worst).toBeLessThan(TOL);
  });

  it('is odd, keeps -0, and handles infinities and NaN', () => {
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(Object.is(erf(0), 0)).toBe(true);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erf(1e308)).toBe(1);
    for (const x of [0.2, 0.5, 1.7, 3.3, 4.4]) expect(erf(-x)).toBe(-erf(x));
  });

  it('is monotone across the interval breaks', () => {
    for (const b of [0.46875, 4, 6]) {
      const lo = erf(b - 1e-12);
      const at = erf(b);
      const hi = erf(b + 1e-12);
      expect(lo).toBeLessThanOrEqual(at);
      expect(at).toBeLessThanOrEqual(hi);
    }
  });
});

describe('erfc', () => {
  it('matches high-precision values across [-6, 6] to a few ulp', () => {
    for (const [x, , want] of GRID) {
      expect(relErr(erfc(x), want), `erfc(${x})`).toBeLessThan(TOL);
    }
  });

  it('keeps full relative accuracy in the right tail', () => {
    for (const [x, want] of TAIL) {
      expect(relErr(erfc(x), want), `erfc(${x})`).toBeLessThan(TOL);
    }
  });

  it('handles infinities, NaN and underflow', () => {
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
  });
});
