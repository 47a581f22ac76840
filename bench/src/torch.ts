/**
 * PyTorch (one thread) as an anchor: runs `bench/torch/anchors.py` once per bench run, for the
 * training models, matmul shapes, conv shapes and LeNet steps the run selected, and adds its medians to our rows as a
 * contender named `torch` (with ratios ours/torch: above 1× means we are faster).
 *
 * Optional: where python3 or its torch is missing, or the script fails, `torchAnchors` returns
 * no anchors and a reason, and the bench prints that reason in one line and goes on without the
 * column. The interpreter is `$MTL_BENCH_PYTHON` if set, else the first of `python3` (PATH) and
 * `/usr/bin/python3` (Debian's python3-torch, when PATH's python3 is another one, e.g. pyenv's)
 * that imports torch. `$MTL_BENCH_TORCH_LIBS` is prepended to the script's LD_LIBRARY_PATH (only
 * its own): PyTorch's float32 products run in whatever libblas.so.3 resolves to, and Debian's
 * default is the reference BLAS (see bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConvShape } from './conv';
import type { CaseResult, ContenderResult, HarnessOptions } from './harness';
import { type LeNetSpec, lenetFlops } from './lenet';
import type { MatmulShape } from './matmul';
import type { TrainingModel } from './training';

/** One row as anchors.py timed it. */
export interface TorchRow {
  name: string;
  flops: number;
  medianMs: number;
  gflops: number;
  samplesMs: number[];
  callsPerSample: number;
  /** Training and LeNet rows only. */
  stepsPerSecond?: number;
  firstLoss?: number;
}

export interface TorchAnchors {
  torch: string;
  python: string;
  executable: string;
  threads: number;
  interopThreads: number;
  /** `OpenBLAS`, `MKL`, `BLIS`, `reference (netlib)` or `unknown`: where torch's float32 products run. */
  blas: string;
  /** The BLAS, LAPACK and oneDNN libraries the process had mapped. */
  libraries: string[];
  options: HarnessOptions;
  seconds: number;
  training: TorchRow[];
  matmul: TorchRow[];
  /** Absent from an older script's output. */
  conv?: TorchRow[];
  lenet?: TorchRow[];
}

export type TorchOutcome =
  | { anchors: TorchAnchors; reason?: undefined }
  | { anchors?: undefined; reason: string };

const script = fileURLToPath(new URL('../torch/anchors.py', import.meta.url));

/** Runs anchors.py for the selected rows; never throws. */
export function torchAnchors(
  training: readonly TrainingModel[],
  matmul: readonly MatmulShape[],
  options: HarnessOptions,
  more: { conv?: readonly ConvShape[]; lenet?: readonly LeNetSpec[] } = {},
  timeoutMs = Number(process.env.MTL_BENCH_TORCH_TIMEOUT_MS ?? 300_000),
): TorchOutcome {
  const spec = JSON.stringify({
    training: training.map(({ name, inputSize, hidden, tasks, batch }) => ({
      name,
      inputSize,
      hidden,
      tasks,
      batch,
    })),
    matmul: matmul.map(({ name, m, k, n, transA, transB }) => ({ name, m, k, n, transA, transB })),
    conv: more.conv ?? [],
    lenet: (more.lenet ?? []).map((s) => ({ ...s, flops: lenetFlops(s) })),
    options,
  });
  const libs = process.env.MTL_BENCH_TORCH_LIBS;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    ...(libs ? { LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}),
  };
  const pythons = process.env.MTL_BENCH_PYTHON
    ? [process.env.MTL_BENCH_PYTHON]
    : ['python3', '/usr/bin/python3'];
  const reasons: string[] = [];
  // The next interpreter is tried only when this one is missing or lacks torch (exit 3).
  for (const python of pythons) {
    const run = spawnSync(python, [script, '--spec', spec], {
      env,
      encoding: 'utf8',
      timeout: timeoutMs,
      maxBuffer: 64 * 2 ** 20,
    });
    if (run.error) {
      const code = (run.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reasons.push(`${python}: not found`);
        continue;
      }
      reasons.push(
        `${python}: ${code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000} s` : run.error.message}`,
      );
      break;
    }
    const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
    let parsed: Partial<TorchAnchors> & { error?: string };
    try {
      parsed = JSON.parse(lastLine);
    } catch {
      const stderr = run.stderr.trim().split('\n').at(-1) ?? '';
      reasons.push(`${python}: exit ${run.status ?? run.signal}, no JSON${stderr ? ` (${stderr})` : ''}`);
      break;
    }
    if (typeof parsed !== 'object' || parsed === null) {
      reasons.push(`${python}: unexpected output`);
      break;
    }
    if (parsed.error !== undefined || run.status !== 0) {
      reasons.push(`${python}: ${parsed.error ?? `exit ${run.status}`}`);
      if (run.status === 3) continue;
      break;
    }
    if (!Array.isArray(parsed.training) || !Array.isArray(parsed.matmul)) {
      reasons.push(`${python}: unexpected output`);
      break;
    }
    return { anchors: parsed as TorchAnchors };
  }
  return { reason: reasons.join('; ') };
}

/** One line about the anchor (or why there is none) for the bench's header. */
export function describeTorch(outcome: TorchOutcome): string {
  if (outcome.anchors === undefined) return `PyTorch: not available, no PyTorch column (${outcome.reason})`;
  const a = outcome.anchors;
  const reference = a.blas.startsWith('reference')
    ? ' — the unoptimised reference BLAS: its float32 products are slow, not a fair anchor (see bench/README.md)'
    : '';
  return (
    `PyTorch ${a.torch} (Python ${a.python}, ${a.executable}), ${a.threads} thread, BLAS ${a.blas}${reference}; ` +
    `timed in its own process before the rest (${a.seconds.toFixed(1)} s)`
  );
}

/**
 * Adds the anchor's row of the same name to `result` as contender `torch`, and the ratios
 * `x/torch` for each `x` in `ours` (GFLOP/s ours ÷ torch, which is torch's time ÷ ours, and
 * steps/s ours ÷ torch: above 1× means we are faster). Uses our flop count for both sides.
 */
export function addTorch(result: CaseResult, rows: readonly TorchRow[] | undefined, ours: readonly string[]) {
  const row = rows?.find((r) => r.name === result.name);
  if (row === undefined) return;
  const torch: ContenderResult = {
    name: 'torch',
    medianMs: row.medianMs,
    gflops: result.flops / (row.medianMs * 1e6),
    samplesMs: row.samplesMs,
    callsPerSample: row.callsPerSample,
  };
  result.results.push(torch);
  for (const name of ours) {
    const r = result.results.find((c) => c.name === name);
    if (r) result.ratios[`${name}/torch`] = r.gflops / torch.gflops;
  }
}
