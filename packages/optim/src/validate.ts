import { OptimError } from './OptimError';

/*
 * Hyperparameter checks shared by the optimizers. Messages read like
 * `Adam: betas[0] must be in [0, 1), got 1.2`.
 */

export function nonNegative(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new OptimError(`${op}: ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

export function inUnitInterval(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new OptimError(`${op}: ${name} must be in [0, 1), got ${String(value)}`);
  }
}

export function isBoolean(op: string, name: string, value: unknown): void {
  if (typeof value !== 'boolean')
    throw new OptimError(`${op}: ${name} must be true or false, got ${String(value)}`);
}

export function betasPair(op: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new OptimError(`${op}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
  }
  inUnitInterval(op, 'betas[0]', betas[0]);
  inUnitInterval(op, 'betas[1]', betas[1]);
}
