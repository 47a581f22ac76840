import type { BaselineRow, Stat } from '@mtl/multitask';
import type { ImagePredictions, ImageSamples } from '../imageResults';

export type { BaselineRow, Stat };

/** Everything an experiment run produces: what the CLI prints, writes as JSON and renders with `htmlReport`. */
export interface ExperimentResults {
  name: string;
  /** ISO 8601 timestamp of the run. */
  createdAt: string;
  /** The experiment config as run; shown as pretty JSON in the report. */
  config: unknown;
  tasks: { name: string; type: 'regression' | 'binary' | 'multiclass' }[];
  /** Image datasets: the first test images with their true classes (each method adds its predictions). */
  images?: ImageSamples;
  /**
   * The single-task baselines Δm is relative to (one row per task, and per optimizer and
   * architecture when several are compared; `label` names it); null or absent without baselines
   * (the toy; results written before they were kept).
   */
  baselines?: BaselineRow[] | null;
  methods: {
    method: string;
    /** Task → metric → mean ± std over seeds. */
    metrics: Record<string, Record<string, Stat>>;
    /** LibMTL's Δm in percent (positive = better than the single-task baselines), or null without baselines. */
    deltaM: Stat | null;
    /** Why Δm is "n/a" although there are baselines (a baseline metric of 0, a non-finite metric). */
    deltaMUnavailable?: string;
    msPerStep: number;
    /** From the first seed's run: per-epoch mean training loss per task, task weights per step, and the last task-gradient cosine matrix (task order as `tasks`). */
    curves: {
      epochLoss: Record<string, number[]>;
      weights: Record<string, number[]>;
      cosine: number[][] | null;
      /** Long runs keep every `every`-th point of the curves (point i is step or epoch (i + 1)·every); absent means 1. */
      every?: number;
    };
    /** Image datasets, first seed's run: each head's prediction for the sample images, and the confusion matrices. */
    images?: ImagePredictions;
  }[];
}
