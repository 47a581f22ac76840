/** Results as files: JSON (config, curves and metrics of every run), CSV (the results table), model bytes. */
import type { ExperimentConfig } from '../src/config';
import type { ImageSamples } from '../src/imageResults';
import type { RunView } from './runs';

/** `samples`: an image dataset's sample test images, which each run's `images` predictions refer to. */
export function resultsJson(
  config: ExperimentConfig,
  runs: RunView[],
  samples?: ImageSamples | null,
): string {
  return JSON.stringify(
    {
      config,
      createdAt: new Date().toISOString(),
      ...(samples ? { images: samples } : {}),
      runs: runs.map((r) => ({
        label: r.spec.label,
        // The single-task baselines' run: each task trained alone, Δm's reference.
        ...(r.spec.baselines ? { baselines: true } : { method: r.spec.method }),
        optimizer: r.spec.optimizer,
        architecture: r.spec.architecture,
        status: r.status,
        metrics: r.metrics,
        ...(r.spec.baselines ? {} : { deltaM: r.deltaM ?? null }),
        ...(r.deltaMUnavailable === undefined ? {} : { deltaMUnavailable: r.deltaMUnavailable }),
        msPerStep: r.msPerStep,
        epochs: r.epochs,
        steps: r.steps.map(({ cosine: _, ...s }) => s),
        ...(r.images ? { images: r.images } : {}),
      })),
    },
    null,
    2,
  );
}

/** A decimal number as text (`-0.5`, `1e-3`): a spreadsheet reads it as a number, never a formula. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One CSV field. A text cell that a spreadsheet would run as a formula — starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return (a task name from a link or a file can be anything) — gets
 * a leading `'`, as OWASP recommends against CSV injection; numbers (negative ones too) stay
 * numbers. Fields with a quote, comma or line break are quoted.
 */
export function csvCell(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per run (the baselines' run too): its label, status, every test metric as task.metric, Δm and ms/step. */
export function resultsCsv(runs: RunView[]): string {
  // [task, metric] pairs, not split back from `task.metric`: a task name may contain a dot.
  const columns = new Map<string, [string, string]>();
  for (const r of runs) {
    for (const [t, ms] of Object.entries(r.metrics ?? {})) {
      for (const m of Object.keys(ms)) columns.set(JSON.stringify([t, m]), [t, m]);
    }
  }
  const pairs = [...columns.values()];
  const rows = runs.map((r) => [
    r.spec.label,
    r.status,
    ...pairs.map(([t, m]) => r.metrics?.[t]?.[m] ?? null),
    r.spec.baselines ? 'ref' : (r.deltaM ?? null),
    r.msPerStep,
  ]);
  const header = ['run', 'status', ...pairs.map(([t, m]) => `${t}.${m}`), 'deltaM', 'msPerStep'];
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}

/** Saves bytes or text through a temporary link (no server involved). */
export function download(name: string, content: string | Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([content as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name.replace(/[^\w.-]+/g, '_');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
