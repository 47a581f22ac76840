/** Runs an experiment config for the CLI: every run over the seeds, and the results a report shows. */
import {
  type BaselineRow,
  type ComparisonRow,
  compareMethods,
  type MultiTaskModel,
  meanAndStd,
  type ProgressBar,
} from '@mtl/multitask';
import { compareOnPool } from './compareOnPool';
import { type ArchitectureName, compared, type ExperimentConfig, isImageDataset } from './config';
import { type ImagePredictions, imagePredictions, imageSamples } from './imageResults';
import { type ImageFolders, loadImages } from './images';
import { methodFactory } from './methods';
import { makeScheduler, optimizerFactory } from './optimizers';
import { loadData, prepareExperiment, type RunSpec, runLabel, runSpecs } from './prepare';
import type { ExperimentResults } from './report/ExperimentResults';
import { cosineMatrix, type ToyStep, toyRecordEvery, toySteps } from './toy';

export interface RunExperimentOptions {
  /** Called before each training run (for a progress display). */
  onRun?: (run: { method: string; seed: number }) => void;
  /** The content of `data.file`, for `dataset: 'file'`. */
  fileText?: string;
  /** Where the image datasets' files are (the CLI resolves `data.options.dir` against the config file). */
  imageFolders?: ImageFolders;
  /** Notes for the user (rows of a data file left out). */
  onNote?: (message: string) => void;
  /**
   * Called with the results so far each time a method's runs finish, so a caller can still write
   * them when a later run fails.
   */
  onResults?: (results: ExperimentResults) => void;
  /** The bar each training run draws (a terminal's; silent elsewhere). Default none. */
  progress?: ProgressBar | false;
  /**
   * Worker processes to train the runs on, side by side (default 1: one after another in this
   * thread, with `progress` and `onRun`). The numbers are the same either way. Image datasets
   * train in this thread.
   */
  workers?: number;
  /** With workers: called as each run finishes. */
  onFinished?: (run: { method: string; seed: number; baseline: boolean; seconds: number }) => void;
}

/** Trains every run of the config and returns what the table and the report show. */
export async function runExperiment(
  config: ExperimentConfig,
  options: RunExperimentOptions = {},
): Promise<ExperimentResults> {
  return config.data.dataset === 'cagradToy' ? runToy(config, options) : runDataset(config, options);
}

async function runDataset(
  config: ExperimentConfig,
  {
    onRun,
    fileText,
    imageFolders,
    onNote,
    onResults,
    progress = false,
    workers = 1,
    onFinished,
  }: RunExperimentOptions,
): Promise<ExperimentResults> {
  const images = isImageDataset(config.data.dataset);
  const imageData = images
    ? await loadImages(
        config,
        imageFolders ?? { dir: config.data.options.dir, fashionDir: config.data.options.fashionDir },
      )
    : undefined;
  const data = imageData ?? loadData(config, fileText, onNote);
  const prepared = prepareExperiment(config, data);
  const { taskNames, tasks } = prepared;
  const samples = imageData === undefined ? undefined : imageSamples(imageData);
  const classes = Object.fromEntries(taskNames.map((t) => [t, data.tasks[t]!.classes?.length ?? 0]));
  const specs = runSpecs(config);
  const rows: (ComparisonRow & { images?: ImagePredictions })[] = [];
  const baselines: BaselineRow[] = [];
  /** A comparison's baselines, named for its optimizer and architecture when several are compared. */
  const addBaselines = (
    list: BaselineRow[],
    optimizer: RunSpec['optimizer'],
    architecture: ArchitectureName,
  ) =>
    baselines.push(
      ...list.map((b) => ({ ...b, label: runLabel(config, `${b.task} alone`, optimizer, architecture) })),
    );
  const createdAt = new Date().toISOString();
  const results = (): ExperimentResults => ({
    name: config.name,
    createdAt,
    config,
    tasks: tasks.map(({ name, type }) => ({ name, type })),
    ...(samples === undefined ? {} : { images: samples }),
    baselines,
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
      ...(row.images === undefined ? {} : { images: row.images }),
    })),
  });
  if (workers > 1 && !images) {
    for (const optimizer of [...new Set(specs.map((s) => s.optimizer))]) {
      for (const architecture of compared(config)) {
        const mine = specs.filter((s) => s.optimizer === optimizer && s.architecture === architecture);
        const pooled = await compareOnPool({ config, specs: mine, workers, data: { fileText }, onFinished });
        addBaselines(pooled.baselineRows, optimizer, architecture);
        rows.push(...pooled.rows);
        onResults?.(results());
      }
    }
    return results();
  }
  const firstSeed = config.seeds[0]!;
  for (const optimizer of [...new Set(specs.map((s) => s.optimizer))]) {
    for (const architecture of compared(config)) {
      const mine = specs.filter((s) => s.optimizer === optimizer && s.architecture === architecture);
      // The first seed's model of each method, kept until its row is done to predict the test images.
      let keepNext = false;
      let kept: MultiTaskModel | null = null;
      compareMethods({
        methods: Object.fromEntries(
          mine.map((s) => [s.label, methodFactory(s.method, taskNames, config.methodOptions[s.method]).make]),
        ),
        train: prepared.train,
        test: prepared.test,
        tasks,
        model: (seed) => {
          const model = prepared.model(seed, architecture);
          if (keepNext) [kept, keepNext] = [model, false];
          return model;
        },
        optimizer: optimizerFactory({ ...config.optimizer, name: optimizer }),
        scheduler: (o) => makeScheduler(o, config.optimizer.schedule, config.epochs),
        epochs: config.epochs,
        batchSize: config.batchSize,
        seeds: config.seeds,
        progress,
        onRun: (run) => {
          keepNext = images && !run.baseline && run.seed === firstSeed;
          onRun?.(run);
        },
        onBaselines: (list) => addBaselines(list, optimizer, architecture),
        onRow: (row) => {
          const predictions =
            images && kept !== null ? imagePredictions(kept, prepared.test, classes) : undefined;
          kept = null;
          rows.push(predictions === undefined ? row : { ...row, images: predictions });
          onResults?.(results());
        },
      });
    }
  }
  return results();
}

/** The 2-D toy: each run from the paper's three starts; the "metrics" are the final losses over the starts. */
function runToy(config: ExperimentConfig, { onRun }: RunExperimentOptions): ExperimentResults {
  const tasks = ['l1', 'l2'] as const;
  const every = toyRecordEvery(config.epochs);
  return {
    name: config.name,
    createdAt: new Date().toISOString(),
    config,
    tasks: tasks.map((name) => ({ name, type: 'regression' as const })),
    baselines: null,
    methods: runSpecs(config).map((spec) => {
      const started = performance.now();
      const paths = [0, 1, 2].map((start) => {
        onRun?.({ method: `${spec.label} from start ${start + 1}`, seed: config.seeds[0]! });
        const kept: ToyStep[] = [];
        for (const step of toySteps(config, spec.method, spec.optimizer, start))
          if (step.recorded) kept.push(step);
        return kept;
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
          cosine: cosineMatrix(paths[0]!.at(-1)!.cosine ?? Number.NaN),
          ...(every > 1 ? { every } : {}),
        },
      };
    }),
  };
}
