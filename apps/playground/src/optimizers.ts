/** The optimizers and learning-rate schedules the playground offers, built from a config. */
import type { Parameter } from '@mtl/autograd';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  ExponentialLR,
  Momentum,
  type Optimizer,
  RMSprop,
  SGD,
  StepLR,
} from '@mtl/optim';

export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'momentum', 'rmsprop', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  adam: 'Adam',
  adamw: 'AdamW',
  sgd: 'SGD',
  momentum: 'Momentum',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
};

interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  options: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its options
export type AnyOptimizer = Optimizer<any>;

/** A factory of the configured optimizer; its constructor rejects unknown or bad options by name. */
export function optimizerFactory({ name, lr, options }: OptimizerConfig): (ps: Parameter[]) => AnyOptimizer {
  const all = { ...options, lr } as never;
  return (ps) => {
    switch (name) {
      case 'adam':
        return new Adam(ps, all);
      case 'adamw':
        return new AdamW(ps, all);
      case 'sgd':
        return new SGD(ps, all);
      case 'momentum':
        return new Momentum(ps, all);
      case 'rmsprop':
        return new RMSprop(ps, all);
      case 'adagrad':
        return new Adagrad(ps, all);
    }
  };
}

export interface ScheduleConfig {
  type: 'none' | 'step' | 'exponential' | 'cosine';
  stepSize: number;
  gamma: number;
}

/** The configured schedule on an optimizer (stepped once per epoch), or undefined for 'none'. */
export function makeScheduler(
  optimizer: AnyOptimizer,
  schedule: ScheduleConfig,
  epochs: number,
): StepLR | ExponentialLR | CosineAnnealingLR | undefined {
  switch (schedule.type) {
    case 'none':
      return undefined;
    case 'step':
      return new StepLR(optimizer, { stepSize: schedule.stepSize, gamma: schedule.gamma });
    case 'exponential':
      return new ExponentialLR(optimizer, { gamma: schedule.gamma });
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { tMax: epochs });
  }
}
