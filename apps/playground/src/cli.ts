/**
 * mtl-playground — runs an experiment config from the terminal.
 *
 *   mtl-playground                       the default experiment (penguins, 3 tasks, 8 methods, 3 seeds)
 *   mtl-playground run config.json       an experiment from a config file
 *   mtl-playground run multifashion      a preset (the page's preset menu: see --help)
 *   mtl-playground compare config.json --methods ew,uw,pcgrad
 *   mtl-playground sweep penguins-sweep.json [--workers N]   a config's sweep on every core (resumable)
 *   mtl-playground sweep penguins-sweep.json --queue redis://host:6379   …through a Redis job queue
 *   mtl-playground worker --queue redis://host:6379 [--workers N]        …trained here (any number of machines)
 *   options: --set field=value  --seed N  --epochs N  --workers N  --out DIR (default results)  --json  --verbose  --help
 *
 * Prints a results table (per-task test metrics, Δm, time per step) and writes
 * <out>/<name>.json and a self-contained <out>/<name>.html report (each atomically: a reader finds
 * the old file or the new one, never half of one). Run it as `pnpm start [args]` from the
 * repository root (tsx runs this TypeScript source; there is no compiled bin).
 *
 * Exit codes: 0 done; 2 a problem with the input — the command line, the config, a file (a data
 * file, or image files that are missing: the message says how to get them), a run that diverged,
 * an output folder that cannot be written — told in one line naming the field (or file, row and
 * column) and the fix; 1 an internal error, in one line (its stack trace with --verbose).
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DatasetError, formatComparison, ProgressBar } from '@mtl/multitask';
import { SaveError, writeFileAtomic } from '@mtl/nn';
import { MtlError } from '@mtl/tensor';
import { parseCommandLine, USAGE, UsageError } from './commandLine';
import { BOUNDS, ConfigError, DEFAULT_CONFIG, isImageDataset, nameFrom, parseConfig, show } from './config';
import { runExperiment } from './experiment';
import { imageCounts } from './images';
import { PRESETS } from './presets';
import type { ExperimentResults } from './report/ExperimentResults';
import { htmlReport } from './report/htmlReport';
import { setField } from './setField';
import { QueueError, runQueueWorker, safeUrl } from './sweep/queue';
import { formatSelection, type SweepCommandOptions, sweepCommand } from './sweep/sweepCommand';

/** Larger config files are refused before they are read. */
const MAX_CONFIG_BYTES = 1 << 20;
/** Larger data files are refused before they are read (a JS string holds at most ~512 MB). */
const MAX_DATA_BYTES = 256 << 20;

type Print = (s: string) => void;

/** Parses the command line and runs; resolves to the exit code (0, 2 for bad input, 1 for a bug). */
export async function main(
  argv: string[],
  out: Print = (s) => process.stdout.write(`${s}\n`),
  err: Print = (s) => process.stderr.write(`${s}\n`),
  /**
   * Worker processes when --workers is not given. The command line passes one per core; called
   * as a function (the tests), runs train in this thread unless --workers says otherwise.
   */
  defaultWorkers = 1,
  /** The folder relative paths (the config file, --out) resolve against: where the user typed the command. */
  cwd = process.cwd(),
): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    return await run(argv, out, err, defaultWorkers, cwd);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof QueueError)
      return fail(err, e.message);
    if (e instanceof SaveError) return fail(err, `${e.message} (choose another --out folder)`);
    // Image files that are missing or malformed: the library's message says where it looked and how to get them.
    if (e instanceof DatasetError) return fail(err, e.message);
    if (e instanceof MtlError && /the loss of task .* is (NaN|-?Infinity)/.test(e.message))
      return fail(
        err,
        `training diverged — ${e.message.replace(/, or pass onNonFinite: 'skip'$/, '')} (lower optimizer.lr, or change optimizer.options or methodOptions)`,
      );
    if (verbose) err(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    else {
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      err(`mtl-playground: internal error — ${oneLine(what)} (rerun with --verbose for the stack trace)`);
    }
    return 1;
  }
}

async function run(
  argv: string[],
  out: Print,
  err: Print,
  defaultWorkers: number,
  cwd: string,
): Promise<number> {
  const { command, flags, sets, positional } = parseCommandLine(argv);
  if (flags.help) {
    out(USAGE);
    out(`presets: ${Object.keys(PRESETS).join(', ')}`);
    out('--set changes one config field, e.g. --set data.options.trainImages=1000 --set optimizer.lr=0.003');
    return 0;
  }
  const workers =
    typeof flags.workers === 'string' ? integerFlag('workers', flags.workers, 1, 256) : undefined;
  if (command === 'worker') {
    if (typeof flags.queue !== 'string')
      throw new UsageError(
        `worker needs --queue redis://host:port, the queue a sweep's runs are in — ${USAGE}`,
      );
    if (positional.length > 0)
      throw new UsageError(`worker takes no config file (the jobs carry their configs) — ${USAGE}`);
    return worker(flags.queue, workers ?? defaultWorkers, err);
  }
  const file = positional.shift();
  const path = file === undefined ? undefined : resolve(cwd, file);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${show(positional[0]!)} — ${USAGE}`);
  if (command === 'compare' && flags.methods === undefined && file === undefined)
    throw new UsageError(`compare needs a config file or --methods — ${USAGE}`);
  if (command === 'sweep' && file === undefined)
    throw new UsageError(
      `sweep needs a config file with a "sweep" section, e.g. penguins-sweep.json — ${USAGE}`,
    );
  if (command !== 'sweep' && flags.queue !== undefined)
    throw new UsageError(`--queue is for sweep and worker — ${USAGE}`);
  if (flags.queue !== undefined && flags.workers !== undefined)
    throw new UsageError(
      `--workers sets a local pool or a worker's processes; with --queue the workers run the sweep — ${USAGE}`,
    );

  // The defaults but the name, which parseConfig derives from the data (--set data.dataset=… renames).
  const { name: _, ...defaults } = structuredClone(DEFAULT_CONFIG);
  let raw: Record<string, unknown> = defaults as unknown as Record<string, unknown>;
  // A preset's name, unless a file of that name is there.
  const preset =
    file !== undefined && Object.hasOwn(PRESETS, file) && !existsSync(path!) ? PRESETS[file] : undefined;
  if (preset !== undefined) raw = structuredClone(preset.config);
  else if (path !== undefined) {
    if (!existsSync(path) && !/\.json$/i.test(path))
      throw new UsageError(
        `${show(file!)} is neither a config file (there is no ${path}) nor a preset — presets: ${Object.keys(PRESETS).join(', ')}`,
      );
    const text = readText(path, 'the config file', MAX_CONFIG_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${path} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new UsageError(`${path}: expected a JSON object like {"epochs": 10}, got ${describe(parsed)}`);
    raw = parsed as Record<string, unknown>;
    // Unnamed, a config is named after its file: my-config.json writes results/my-config.*.
    if (raw.name === undefined) raw = { ...raw, name: nameFrom(path) };
  }
  for (const assignment of sets) raw = setField(raw, assignment);
  if (typeof flags.methods === 'string')
    raw = { ...raw, methods: flags.methods.split(',').map((m) => m.trim().toLowerCase()) };
  if (typeof flags.seed === 'string')
    raw = { ...raw, seeds: [integerFlag('seed', flags.seed, 0, BOUNDS.seedValue)] };
  if (typeof flags.epochs === 'string')
    raw = { ...raw, epochs: integerFlag('epochs', flags.epochs, 1, BOUNDS.epochs) };
  if (flags.out === '') throw new UsageError('--out: expected a folder, got an empty value');
  const config = parseConfig(raw);

  // A data file or image folder is found next to the config file, or from the working directory without one.
  const relative = (p: string) =>
    resolve(path === undefined || preset !== undefined ? cwd : dirname(path), p);
  let fileText: string | undefined;
  if (config.data.dataset === 'file')
    fileText = readText(relative(config.data.file!.path), 'the data file (data.file.path)', MAX_DATA_BYTES);
  const { dir: imageDir, fashionDir } = config.data.options;
  const imageFolders = {
    ...(imageDir === undefined ? {} : { dir: relative(imageDir) }),
    ...(fashionDir === undefined ? {} : { fashionDir: relative(fashionDir) }),
  };

  // The output folder is made before training, so a bad --out fails in a second, not after hours.
  const dir = resolve(cwd, typeof flags.out === 'string' ? flags.out : 'results');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`--out: cannot create the folder ${dir} — ${reason(e)}; choose another --out`);
  }

  if (command === 'sweep') {
    const queue = typeof flags.queue === 'string' ? flags.queue : undefined;
    const data = { fileText, imageFolders };
    return sweep(
      { config, raw, data, out: dir, workers: workers ?? defaultWorkers, queue, json: flags.json === true },
      out,
      err,
    );
  }

  const started = performance.now();
  if (isImageDataset(config.data.dataset)) {
    const n = imageCounts(config);
    err(
      `loading ${config.data.dataset}: ${n.train} training, ${n.validation} validation and ${n.test} test images…`,
    );
  }
  let partial: ExperimentResults | null = null;
  let results: ExperimentResults;
  try {
    results = await runExperiment(config, {
      fileText,
      imageFolders,
      // One worker per core unless --workers (image datasets train in this thread).
      workers: workers ?? defaultWorkers,
      // Redraws in place on a terminal, silent in pipes and logs.
      progress: new ProgressBar(process.stderr),
      onRun: ({ method, seed }) => err(`training ${method} (seed ${seed})…`),
      onFinished: ({ method, seed, seconds }) =>
        err(`trained ${method} (seed ${seed}): ${seconds.toFixed(1)} s`),
      onNote: (note) => err(`note: ${oneLine(note)}`),
      onResults: (r) => {
        partial = r;
      },
    });
  } catch (e) {
    // Keep what was computed: the methods that finished before the failure.
    const done = partial as ExperimentResults | null;
    if (done !== null && done.methods.length > 0) {
      const written = await writeResults(dir, done).catch(() => []);
      if (written.length > 0)
        err(`kept the ${done.methods.length} method(s) that finished in ${written.join(' and ')}`);
    }
    throw e;
  }
  const seconds = (performance.now() - started) / 1000;
  const written = await writeResults(dir, results, err);
  if (flags.json) {
    out(JSON.stringify(results));
    return 0;
  }
  const { name, seeds } = config;
  const dataset = config.data.dataset;
  out(
    `\n${name === dataset ? name : `${name} (${dataset})`}: ${results.tasks.map((t) => `${t.name} (${t.type})`).join(', ')}; ${count(seeds.length, 'seed')}, ${count(config.epochs, 'epoch')} — ${seconds.toFixed(1)} s`,
  );
  const baselines = results.baselines ?? [];
  out(
    `Test metrics (${seeds.length === 1 ? `seed ${seeds[0]}` : `mean±std over ${seeds.length} seeds`})${
      baselines.length > 0
        ? '; Δm in % against the single-task baselines (the rows below the line: each task trained alone), positive = better (LibMTL)'
        : ''
    }\n`,
  );
  out(formatComparison({ rows: results.methods, baselineRows: baselines, seeds: seeds.length }));
  for (const m of results.methods)
    if (m.deltaMUnavailable !== undefined) out(`Δm of ${m.method} is n/a: ${oneLine(m.deltaMUnavailable)}`);
  out(`\nwrote ${written.join(' and ')}`);
  return 0;
}

/** The sweep command: Ctrl-C stops it and keeps every finished run (exit 130); the same command resumes. */
async function sweep(
  options: Omit<SweepCommandOptions, 'note' | 'signal'> & { json: boolean },
  out: Print,
  err: Print,
): Promise<number> {
  const outcome = await untilInterrupted(
    ['SIGINT'],
    () =>
      err(
        'stopping — the runs in flight are dropped, the finished ones are stored (Ctrl-C again to quit at once)',
      ),
    (signal) => sweepCommand({ ...options, signal, note: (line) => err(oneLine(line)) }),
  );
  const stored = outcome.results.filter((r) => r !== null).length;
  if (outcome.stopped) {
    err(
      options.queue === undefined
        ? `stopped: ${stored} of ${outcome.requests.length} runs are stored in ${join(options.out, 'runs')} — run the same command again to train the rest`
        : `stopped waiting: ${stored} of ${outcome.requests.length} runs are stored in ${join(options.out, 'runs')}; the rest stay queued for the workers — run the same command again to collect them`,
    );
    return 130;
  }
  const { selection } = outcome;
  if (options.json) {
    out(JSON.stringify(selection));
    return 0;
  }
  out(
    `\n${options.config.name}: ${outcome.requests.length} runs (${outcome.trained} trained, ${outcome.reused} reused) ${
      options.queue === undefined
        ? `on ${outcome.workers} worker${outcome.workers > 1 ? 's' : ''}`
        : `through ${safeUrl(options.queue)}`
    } — ${outcome.seconds.toFixed(1)} s`,
  );
  out(
    `Each method at the setting with the best validation ${selection!.select === 'deltaM' ? 'Δm' : selection!.select}; test metrics (${options.config.seeds.length === 1 ? `seed ${options.config.seeds[0]}` : `mean±std over ${options.config.seeds.length} seeds`}); Δm in % against single-task baselines tuned on validation loss, positive = better\n`,
  );
  out(formatSelection(selection!));
  out(`\nwrote ${outcome.written!.join(' and ')}`);
  return 0;
}

/** The worker command: takes sweep jobs until Ctrl-C (or SIGTERM), which lets the running ones finish. */
async function worker(queue: string, threads: number, err: Print): Promise<number> {
  const finished = await untilInterrupted(
    ['SIGINT', 'SIGTERM'],
    () =>
      err(
        'stopping after the running jobs (Ctrl-C again to quit at once; their jobs then go to another worker)',
      ),
    (signal) => runQueueWorker({ url: queue, workers: threads, signal, note: (line) => err(oneLine(line)) }),
  );
  err(`stopped: ${finished} job${finished === 1 ? '' : 's'} finished here`);
  return 0;
}

/**
 * Runs `work` with a signal that the first of `signals` aborts (after `onStop`); the handlers are
 * removed on the first one, so a second Ctrl-C quits at once, and when `work` ends.
 */
async function untilInterrupted<T>(
  signals: NodeJS.Signals[],
  onStop: () => void,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const remove = () => {
    for (const s of signals) process.removeListener(s, stop);
  };
  const stop = () => {
    onStop();
    controller.abort();
    remove();
  };
  for (const s of signals) process.on(s, stop);
  try {
    return await work(controller.signal);
  } finally {
    remove();
  }
}

/**
 * Writes <dir>/<name>.json, then <dir>/<name>.html, each atomically; returns the paths written.
 * If the report fails, the JSON is already there, and stderr says so before the error.
 */
async function writeResults(dir: string, results: ExperimentResults, err?: Print): Promise<string[]> {
  const json = join(dir, `${results.name}.json`);
  await writeFileAtomic(json, JSON.stringify(results, null, 2), { op: 'results' });
  const html = join(dir, `${results.name}.html`);
  try {
    await writeFileAtomic(html, htmlReport(results), { op: 'results' });
  } catch (e) {
    err?.(`kept the results in ${json}; the HTML report could not be written`);
    throw e;
  }
  return [json, html];
}

/** A text file's content, or a UsageError naming it and why it cannot be read. */
function readText(path: string, what: string, maxBytes: number): string {
  try {
    const size = statSync(path).size;
    if (size > maxBytes)
      throw new UsageError(`${what} ${path} has ${size} bytes, more than the ${maxBytes} allowed`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} ${path} — ${reason(e)}`);
  }
}

/** A whole number from a flag's text, or a UsageError saying what it got. */
function integerFlag(name: string, text: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got ${show(text)}`);
  return n;
}

/** "1 epoch", "40 epochs". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Where the user typed the command: pnpm runs a script in its package's folder and passes where it was started as INIT_CWD. */
function invocationDir(): string {
  const { npm_lifecycle_event: script, INIT_CWD: initial } = process.env;
  return script !== undefined && initial ? initial : process.cwd();
}

function reason(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  return oneLine(e instanceof Error ? e.message : String(e));
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'a list' : v === null ? 'null' : `a ${typeof v}`;
}

/** One line, at most 500 characters: a message never spills over several lines. */
function oneLine(s: string): string {
  const line = s.replace(/\s*[\r\n]+\s*/g, ' ');
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

function fail(err: Print, message: string): number {
  err(`mtl-playground: ${oneLine(message)}`);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Output piped into a command that stops reading (`| head`) is not an error worth a trace.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  main(process.argv.slice(2), undefined, undefined, availableParallelism(), invocationDir()).then((code) => {
    process.exitCode = code;
  });
}
