import type { Tensor, TensorLike } from '@mtl/tensor';
import { isGradEnabled } from './gradMode';
import { Node } from './Node';
import type { Primitive, PrimitiveParams } from './primitives';
import { rules } from './rules/index';
import { Variable } from './Variable';
import { requireOperand } from './validate';

/** What differentiable ops accept: a Variable, or a constant Tensor or number. */
export type VariableLike = Variable | Tensor | number | boolean;

/** The value of an operand: a Variable's tensor, or the constant itself. */
export function unwrap(x: VariableLike): TensorLike {
  return x instanceof Variable ? x.value : x;
}

const OPERAND_NAMES = ['a', 'b', 'c'];

/**
 * Runs a primitive forward and, when grad mode is on and some input requires grad, records a
 * Node so backward can run its rule.
 */
export function apply<P extends Primitive>(
  primitive: P,
  inputs: readonly VariableLike[],
  params: PrimitiveParams[P],
): Variable {
  for (let i = 0; i < inputs.length; i++) {
    requireOperand(primitive, inputs.length === 1 ? 'x' : (OPERAND_NAMES[i] ?? `inputs[${i}]`), inputs[i]);
  }
  const values = inputs.map(unwrap);
  const output = rules[primitive].forward(values, params);
  const variables = inputs.map((x) => (x instanceof Variable ? x : null));
  const record = isGradEnabled() && variables.some((v) => v?.requiresGrad === true);
  if (!record) return new Variable(output);
  return Variable.fromNode(output, new Node(primitive, variables, values, output, params));
}
