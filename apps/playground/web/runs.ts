/** What the page keeps of one run: its worker, status and everything it reported. */
import type { ImagePredictions } from '../src/imageResults';
import type { RunSpec } from '../src/prepare';
import type { EpochPoint, StepPoint } from './protocol';

export interface RunView {
  spec: RunSpec;
  color: string;
  worker: Worker;
  status: 'starting' | 'ready' | 'running' | 'pausing' | 'paused' | 'finished' | 'error';
  error?: string;
  tasks: string[];
  totalSteps: number;
  /** Steps taken so far. */
  done: number;
  steps: StepPoint[];
  epochs: EpochPoint[];
  /** Test metrics (the toy: final losses) once finished. */
  metrics: Record<string, Record<string, number>> | null;
  msPerStep: number | null;
  /** The toy: x after each recorded step, per starting point. */
  paths: [number, number][][];
  /** Image datasets, once finished: each head's prediction for the sample images, and the confusion matrices. */
  images: ImagePredictions | null;
  /** A method run's Δm (%) against its baselines once both finished, else null. */
  deltaM?: number | null;
  /** Why Δm is undefined although both finished (a baseline metric of 0). */
  deltaMUnavailable?: string;
}

/**
 * The run's progress as a table cell says it: `done`, `45%`, `pausing 45%` (until the worker
 * confirms it has stopped and sent everything), `paused 45%`, `error: …`.
 */
export function progressText(run: RunView): string {
  const percent = `${Math.round(100 * runProgress(run))}%`;
  switch (run.status) {
    case 'finished':
      return 'done';
    case 'error':
      return `error: ${run.error}`;
    case 'running':
      return percent;
    case 'pausing':
      return `pausing ${percent}`;
    case 'paused':
      return `paused ${percent}`;
    default:
      return run.status;
  }
}

/** Fraction of the run's steps done, in [0, 1]. */
export function runProgress(run: RunView): number {
  if (run.status === 'finished') return 1;
  return run.totalSteps === 0 ? 0 : Math.min(1, run.done / run.totalSteps);
}
