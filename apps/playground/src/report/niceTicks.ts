/** A nice step (1, 2, 2.5 or 5 × 10^k) close to `span / count`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Round tick values covering `[min, max]` (Heckbert's nice numbers): about `count` ticks at a
 * step of 1, 2, 2.5 or 5 × 10^k, the first ≤ min and the last ≥ max, so they also serve as the
 * axis domain. A degenerate range (min = max) is widened around the value; non-finite input gives [0, 1].
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) / 10;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, count);
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  // Multiplying integers by the step (rather than accumulating) keeps 0.1 + 0.2-style drift out; the
  // toPrecision round trip strips what is left.
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** A tick label: as few digits as the tick step needs, exponent form for very large or small values. */
export function formatTick(value: number, ticks: readonly number[]): string {
  if (value === 0) return '0';
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : Math.abs(value);
  const magnitude = Math.max(...ticks.map(Math.abs));
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(1).replace('e+', 'e');
  const decimals = Math.max(
    0,
    Math.min(
      6,
      -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0),
    ),
  );
  return value.toFixed(decimals);
}
