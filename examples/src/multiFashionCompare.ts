/**
 * Every weighting method of @mtl/multitask on MultiFashion (Lin et al. 2019: two Fashion-MNIST
 * items on one 36×36 canvas, resized to 28×28; task `left` and task `right`, 10 classes each)
 * with Sener & Koltun's MultiLeNet, over three seeds, against single-task baselines of the same
 * network. Test accuracy per task, Δm (LibMTL's convention: positive = better than the
 * baselines) and the time per step.
 *
 *   pnpm --filter @mtl/examples multifashion                      # every run, one process
 *   pnpm --filter @mtl/examples multifashion -- --shard 1/2 &     # or one process per core …
 *   pnpm --filter @mtl/examples multifashion -- --shard 2/2
 *   pnpm --filter @mtl/examples multifashion -- --table           # … then the table
 *
 * Each run is saved as it ends (one JSON file, written atomically) under `--out` in a folder named
 * by the recipe, and skipped when that file exists: an interrupted sweep resumes where it stopped.
 * Needs Fashion-MNIST (Debian: `apt-get install dataset-fashion-mnist`, or `$MTL_FASHION_MNIST_DIR`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AlignedMTL,
  CAGrad,
  ConFIG,
  DBMTL,
  DualProj,
  DWA,
  deltaM,
  EW,
  ExcessMTL,
  FairGrad,
  GLS,
  GradDrop,
  GradNorm,
  GradVac,
  IMTL,
  IMTLL,
  MGDA,
  MoCo,
  MoDo,
  MultiTaskDataset,
  meanAndStd,
  multiFashion,
  multiFashionMnist,
  multiLeNet,
  multiMnist,
  NashMTL,
  PCGrad,
  RLW,
  SDMGrad,
  STCH,
  type Stat,
  Trainer,
  UPGrad,
  UW,
  type WeightingMethod,
} from '@mtl/multitask';
import { writeFileAtomic } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator, setMatmulThreads } from '@mtl/tensor';

const TASKS = ['left', 'right'];

/** Display name → a fresh method with the library's defaults (each run calls `init` with its tasks). */
export const MULTIFASHION_METHODS: Record<string, () => WeightingMethod> = {
  EW: () => new EW(),
  UW: () => new UW(),
  DWA: () => new DWA(),
  GLS: () => new GLS(),
  RLW: () => new RLW({ seed: 0 }),
  GradNorm: () => new GradNorm(),
  'IMTL-L': () => new IMTLL(),
  STCH: () => new STCH({ warmupEpochs: 1 }),
  'DB-MTL': () => new DBMTL(),
  MGDA: () => new MGDA(),
  PCGrad: () => new PCGrad({ seed: 0 }),
  CAGrad: () => new CAGrad(),
  GradVac: () => new GradVac({ seed: 0 }),
  IMTL: () => new IMTL(),
  'Nash-MTL': () => new NashMTL(),
  'Aligned-MTL': () => new AlignedMTL(),
  UPGrad: () => new UPGrad(),
  DualProj: () => new DualProj(),
  GradDrop: () => new GradDrop({ seed: 0 }),
  ConFIG: () => new ConFIG(),
  FairGrad: () => new FairGrad(),
  MoCo: () => new MoCo(),
  ExcessMTL: () => new ExcessMTL(),
  SDMGrad: () => new SDMGrad(),
  MoDo: () => new MoDo(),
  // Krum and TrimmedMean need at least three tasks (f + 3, 2f + 1); these benchmarks have two.
};

/** The two-task image benchmarks, all built by Sener & Koltun's recipe (`multiMnist`'s doc). */
const DATASETS = { multiFashion, multiMnist, multiFashionMnist };

export interface MultiFashionRecipe {
  /** Default `multiFashion`; `multiMnist` and `multiFashionMnist` need MNIST's files too. */
  dataset?: keyof typeof DATASETS;
  epochs: number;
  /** Training images used (the first ones of the 60,000); the test split is always all 10,000. */
  trainSamples: number;
  batchSize: number;
  lr: number;
}

export const DEFAULT_RECIPE: MultiFashionRecipe = {
  epochs: 5,
  trainSamples: 20_000,
  batchSize: 256,
  lr: 1e-3,
};

/** One finished training run, as saved. */
export interface RunResult {
  /** A method's display name, or `left alone` / `right alone` for a single-task baseline. */
  name: string;
  seed: number;
  recipe: MultiFashionRecipe;
  /** Test accuracy per task (a baseline has its one task). */
  accuracy: Record<string, number>;
  msPerStep: number;
  seconds: number;
}

interface RunSpec {
  name: string;
  seed: number;
  tasks: string[];
  make: () => WeightingMethod;
}

/** The baselines first (Δm needs them), then each method, each over every seed. */
export function plannedRuns(methods: string[], seeds: number[]): RunSpec[] {
  const baselines = TASKS.flatMap((task) =>
    seeds.map((seed) => ({ name: `${task} alone`, seed, tasks: [task], make: () => new EW() })),
  );
  const runs = methods.flatMap((name) => {
    const make = MULTIFASHION_METHODS[name];
    if (make === undefined)
      throw new Error(`unknown method "${name}"; one of: ${Object.keys(MULTIFASHION_METHODS).join(', ')}`);
    return seeds.map((seed) => ({ name, seed, tasks: TASKS, make }));
  });
  return [...baselines, ...runs];
}

/** The folder a recipe's runs go to: runs of another recipe never mix into its table. */
export function recipeFolder(out: string, r: MultiFashionRecipe): string {
  return join(
    out,
    `${(r.dataset ?? 'multiFashion').toLowerCase()}-e${r.epochs}-n${r.trainSamples}-b${r.batchSize}-lr${r.lr}`,
  );
}

const fileOf = (folder: string, run: { name: string; seed: number }) =>
  join(folder, `${run.name.replace(/[^A-Za-z0-9-]+/g, '_')}-seed${run.seed}.json`);

/** Trains the runs of one shard that are not saved yet, saving each as it ends. */
export async function runMultiFashion({
  methods = Object.keys(MULTIFASHION_METHODS),
  seeds = [0, 1, 2],
  recipe = DEFAULT_RECIPE,
  shard = [1, 1] as [number, number],
  out = 'results',
  dir,
  log = console.log as (line: string) => void,
}: {
  methods?: string[];
  seeds?: number[];
  recipe?: MultiFashionRecipe;
  shard?: [number, number];
  out?: string;
  /** The Fashion-MNIST folder (found as `fashionMnist` finds it when omitted). */
  dir?: string;
  log?: (line: string) => void;
} = {}): Promise<RunResult[]> {
  const folder = recipeFolder(out, recipe);
  mkdirSync(folder, { recursive: true });
  const [index, count] = shard;
  const todo = plannedRuns(methods, seeds).filter(
    (run, i) => i % count === index - 1 && !existsSync(fileOf(folder, run)),
  );
  if (todo.length === 0) return [];
  const build = DATASETS[recipe.dataset ?? 'multiFashion'];
  const train = new MultiTaskDataset(await build({ dir, split: 'train', limit: recipe.trainSamples }));
  const test = new MultiTaskDataset(await build({ dir, split: 'test' }));
  const results: RunResult[] = [];
  for (const run of todo) {
    const model = multiLeNet({ generator: new Generator(run.seed) });
    // init before the optimizer is built from the method's parameters (UW's, GradNorm's, …).
    const method = run.make().init(run.tasks);
    const trainer = new Trainer({
      model,
      tasks: run.tasks.map((name) => ({ name, type: 'multiclass' as const, metrics: ['accuracy' as const] })),
      optimizer: new Adam([...model.parameters(), ...method.parameters()], { lr: recipe.lr }),
      weighting: method,
      progress: false,
    });
    const started = performance.now();
    trainer.fit(train, { epochs: recipe.epochs, batchSize: recipe.batchSize, seed: run.seed });
    const ms = performance.now() - started;
    const metrics = trainer.evaluate(test);
    const result: RunResult = {
      name: run.name,
      seed: run.seed,
      recipe,
      accuracy: Object.fromEntries(run.tasks.map((t) => [t, metrics[t]!.accuracy!])),
      msPerStep: ms / trainer.stepCount,
      seconds: ms / 1000,
    };
    await writeFileAtomic(fileOf(folder, run), `${JSON.stringify(result, null, 2)}\n`);
    results.push(result);
    log(
      `${run.name} (seed ${run.seed}): ${run.tasks.map((t) => `${t} ${result.accuracy[t]!.toFixed(4)}`).join(', ')}` +
        ` — ${result.seconds.toFixed(0)} s, ${result.msPerStep.toFixed(1)} ms/step`,
    );
  }
  return results;
}

export interface MultiFashionRow {
  method: string;
  accuracy: Record<string, Stat>;
  deltaM: Stat;
  /**
   * This method's Δm minus EW's on the same seed (the same initial weights and batch order), over
   * the seeds both ran: most of the seed-to-seed spread is shared, so this is the sharper test.
   * Null for EW and where no seed pairs.
   */
  versusEW: Stat | null;
  msPerStep: number;
  seeds: number;
}

/** The saved runs of a recipe as rows: accuracy and Δm (mean ± std over seeds) per method. */
export function multiFashionTable(out: string, recipe: MultiFashionRecipe = DEFAULT_RECIPE) {
  const folder = recipeFolder(out, recipe);
  const runs: RunResult[] = readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')));
  const baselineRuns = (task: string) => runs.filter((r) => r.name === `${task} alone`);
  const baselines = Object.fromEntries(
    TASKS.map((t) => [t, meanAndStd(baselineRuns(t).map((r) => r.accuracy[t]!))]),
  );
  const baselineMeans = Object.fromEntries(TASKS.map((t) => [t, { accuracy: baselines[t]!.mean }]));
  const deltaMOf = (r: RunResult) =>
    deltaM(Object.fromEntries(TASKS.map((t) => [t, { accuracy: r.accuracy[t]! }])), baselineMeans);
  const ewBySeed = new Map(runs.filter((r) => r.name === 'EW').map((r) => [r.seed, deltaMOf(r)]));
  const rows: MultiFashionRow[] = Object.keys(MULTIFASHION_METHODS).flatMap((method) => {
    const own = runs.filter((r) => r.name === method);
    if (own.length === 0) return [];
    const paired = own.filter((r) => ewBySeed.has(r.seed)).map((r) => deltaMOf(r) - ewBySeed.get(r.seed)!);
    return [
      {
        method,
        accuracy: Object.fromEntries(TASKS.map((t) => [t, meanAndStd(own.map((r) => r.accuracy[t]!))])),
        deltaM: meanAndStd(own.map(deltaMOf)),
        versusEW: method === 'EW' || paired.length === 0 ? null : meanAndStd(paired),
        msPerStep: own.reduce((s, r) => s + r.msPerStep, 0) / own.length,
        seeds: own.length,
      },
    ];
  });
  return { baselines, baselineSeeds: baselineRuns(TASKS[0]!).length, rows };
}

const pct = (s: Stat) => `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}`;
const signed = (s: Stat) => `${s.mean >= 0 ? '+' : '−'}${Math.abs(s.mean).toFixed(2)} ± ${s.std.toFixed(2)}`;

/**
 * The table as Markdown. The last Δm column is the paired difference from EW (same seeds); it is
 * marked † where its mean exceeds its std over seeds — a difference larger than the seed noise.
 */
export function formatMultiFashionTable({
  baselines,
  baselineSeeds,
  rows,
}: ReturnType<typeof multiFashionTable>) {
  const seeds = (n: number) => `${n} seed${n === 1 ? '' : 's'}`;
  const versus = (v: Stat | null) =>
    v === null ? '' : `${signed(v)}${Math.abs(v.mean) > v.std && v.std > 0 ? ' †' : ''}`;
  return [
    '| method | left accuracy % | right accuracy % | Δm % | Δm − EW’s, same seed | ms/step |',
    '|---|---|---|---|---|---|',
    `| single-task baselines (${seeds(baselineSeeds)}) | ${pct(baselines.left!)} | ${pct(baselines.right!)} | 0 | | |`,
    ...rows.map(
      (r) =>
        `| ${r.method}${r.seeds === baselineSeeds ? '' : ` (${seeds(r.seeds)})`} | ${pct(r.accuracy.left!)} | ` +
        `${pct(r.accuracy.right!)} | ${signed(r.deltaM)} | ${versus(r.versusEW)} | ${r.msPerStep.toFixed(0)} |`,
    ),
  ].join('\n');
}

function parseArgs(argv: string[]) {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const number = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: expected a positive number, got "${v}"`);
    return n;
  };
  const shardText = value('--shard') ?? '1/1';
  const shard = shardText.split('/').map(Number) as [number, number];
  if (shard.length !== 2 || !(shard[0]! >= 1 && shard[0]! <= shard[1]!) || !Number.isInteger(shard[1]))
    throw new Error(`--shard: expected K/N with 1 ≤ K ≤ N, got "${shardText}"`);
  const dataset = value('--dataset') ?? 'multiFashion';
  if (!Object.hasOwn(DATASETS, dataset))
    throw new Error(`--dataset: expected one of ${Object.keys(DATASETS).join(', ')}, got "${dataset}"`);
  return {
    table: argv.includes('--table'),
    out: value('--out') ?? 'results',
    methods: value('--methods')?.split(','),
    seeds: value('--seeds')?.split(',').map(Number),
    shard,
    recipe: {
      dataset: dataset as keyof typeof DATASETS,
      epochs: number('--epochs', DEFAULT_RECIPE.epochs),
      trainSamples: number('--train-samples', DEFAULT_RECIPE.trainSamples),
      batchSize: number('--batch-size', DEFAULT_RECIPE.batchSize),
      lr: number('--lr', DEFAULT_RECIPE.lr),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.table) {
      console.log(formatMultiFashionTable(multiFashionTable(args.out, args.recipe)));
    } else {
      // One kernel thread per process: shards run side by side, one per core.
      if (args.shard[1] > 1) setMatmulThreads(1);
      await runMultiFashion(args);
    }
  } catch (error) {
    // A bad flag or missing data files: the message says what to do; a stack trace would not.
    console.error(`multifashion: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
