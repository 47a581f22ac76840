import { sign as signOp, zerosLike } from '@mtl/tensor';
import type { Rule } from '../primitives';

/** sign is flat almost everywhere: its gradient is 0 (PyTorch's convention at 0 too). */
export const sign: Rule<'sign'> = {
  forward: ([x]) => signOp(x!),
  backward: (g) => [zerosLike(g)],
};
