import { formatValue } from '@mtl/tensor';
import { CheckpointError } from './CheckpointError';
import type { TrainerState } from './Trainer';

/**
 * Refuses a trainer state that `Trainer.checkpoint` could not have written — before any of it is
 * applied: an epoch of NaN would otherwise train 0 epochs without a word.
 */
export function checkTrainerState(state: unknown): asserts state is TrainerState {
  const fail = (what: string, got: unknown) => {
    throw new CheckpointError(
      `Trainer.restore: state.${what} — got ${formatValue(got)} (pass what Trainer.checkpoint() returned)`,
    );
  };
  if (typeof state !== 'object' || state === null || Array.isArray(state)) fail('', state);
  const s = state as Record<string, unknown>;
  for (const key of ['epoch', 'stepCount'] as const) {
    const n = s[key];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      fail(`${key} must be a non-negative integer`, n);
  }
  if (typeof s.optimizer !== 'object' || s.optimizer === null)
    fail('optimizer must be an optimizer stateDict()', s.optimizer);
  if (typeof s.weighting !== 'object' || s.weighting === null || Array.isArray(s.weighting))
    fail("weighting must be the weighting method's stateDict()", s.weighting);
  if (s.scheduler === undefined) fail("scheduler must be the scheduler's stateDict() or null", s.scheduler);
  if (s.generator !== null && !Array.isArray(s.generator))
    fail('generator must be a generator state or null', s.generator);
  const history = s.history as Record<string, unknown> | null | undefined;
  if (typeof history !== 'object' || history === null) fail('history must be { steps, epochs }', history);
  if (!Array.isArray(history!.steps)) fail('history.steps must be an array', history!.steps);
  if (!Array.isArray(history!.epochs)) fail('history.epochs must be an array', history!.epochs);
}
