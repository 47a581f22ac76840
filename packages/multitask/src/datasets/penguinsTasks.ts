import type { TaskSpec } from '../training/Trainer';

/** The three penguins tasks as the Trainer takes them. */
export const penguinsTasks: TaskSpec[] = [
  { name: 'species', type: 'multiclass' },
  { name: 'sex', type: 'binary' },
  { name: 'bodyMass', type: 'regression' },
];
