import {
  abs,
  add,
  clamp,
  div,
  log,
  mul,
  select,
  square,
  sub,
  tanh,
  Variable,
  type VariableLike,
} from '@mtl/autograd';
import { DTypeError, isTensorLike, mustBe, type Tensor, ValueError } from '@mtl/tensor';

/** The floor inside CAGrad's toy logarithms, so log never sees 0. */
export const cagradToyLower = 5e-6;

/** The three starting points of the CAGrad paper's toy figure, as (x₁, x₂). */
export const cagradToyStarts: readonly (readonly [number, number])[] = [
  [-8.5, 7.5],
  [-8.5, -5],
  [9, 9],
];

/** The Pareto set of the toy, as the CAGrad paper states it: the segment x₂ = −8.3552, x₁ ∈ [−7, 7]. */
export const cagradToyParetoSet = { x2: -8.3552, x1: [-7, 7] } as const;

/**
 * The two objectives of the CAGrad paper's toy (Liu et al. 2021, Fig. 1; the reference code's
 * `Toy` class), on x = (x₁, x₂) ∈ ℝ², with LOWER = 5e-6:
 *
 *   f1 = log(max(|0.5(−x₁−7) − tanh(−x₂)|, LOWER)) + 6
 *   f2 = log(max(|0.5(−x₁+3) + tanh(−x₂) + 2|, LOWER)) + 6
 *   c1 = max(tanh(0.5x₂), 0),  c2 = max(tanh(−0.5x₂), 0)
 *   f1_sq = ((−x₁+7)² + 0.1(−x₂−8)²)/10 − 20
 *   f2_sq = ((−x₁−7)² + 0.1(−x₂−8)²)/10 − 20
 *   L1 = f1·c1 + f1_sq·c2,  L2 = f2·c1 + f2_sq·c2
 *
 * Built from @mtl/autograd ops, so with a Variable `x` (requiresGrad) both losses backpropagate
 * and any weighting method can be run on it to draw optimisation paths. `x` has shape [2], or
 * [..., 2] to evaluate a grid at once (the losses then have shape [...]). The max with LOWER
 * and 0 is a `clamp`, as in the reference code.
 *
 * @throws ValueError naming `cagradToyLosses` when x is not a Variable or a Tensor, or its last
 *   dimension is not 2; DTypeError when it is not float32 or float64.
 */
export function cagradToyLosses(x: Variable | Tensor): { l1: Variable; l2: Variable } {
  if (!(x instanceof Variable) && !isTensorLike(x)) {
    throw new ValueError(
      mustBe(
        'cagradToyLosses',
        'x',
        'a Variable or a Tensor of shape [2] or [..., 2]',
        x,
        'e.g. variable([-8.5, 7.5])',
      ),
    );
  }
  const shape = x.shape;
  if (shape.length === 0 || shape[shape.length - 1] !== 2) {
    throw new ValueError(
      `cagradToyLosses: x must have shape [2] or [..., 2] — got x.shape=[${shape.join(', ')}]`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new DTypeError(`cagradToyLosses: x must be float32 or float64 — got ${x.dtype}`);
  }
  const last = shape.length - 1;
  const x1 = select(x, last, 0);
  const x2 = select(x, last, 1);
  const tanhNegX2 = tanh(x2).neg(); // tanh(−x₂)

  const logTerm = (inner: VariableLike): Variable => add(log(clamp(abs(inner), cagradToyLower)), 6);
  const f1 = logTerm(sub(mul(sub(x1.neg(), 7), 0.5), tanhNegX2));
  const f2 = logTerm(add(add(mul(add(x1.neg(), 3), 0.5), tanhNegX2), 2));
  const c1 = clamp(tanh(mul(x2, 0.5)), 0);
  const c2 = clamp(tanh(mul(x2, -0.5)), 0);
  const x2Term = mul(square(sub(x2.neg(), 8)), 0.1);
  const f1Sq = sub(div(add(square(add(x1.neg(), 7)), x2Term), 10), 20);
  const f2Sq = sub(div(add(square(sub(x1.neg(), 7)), x2Term), 10), 20);

  return { l1: add(mul(f1, c1), mul(f1Sq, c2)), l2: add(mul(f2, c1), mul(f2Sq, c2)) };
}

/** The CAGrad toy problem as one object; see {@link cagradToyLosses}. */
export interface CagradToy {
  losses: typeof cagradToyLosses;
  starts: typeof cagradToyStarts;
  paretoSet: typeof cagradToyParetoSet;
  lower: number;
}

/**
 * The CAGrad two-objective toy: its losses (as autograd ops), the paper's three starting points
 * and its Pareto set, for visualising the path each weighting method takes from each start.
 */
export function cagradToy(): CagradToy {
  return {
    losses: cagradToyLosses,
    starts: cagradToyStarts,
    paretoSet: cagradToyParetoSet,
    lower: cagradToyLower,
  };
}
