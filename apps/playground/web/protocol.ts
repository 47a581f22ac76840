/** Messages between the page and a training worker (one worker per run). */
import type { StepRecord } from '@mtl/multitask';
import type { ExperimentConfig } from '../src/config';
import type { ImagePredictions } from '../src/imageResults';
import type { PackedImages } from '../src/images';
import type { RunSpec } from '../src/prepare';

export type ToWorker =
  /** `images`: an image dataset, loaded once by the page (web/imageLoader.ts) for all its runs. */
  | { type: 'init'; config: ExperimentConfig; run: RunSpec; fileText?: string; images?: PackedImages }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'exportModel' };

/** One optimisation step as the charts need it: the Trainer's record, the learning rate it ran with. */
export interface StepPoint extends StepRecord {
  lr: number;
  /** The 2-D toy: x after the step, one point per starting point. */
  xs?: [number, number][];
}

export interface EpochPoint {
  epoch: number;
  /** Mean training loss per task over the epoch's steps. */
  train: Record<string, number>;
  /** Validation loss per task at the end of the epoch (none for the toy). */
  validation: Record<string, number> | null;
  lr: number;
}

export type FromWorker =
  | { type: 'ready'; tasks: string[]; totalSteps: number; toyStarts?: [number, number][] }
  /** After a pause: training has stopped, and every step and epoch before it has been sent. */
  | { type: 'paused' }
  | { type: 'progress'; steps: StepPoint[]; epochs: EpochPoint[]; done: number }
  | {
      type: 'finished';
      /** Task → metric → value on the test split (the toy: final losses). */
      metrics: Record<string, Record<string, number>>;
      msPerStep: number;
      /** Image datasets: each head's prediction for the sample images, and the confusion matrices. */
      images?: ImagePredictions;
    }
  | { type: 'model'; bytes: Uint8Array }
  | { type: 'error'; message: string };
