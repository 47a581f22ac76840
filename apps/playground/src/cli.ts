/**
 * mtl-playground — runs an experiment config from the terminal.
 *
 *   mtl-playground                       the default experiment (penguins, 3 tasks, 8 methods, 3 seeds)
 *   mtl-playground run config.json       an experiment from a config file
 *   mtl-playground compare config.json --methods ew,uw,pcgrad
 *   options: --seed N  --epochs N  --out DIR (default results)  --json  --help
 *
 * Prints a results table (per-task test metrics, Δm, time per step) and writes
 * <out>/<name>.json and a self-contained <out>/<name>.html report. Run it as `pnpm start [args]`
 * from the repository root (tsx runs this TypeScript source; there is no compiled bin).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatComparison } from '@mtl/multitask';
import { ConfigError, DEFAULT_CONFIG, parseConfig } from './config';
import { runExperiment } from './experiment';
import { htmlReport } from './report/htmlReport';

const USAGE = `usage: mtl-playground [run|compare] [config.json] [--methods a,b,…] [--seed N] [--epochs N] [--out DIR] [--json] [--help]`;

/** Parses the command line and runs; returns the exit code. */
export function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): number {
  // A bare `--` (as `pnpm start -- …` may pass it) separates nothing here.
  const args = argv.filter((a) => a !== '--');
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === '--json' || a === '--help' || a === '-h') flags[a.replace(/^-+/, '')] = true;
    else if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const value = inline ?? args.shift();
      if (value === undefined) return fail(err, `--${key} needs a value\n${USAGE}`);
      flags[key] = value;
    } else positional.push(a);
  }
  if (flags.help || flags.h) {
    out(USAGE);
    return 0;
  }
  const unknown = Object.keys(flags).filter((k) => !['methods', 'seed', 'epochs', 'out', 'json'].includes(k));
  if (unknown.length > 0) return fail(err, `unknown option --${unknown[0]}\n${USAGE}`);
  const command = positional[0] === 'run' || positional[0] === 'compare' ? positional.shift() : 'run';
  const file = positional.shift();
  if (positional.length > 0)
    return fail(err, `unexpected argument ${JSON.stringify(positional[0])}\n${USAGE}`);
  let raw: Record<string, unknown> = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return fail(err, `cannot read the config file ${file}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return fail(err, `${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (typeof flags.methods === 'string')
    raw = { ...raw, methods: flags.methods.split(',').map((m) => m.trim().toLowerCase()) };
  if (typeof flags.seed === 'string') raw = { ...raw, seeds: [Number(flags.seed)] };
  if (typeof flags.epochs === 'string') raw = { ...raw, epochs: Number(flags.epochs) };
  if (command === 'compare' && flags.methods === undefined && file === undefined)
    return fail(err, `compare needs a config file or --methods\n${USAGE}`);
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return fail(err, `bad config: ${e.message}`);
    throw e;
  }
  let fileText: string | undefined;
  if (config.data.dataset === 'file') {
    // A data file is found next to the config file, or from the working directory without one.
    const path = resolve(file === undefined ? '.' : dirname(file), config.data.file!.path);
    try {
      fileText = readFileSync(path, 'utf8');
    } catch {
      return fail(err, `cannot read the data file ${path}`);
    }
  }
  const started = performance.now();
  let results: ReturnType<typeof runExperiment>;
  try {
    results = runExperiment(config, {
      fileText,
      onRun: ({ method, seed }) => err(`training ${method} (seed ${seed})…`),
    });
  } catch (e) {
    if (e instanceof ConfigError) return fail(err, `bad config: ${e.message}`);
    throw e;
  }
  const seconds = (performance.now() - started) / 1000;
  const dir = typeof flags.out === 'string' ? flags.out : 'results';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${config.name}.json`), JSON.stringify(results, null, 2));
  writeFileSync(join(dir, `${config.name}.html`), htmlReport(results));
  if (flags.json) {
    out(JSON.stringify(results));
  } else {
    out(
      `\n${config.name}: ${config.data.dataset}, ${results.tasks.map((t) => `${t.name} (${t.type})`).join(', ')}; ${config.seeds.length} seed(s), ${config.epochs} epochs — ${seconds.toFixed(1)} s`,
    );
    out(
      'Test metrics (mean±std over seeds); Δm in % against single-task baselines, positive = better (LibMTL)\n',
    );
    out(formatComparison({ rows: results.methods }));
    out(`\nwrote ${join(dir, `${config.name}.json`)} and ${join(dir, `${config.name}.html`)}`);
  }
  return 0;
}

function fail(err: (s: string) => void, message: string): number {
  err(`mtl-playground: ${message}`);
  return 2;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
