/**
 * The process-wide default generator, used by random ops that are not handed a generator
 * (`rand`, `randn`, initialisers, …), as PyTorch's global generator is.
 */
import { formatValue, ValueError } from '../errors';
import { Generator } from './Generator';

// Created on first use rather than at import, so the package stays free of import-time side
// effects (`"sideEffects": false`) and unused code can be tree-shaken.
let defaultGenerator: Generator | undefined;

/**
 * The default generator. It starts from seed 0, so an unseeded program is still reproducible;
 * call `manualSeed` to choose another seed.
 */
export function getDefaultGenerator(): Generator {
  defaultGenerator ??= new Generator(0);
  return defaultGenerator;
}

/**
 * Resets the default generator to the start of the stream for `seed` (like `torch.manual_seed`).
 * @returns the default generator
 * @throws ValueError if `seed` is not an integer with |seed| ≤ 2^53 − 1
 */
export function manualSeed(seed: number): Generator {
  // Checked here as well so that the message names the function the user called.
  if (!Number.isSafeInteger(seed)) {
    throw new ValueError(
      `manualSeed: seed must be an integer in [-(2^53 - 1), 2^53 - 1] — got ${formatValue(seed)}`,
    );
  }
  return getDefaultGenerator().manualSeed(seed);
}
