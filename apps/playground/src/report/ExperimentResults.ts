import type { Stat } from '@mtl/multitask';

export type { Stat };

/** Everything an experiment run produces: what the CLI prints, writes as JSON and renders with `htmlReport`. */
export interface ExperimentResults {
  name: string;
  /** ISO 8601 timestamp of the run. */
  createdAt: string;
  /** The experiment config as run; shown as pretty JSON in the report. */
  config: unknown;
  tasks: { name: string; type: 'regression' | 'binary' | 'multiclass' }[];
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
    };
  }[];
}
