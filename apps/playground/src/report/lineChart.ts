import { escapeHtml } from './escapeHtml';
import { formatTick, niceTicks } from './niceTicks';

/** One line of a {@link lineChart}. */
export interface LineSeries {
  name: string;
  /** y values at x = 1, 2, …; non-finite values leave a gap. */
  values: readonly number[];
  color: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Shown above the plot and as the SVG's accessible name. */
  title: string;
  series: readonly LineSeries[];
  xLabel?: string;
  yLabel?: string;
  /** viewBox size; the SVG scales to its container's width. Default 360 × 220 (plot area, legend extra). */
  width?: number;
  height?: number;
  /** Lines with more points are thinned to about this many (evenly, keeping the last). Default 400. */
  maxPoints?: number;
  /** The x of value i is (i + 1)·xStep: a curve that kept every xStep-th step. Default 1. */
  xStep?: number;
  /** A label per point (x = 1, 2, …): a categorical axis with a tick at each point, e.g. a hyperparameter's values. */
  xLabels?: readonly string[];
  /** Prefix of the SVG's element ids, unique on the page. Default: a hash of the title and series names. */
  id?: string;
  /**
   * `'log'` for values spanning orders of magnitude (task weights that spike to 10⁴): ticks at
   * 1, 2, 5 × 10^k; values ≤ 0 leave a gap. Default `'linear'`.
   */
  yScale?: 'linear' | 'log';
  /** The legend under the plot; false when one legend serves a group of charts. Default true. */
  legend?: boolean;
}

/** Dash patterns for lines that lie on an earlier one, so each still shows. */
const DASHES = [
  [7, 5],
  [2, 4],
  [10, 4, 2, 4],
  [4, 3],
];

/** The dash pattern of each series: none for the first of its values, the n-th pattern for the n-th copy. */
export function dashesFor(same: readonly number[]): (number[] | null)[] {
  return same.map((j, k) =>
    j < 0 ? null : DASHES[same.slice(0, k).filter((i) => i === j).length % DASHES.length]!,
  );
}

const MARGIN = { top: 28, right: 12, bottom: 36, left: 52 };
/** Width of a tick label's character, and the y-axis label's column (the left margin grows with the labels). */
const TICK_CHAR = 6.5;
const Y_LABEL_COLUMN = 20;
const LEGEND_ROW = 16;
const CHAR_WIDTH = 7;

/** Approximate layout of legend items in rows that fit `width`. */
function legendRows(names: readonly string[], width: number): { index: number; x: number }[][] {
  const rows: { index: number; x: number }[][] = [[]];
  let x = 0;
  names.forEach((name, index) => {
    const itemWidth = 30 + name.length * CHAR_WIDTH; // swatch, gap, text, space before the next
    if (x > 0 && x + itemWidth > width) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1]!.push({ index, x });
    x += itemWidth;
  });
  return rows;
}

/** Evenly spaced indices into `n` points, at most about `max` of them, always including the last. */
function sampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / max);
  const out: number[] = [];
  for (let i = 0; i < n; i += stride) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

const r = (v: number) => Math.round(v * 10) / 10;

/** An x tick: 20k for 20,000, so five digits still fit under the plot's right edge. */
const xTickLabel = (t: number) => (t >= 10_000 && t % 1000 === 0 ? `${t / 1000}k` : String(t));

/**
 * A static SVG line chart: nice-number ticks on both axes, one polyline per series (broken at
 * non-finite values), and a legend under the plot. All text is escaped; no script.
 */
export function lineChart(options: LineChartOptions): string {
  const {
    title,
    series,
    xLabel = '',
    yLabel = '',
    width = 360,
    height = 220,
    maxPoints = 400,
    xStep = 1,
    xLabels,
    yScale = 'linear',
    legend = true,
  } = options;
  const log = yScale === 'log';
  const shown = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const finite = series.flatMap((s) => s.values.filter(shown));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const yTicks = log
    ? logTicks(Math.min(...finite), Math.max(...finite))
    : niceTicks(Math.min(...finite), Math.max(...finite), 5);
  const yTickText = yTicks.map((t) => (log ? logTickLabel(t) : formatTick(t, yTicks)));
  const left = Math.max(
    MARGIN.left,
    Math.ceil(Y_LABEL_COLUMN + TICK_CHAR * Math.max(...yTickText.map((t) => t.length)) + 8),
  );
  const same = identicalTo(series);
  const note = identicalNote(series, same);
  const rows = legend
    ? legendRows(
        series.map((s) => s.name),
        width - left,
      )
    : [];
  const legendHeight = (rows.length + (note === '' ? 0 : 1)) * LEGEND_ROW + (rows.length > 0 || note ? 4 : 0);
  const totalHeight = height + legendHeight;
  const plotW = width - left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;

  const xTicks = niceTicks(xStep, Math.max(2, n) * xStep, 5).filter((t) => t >= xStep && Number.isInteger(t));
  const xTicksAll =
    xLabels !== undefined
      ? xLabels.map((_, i) => i + 1)
      : xTicks.includes(xStep) || xStep > 1
        ? xTicks
        : [xStep, ...xTicks];
  const [y0, y1] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const [x0, x1] = [xStep, Math.max(2 * xStep, n * xStep, xTicksAll[xTicksAll.length - 1]!)];
  const sx = (x: number) => left + ((x - x0) / (x1 - x0)) * plotW;
  const ty = log ? Math.log10 : (y: number) => y;
  const sy = (y: number) => MARGIN.top + plotH - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * plotH;

  const id = options.id ?? `c${Math.abs(hash(title + series.map((s) => s.name).join()))}`;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${totalHeight}" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-t">${escapeHtml(title)}</title>`,
    `<desc id="${id}-d">${escapeHtml(describe(series, xLabel, yLabel))}</desc>`,
    `<text class="chart-title" x="${left}" y="16">${escapeHtml(title)}${log ? ' <tspan class="label">(log scale)</tspan>' : ''}</text>`,
  );
  yTicks.forEach((t, k) => {
    const y = r(sy(t));
    parts.push(
      `<line class="grid" x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${left - 6}" y="${y + 3}" text-anchor="end">${escapeHtml(yTickText[k]!)}</text>`,
    );
  });
  for (const t of xTicksAll.filter((t) => t <= x1)) {
    const x = r(sx(t));
    parts.push(
      `<line class="axis" x1="${x}" x2="${x}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}"/>`,
      `<text class="tick" x="${x}" y="${MARGIN.top + plotH + 15}" text-anchor="middle">${escapeHtml(xLabels?.[t - 1] ?? xTickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${left}" x2="${left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}"/>`,
    `<line class="axis" x1="${left}" x2="${left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}"/>`,
  );
  if (xLabel) {
    parts.push(
      `<text class="label" x="${left + plotW / 2}" y="${MARGIN.top + plotH + 30}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    );
  }
  if (yLabel) {
    const cy = MARGIN.top + plotH / 2;
    parts.push(
      `<text class="label" x="12" y="${cy}" text-anchor="middle" transform="rotate(-90 12 ${cy})">${escapeHtml(yLabel)}</text>`,
    );
  }
  const dashes = dashesFor(same);
  series.forEach((s, k) => {
    const indices = sampleIndices(s.values.length, maxPoints);
    const segments: string[][] = [[]];
    for (const i of indices) {
      const v = s.values[i]!;
      if (shown(v)) segments[segments.length - 1]!.push(`${r(sx((i + 1) * xStep))},${r(sy(v))}`);
      else if (segments[segments.length - 1]!.length > 0) segments.push([]);
    }
    const dash = dashes[k] === null ? '' : ` stroke-dasharray="${dashes[k]!.join(' ')}"`;
    for (const points of segments) {
      if (points.length === 1) {
        const [cx, cy] = points[0]!.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${escapeHtml(s.color)}"/>`);
      } else if (points.length > 1) {
        parts.push(
          `<polyline class="line" fill="none" stroke="${escapeHtml(s.color)}"${dash} points="${points.join(' ')}"/>`,
        );
      }
    }
  });
  rows.forEach((row, k) => {
    const y = height + k * LEGEND_ROW + 8;
    for (const { index, x } of row) {
      const s = series[index]!;
      const lx = left + x;
      parts.push(
        `<g class="legend-item"><line x1="${r(lx)}" x2="${r(lx + 14)}" y1="${y}" y2="${y}" stroke="${escapeHtml(s.color)}" stroke-width="3"/>`,
        `<text class="legend" x="${r(lx + 18)}" y="${y + 4}">${escapeHtml(s.name)}</text></g>`,
      );
    }
  });
  if (note !== '')
    parts.push(
      `<text class="label identical" x="${left}" y="${height + rows.length * LEGEND_ROW + 12}">${escapeHtml(note)}</text>`,
    );
  parts.push('</svg>');
  return parts.join('\n');
}

/** For each series, the index of the first earlier series with the same values, or -1. */
export function identicalTo(series: readonly LineSeries[]): number[] {
  const equal = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length &&
    a.every((v, i) => {
      const w = b[i]!;
      return (Number.isNaN(v) && Number.isNaN(w)) || Math.abs(v - w) <= 1e-12 * Math.max(1, Math.abs(v));
    });
  return series.map((s, k) => series.slice(0, k).findIndex((t) => equal(s.values, t.values)));
}

/**
 * Whether values need a log scale: all positive and spanning more than a factor of 20 (task
 * weights that spike to 10⁴ flatten every other line on a linear axis).
 */
export function needsLogScale(values: readonly number[]): boolean {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0 || finite.some((v) => v <= 0)) return false;
  return Math.max(...finite) / Math.min(...finite) > 20;
}

/** "3 identical lines (dashed): species, sex, bodyMass", for each group of identical series. */
export function identicalNote(series: readonly LineSeries[], same: readonly number[]): string {
  const groups = new Map<number, string[]>();
  same.forEach((j, k) => {
    if (j >= 0) groups.set(j, [...(groups.get(j) ?? [series[j]!.name]), series[k]!.name]);
  });
  return [...groups.values()]
    .map((names) => `${names.length} identical lines (dashed): ${names.join(', ')}`)
    .join('; ');
}

/** Log-scale ticks covering [min, max] (both > 0): powers of ten, with 2 and 5 × 10^k when the span is under two decades. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !Number.isFinite(max)) return [0.1, 1, 10];
  let lo = Math.floor(Math.log10(min) + 1e-9);
  let hi = Math.ceil(Math.log10(max) - 1e-9);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const steps = hi - lo < 2 ? [1, 2, 5] : [1];
  const ticks = decades.flatMap((d) => steps.map((m) => Number((m * 10 ** d).toPrecision(12))));
  // Trim the 2s and 5s outside the data, keeping a tick at or beyond each end.
  let first = 0;
  while (first + 1 < ticks.length && ticks[first + 1]! <= min) first++;
  const last = ticks.findIndex((t) => t >= max);
  return ticks.slice(first, (last < 0 ? ticks.length - 1 : last) + 1);
}

/** A log tick's label: 0.01, 0.5, 20, 5k, 1e6. */
export function logTickLabel(t: number): string {
  if (t >= 1e6 || t < 1e-3) return t.toExponential(0).replace('e+', 'e');
  if (t >= 1000) return `${t / 1000}k`;
  return String(t);
}

/** A one-sentence text alternative: each series' first and last finite value. */
function describe(series: readonly LineSeries[], xLabel: string, yLabel: string): string {
  const what = `${yLabel || 'value'} by ${xLabel || 'step'}`;
  const lines = series.map((s) => {
    const finite = s.values.filter(Number.isFinite);
    if (finite.length === 0) return `${s.name}: no data`;
    return `${s.name}: ${finite[0]!.toPrecision(3)} to ${finite[finite.length - 1]!.toPrecision(3)}`;
  });
  return `${what}. ${lines.join('; ')}.`;
}

/** A small string hash for SVG element ids (several charts share one page). */
function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
