import { Generator, getDefaultGenerator, ValueError } from '@mtl/tensor';
import { checkGenerator, checkSeed } from './check';

/** How a data utility is told where its random draws come from. */
export interface RandomSource {
  /** Draw from this generator (its state advances; share it to chain runs). */
  generator?: Generator;
  /** Draw from a new `Generator(seed)` owned by the caller. */
  seed?: number;
}

/**
 * The generator named by `generator` or `seed` (one of them, not both), else the process-wide
 * default generator, as PyTorch falls back to its global one.
 * @throws ValueError if both are given, the generator is not a Generator, or the seed is not a safe integer
 */
export function resolveGenerator(op: string, { generator, seed }: RandomSource): Generator {
  if (generator !== undefined && seed !== undefined) {
    throw new ValueError(`${op}: give a generator or a seed, not both`);
  }
  if (generator !== undefined) return checkGenerator(op, 'generator', generator)!;
  if (seed !== undefined) return new Generator(checkSeed(op, seed));
  return getDefaultGenerator();
}
