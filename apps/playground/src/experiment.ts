/** Runs an experiment config for the CLI: every run over the seeds, and the results a report shows. */
import { type ComparisonRow, compareMethods, meanAndStd } from '@mtl/multitask';
import type { ExperimentConfig } from './config';
import { methodFactory } from './methods';
import { makeScheduler, optimizerFactory } from './optimizers';
import { loadData, prepareExperiment, runSpecs } from './prepare';
import type { ExperimentResults } from './report/ExperimentResults';
import { cosineMatrix, toySteps } from './toy';

export interface RunExperimentOptions {
  /** Called before each training run (for a progress display). */
  onRun?: (run: { method: string; seed: number }) => void;
  /** The content of `data.file`, for `dataset: 'file'`. */
  fileText?: string;
  /** Notes for the user (rows of a data file left out). */
  onNote?: (message: string) => void;
  /**
   * Called with the results so far each time a method's runs finish, so a caller can still write
   * them when a later run fails.
   */
  onResults?: (results: ExperimentResults) => void;
}

/** Trains every run of the config and returns what the table and the report show. */
export function runExperiment(
  config: ExperimentConfig,
  options: RunExperimentOptions = {},
): ExperimentResults {
  return config.data.dataset === 'cagradToy' ? runToy(config, options) : runDataset(config, options);
}

function runDataset(
  config: ExperimentConfig,
  { onRun, fileText, onNote, onResults }: RunExperimentOptions,
): ExperimentResults {
  const prepared = prepareExperiment(config, loadData(config, fileText, onNote));
  const { taskNames, tasks } = prepared;
  const specs = runSpecs(config);
  const rows: ComparisonRow[] = [];
  const createdAt = new Date().toISOString();
  const results = (): ExperimentResults => ({
    name: config.name,
    createdAt,
    config,
    tasks: tasks.map(({ name, type }) => ({ name, type })),
    methods: rows.map((row) => ({
      method: row.method,
      metrics: row.metrics,
      deltaM: row.deltaM,
      ...(row.deltaMUnavailable === undefined ? {} : { deltaMUnavailable: row.deltaMUnavailable }),
      msPerStep: row.msPerStep,
      curves: {
        epochLoss: Object.fromEntries(
          taskNames.map((t) => [
            t,
            row.history.epochs.map((e) => (Object.hasOwn(e.train, t) ? e.train[t]! : Number.NaN)),
          ]),
        ),
        weights: Object.fromEntries(
          taskNames.map((t) => [
            t,
            row.history.steps.map((s) => (Object.hasOwn(s.weights, t) ? s.weights[t]! : Number.NaN)),
          ]),
        ),
        cosine: [...row.history.steps].reverse().find((s) => s.cosine !== undefined)?.cosine ?? null,
      },
    })),
  });
  for (const optimizer of [...new Set(specs.map((s) => s.optimizer))]) {
    const mine = specs.filter((s) => s.optimizer === optimizer);
    compareMethods({
      methods: Object.fromEntries(
        mine.map((s) => [s.label, methodFactory(s.method, taskNames, config.methodOptions[s.method]).make]),
      ),
      train: prepared.train,
      test: prepared.test,
      tasks,
      model: prepared.model,
      optimizer: optimizerFactory({ ...config.optimizer, name: optimizer }),
      scheduler: (o) => makeScheduler(o, config.optimizer.schedule, config.epochs),
      epochs: config.epochs,
      batchSize: config.batchSize,
      seeds: config.seeds,
      onRun,
      onRow: (row) => {
        rows.push(row);
        onResults?.(results());
      },
    });
  }
  return results();
}

/** The 2-D toy: each run from the paper's three starts; the "metrics" are the final losses over the starts. */
function runToy(config: ExperimentConfig, { onRun }: RunExperimentOptions): ExperimentResults {
  const tasks = ['l1', 'l2'] as const;
  return {
    name: config.name,
    createdAt: new Date().toISOString(),
    config,
    tasks: tasks.map((name) => ({ name, type: 'regression' as const })),
    methods: runSpecs(config).map((spec) => {
      const started = performance.now();
      const paths = [0, 1, 2].map((start) => {
        onRun?.({ method: `${spec.label} from start ${start + 1}`, seed: config.seeds[0]! });
        return [...toySteps(config, spec.method, spec.optimizer, start)];
      });
      const msPerStep = (performance.now() - started) / (3 * config.epochs);
      const final = paths.map((p) => p.at(-1)!.losses);
      return {
        method: spec.label,
        metrics: Object.fromEntries(tasks.map((t) => [t, { finalLoss: meanAndStd(final.map((f) => f[t])) }])),
        deltaM: null,
        msPerStep,
        curves: {
          epochLoss: Object.fromEntries(tasks.map((t) => [t, paths[0]!.map((s) => s.losses[t])])),
          weights: Object.fromEntries(
            tasks.map((t) => [t, paths[0]!.map((s) => s.weights[t] ?? Number.NaN)]),
          ),
          cosine: cosineMatrix(paths[0]!.at(-1)!.cosine),
        },
      };
    }),
  };
}
