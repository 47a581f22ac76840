/** Where a progress bar writes: a terminal stream (Node's `process.stdout` fits). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A one-line terminal progress bar: `epoch 3/20 [#####.....] 48/100  a 0.412  b 1.07  ETA 12s`.
 * It redraws in place on a TTY and stays silent otherwise (CI logs, pipes), so training code can
 * always call it.
 */
export class ProgressBar {
  private started = 0;
  private lastDraw = 0;

  constructor(
    private readonly stream: ProgressStream | undefined = (
      globalThis as { process?: { stdout?: ProgressStream } }
    ).process?.stdout,
    /** Minimum milliseconds between redraws. */
    private readonly interval = 100,
  ) {}

  get active(): boolean {
    return this.stream?.isTTY === true;
  }

  /** Starts timing a run (for the ETA). */
  start(now = Date.now()): void {
    this.started = now;
    this.lastDraw = 0;
  }

  /** Redraws the line (rate-limited unless `force`). */
  update(
    {
      epoch,
      epochs,
      step,
      steps,
      values,
    }: { epoch: number; epochs: number; step: number; steps: number; values: Record<string, number> },
    { force = false, now = Date.now() }: { force?: boolean; now?: number } = {},
  ): void {
    if (!this.active || (!force && now - this.lastDraw < this.interval)) return;
    this.lastDraw = now;
    this.stream!.write(`\r${this.line({ epoch, epochs, step, steps, values }, now)}\x1b[K`);
  }

  /** Ends the line. */
  finish(): void {
    if (this.active) this.stream!.write('\n');
  }

  /** The text of the bar (exported for tests; no terminal codes). */
  line(
    {
      epoch,
      epochs,
      step,
      steps,
      values,
    }: { epoch: number; epochs: number; step: number; steps: number; values: Record<string, number> },
    now = Date.now(),
  ): string {
    const done = (epoch * steps + step) / Math.max(epochs * steps, 1);
    const width = 20;
    const filled = Math.round(done * width);
    const elapsed = (now - this.started) / 1000;
    const eta = done > 0 ? (elapsed * (1 - done)) / done : Number.NaN;
    const parts = Object.entries(values).map(([k, v]) => `${k} ${formatMetric(v)}`);
    return [
      `epoch ${epoch + 1}/${epochs}`,
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`,
      `${step}/${steps}`,
      ...parts,
      Number.isFinite(eta) ? `ETA ${Math.ceil(eta)}s` : '',
    ]
      .filter((s) => s !== '')
      .join('  ');
  }
}

/** A metric as the bar prints it: 3 significant digits, an exponent outside [1e-3, 1e4). */
function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toPrecision(3);
}
