/**
 * A small benchmark harness: every contender of a case is warmed up, then timed in interleaved
 * rounds (one sample of each contender per round, so a burst of load from another process hits
 * all of them alike), and summarised by the median. Throughput is reported in GFLOP/s and
 * compared as ratios; results can be written as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import * as tensorModule from '@mtl/tensor';

/** One implementation of a case: `run` does one whole call (allocation and read-back included). */
export interface Contender {
  name: string;
  /** Called before each batch of calls, e.g. to switch the TF.js backend. */
  activate?: () => void | Promise<void>;
  run: () => unknown;
  /** At most this many samples (the harness's plan otherwise), for contenders whose call takes many seconds. */
  maxSamples?: number;
}

export interface BenchCase {
  name: string;
  /** Floating-point operations per call, for GFLOP/s. */
  flops: number;
  contenders: Contender[];
  /**
   * Checks the contenders agree, given each one's result from its first (warm-up) call; throws
   * if not, so a fast wrong answer cannot win.
   */
  check?: (outputs: ReadonlyMap<string, unknown>) => void;
  /** Frees what the case allocated (TF.js tensors). */
  teardown?: () => void;
  /** Contenders that cannot run this case, with the reason (e.g. a kernel their backend lacks). */
  unavailable?: Record<string, string>;
}

export interface HarnessOptions {
  /**
   * Warm up for at least this long (one call, if a call takes longer: V8 optimises a hot loop
   * within its first call by on-stack replacement).
   */
  warmupMs: number;
  /** Repeat fast calls within a sample until it lasts about this long; a sample's time is per call. */
  minSampleMs: number;
  /** Aim for this much timed work per contender and case. */
  budgetMs: number;
  minSamples: number;
  maxSamples: number;
  /**
   * A call slower than this is not warmed up further (JIT warm-up is noise at that scale): its
   * first call counts as a sample, and it gets `slowSamples` samples in all.
   */
  slowCallMs: number;
  slowSamples: number;
}

export const defaultOptions: HarnessOptions = {
  warmupMs: 250,
  minSampleMs: 40,
  budgetMs: 800,
  minSamples: 3,
  maxSamples: 11,
  slowCallMs: 2000,
  slowSamples: 3,
};

export interface ContenderResult {
  name: string;
  /** Median time of one call, in milliseconds. */
  medianMs: number;
  gflops: number;
  /** Per-call times of every sample, in milliseconds. */
  samplesMs: number[];
  callsPerSample: number;
}

export interface CaseResult {
  name: string;
  flops: number;
  results: ContenderResult[];
  /** `"a/b"` → median GFLOP/s of a divided by that of b. */
  ratios: Record<string, number>;
  /** Wall time the case took, warm-up included. */
  seconds: number;
  /** Contenders that could not run, with the reason. */
  unavailable?: Record<string, string>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Plan {
  contender: Contender;
  reps: number;
  samples: number;
  times: number[];
}

async function warmUp(contender: Contender, options: HarnessOptions): Promise<Plan & { output: unknown }> {
  await contender.activate?.();
  const start = performance.now();
  let calls = 0;
  let last = 0;
  let output: unknown;
  for (;;) {
    const t = performance.now();
    const result = contender.run();
    last = performance.now() - t;
    if (calls++ === 0) output = result;
    if (performance.now() - start >= options.warmupMs) break;
  }
  const cap = contender.maxSamples ?? Number.POSITIVE_INFINITY;
  if (last > options.slowCallMs) {
    return { contender, reps: 1, samples: Math.min(cap, options.slowSamples), times: [last], output };
  }
  const reps = Math.max(1, Math.round(options.minSampleMs / last));
  const fit = Math.floor(options.budgetMs / (reps * last));
  const samples = Math.min(cap, options.maxSamples, Math.max(options.minSamples, fit));
  return { contender, reps, samples, times: [], output };
}

/** Warms up and times every contender of `bench`, interleaving their samples. */
export async function runCase(
  bench: BenchCase,
  ratioPairs: readonly (readonly [string, string])[],
  options: HarnessOptions = defaultOptions,
): Promise<CaseResult> {
  const started = performance.now();
  const plans: Plan[] = [];
  const outputs = new Map<string, unknown>();
  for (const contender of bench.contenders) {
    const { output, ...plan } = await warmUp(contender, options);
    plans.push(plan);
    outputs.set(contender.name, output);
  }
  bench.check?.(outputs);
  const rounds = Math.max(...plans.map((p) => p.samples));
  for (let round = 0; round < rounds; round++) {
    for (const plan of plans) {
      if (plan.times.length >= plan.samples) continue;
      await plan.contender.activate?.();
      const t = performance.now();
      for (let r = 0; r < plan.reps; r++) plan.contender.run();
      plan.times.push((performance.now() - t) / plan.reps);
    }
  }
  bench.teardown?.();
  const results = plans.map((p): ContenderResult => {
    const medianMs = median(p.times);
    return {
      name: p.contender.name,
      medianMs,
      gflops: bench.flops / (medianMs * 1e6),
      samplesMs: p.times,
      callsPerSample: p.reps,
    };
  });
  const byName = new Map(results.map((r) => [r.name, r]));
  const ratios: Record<string, number> = {};
  for (const [x, y] of ratioPairs) {
    const a = byName.get(x);
    const b = byName.get(y);
    if (a && b) ratios[`${x}/${y}`] = a.gflops / b.gflops;
  }
  const seconds = (performance.now() - started) / 1000;
  const unavailable = bench.unavailable;
  return {
    name: bench.name,
    flops: bench.flops,
    results,
    ratios,
    seconds,
    ...(unavailable ? { unavailable } : {}),
  };
}

/** Prints a fixed-width table row by row: GFLOP/s per contender, then the ratios. */
export class Table {
  private readonly widths: number[];

  constructor(
    private readonly caseWidth: number,
    private readonly contenders: readonly string[],
    private readonly ratioPairs: readonly (readonly [string, string])[],
  ) {
    this.widths = [
      ...contenders.map((c) => Math.max(9, c.length)),
      ...ratioPairs.map(([a, b]) => Math.max(7, `${a}/${b}`.length)),
    ];
  }

  header(): string {
    const cells = [...this.contenders, ...this.ratioPairs.map(([a, b]) => `${a}/${b}`)];
    const line = `${'case'.padEnd(this.caseWidth)}  ${cells.map((c, i) => c.padStart(this.widths[i]!)).join('  ')}`;
    return `${line}\n${'-'.repeat(line.length)}`;
  }

  row(result: CaseResult): string {
    const byName = new Map(result.results.map((r) => [r.name, r]));
    const cells = [
      ...this.contenders.map((c) => {
        const r = byName.get(c);
        return r ? r.gflops.toFixed(2) : result.unavailable?.[c] !== undefined ? 'n/a' : '-';
      }),
      ...this.ratioPairs.map(([a, b]) => {
        const ratio = result.ratios[`${a}/${b}`];
        return ratio === undefined ? '-' : `${ratio.toFixed(2)}×`;
      }),
    ];
    return `${result.name.padEnd(this.caseWidth)}  ${cells.map((c, i) => c.padStart(this.widths[i]!)).join('  ')}`;
  }
}

/**
 * The kernel variant @mtl/tensor runs, from its `backendInfo()` (e.g. `{ backend: 'wasm',
 * variant: 'relaxed-simd', threads: 1 }`), read defensively: undefined where the package does
 * not export it (yet) or it throws.
 */
export function kernelInfo(): Record<string, unknown> | undefined {
  const info = (tensorModule as Record<string, unknown>).backendInfo;
  if (typeof info !== 'function') return undefined;
  try {
    const value: unknown = info();
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `kernel variant: relaxed-simd (wasm, 1 thread)`, or `kernel variant: unknown`. */
export function describeKernel(info: Record<string, unknown> | undefined): string {
  if (info === undefined) return 'kernel variant: unknown';
  const { variant, backend, threads, ...rest } = info;
  const details = [
    backend === undefined ? undefined : String(backend),
    threads === undefined ? undefined : `${threads} thread${threads === 1 ? '' : 's'}`,
    ...Object.entries(rest).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`),
  ].filter((d) => d !== undefined);
  return `kernel variant: ${String(variant ?? 'unknown')}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** The machine and runtime a run happened on, for the JSON report (timings on a shared machine are noisy). */
export function environment() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    kernel: kernelInfo() ?? null,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverage: loadavg(),
  };
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
