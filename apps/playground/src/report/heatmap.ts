import { escapeHtml } from './escapeHtml';

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  /** Shown above the matrix and as the SVG's accessible name. */
  title: string;
  /** Row and column labels (a square matrix). */
  labels: readonly string[];
  /** values[i][j], in [−1, 1] for the default colours; non-finite cells are drawn grey and printed as "—". */
  values: readonly (readonly number[])[];
  /** Cell size in viewBox units. Default 56. */
  cell?: number;
  /** A finite cell's colour. Default: {@link divergingColor} of the value. */
  color?: (value: number, row: number, column: number) => string;
  /** Whether a finite cell is dark enough for white text. Default: |value| > 0.55. */
  dark?: (value: number, row: number, column: number) => boolean;
  /** A finite cell's text. Default: two decimals. */
  format?: (value: number) => string;
  /** The text alternative. Default: every off-diagonal pair's value. */
  description?: string;
  /** Prefix of the SVG's element ids, unique on the page. */
  id?: string;
}

const BLUE = [33, 102, 172] as const;
const RED = [178, 24, 43] as const;
const WHITE = [255, 255, 255] as const;

const hex = (rgb: readonly number[]) =>
  `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/**
 * The diverging colour of a value in [−1, 1]: −1 blue (#2166ac) … 0 white … +1 red (#b2182b),
 * linear in RGB on each side; values outside are clamped, non-finite values are grey.
 */
export function divergingColor(value: number): string {
  if (!Number.isFinite(value)) return '#cccccc';
  const v = Math.max(-1, Math.min(1, value));
  const end = v < 0 ? BLUE : RED;
  const t = Math.abs(v);
  return hex(WHITE.map((w, i) => w + (end[i]! - w) * t));
}

/**
 * A static SVG heatmap of a square matrix such as pairwise task-gradient cosine similarities (the
 * default colours and text) or a confusion matrix: labelled rows and columns, the value printed in
 * every cell (white text on dark cells).
 */
export function heatmap(options: HeatmapOptions): string {
  const {
    title,
    labels,
    values,
    cell = 56,
    color = (v: number) => divergingColor(v),
    dark = (v: number) => Math.abs(v) > 0.55,
    format = (v: number) => v.toFixed(2),
  } = options;
  const n = labels.length;
  const labelWidth = Math.max(40, Math.min(140, 8 + 6.5 * Math.max(0, ...labels.map((l) => l.length))));
  const top = 28 + labelWidth * 0.75;
  // Column labels are rotated up and to the right: leave room past the last column.
  const width = labelWidth + n * cell + labelWidth * 0.6;
  const height = top + n * cell + 8;
  const id = options.id ?? 'heatmap';
  const parts = [
    `<svg class="heatmap" viewBox="0 0 ${Math.round(width)} ${Math.round(height)}" style="max-width:${Math.round(width)}px" role="img" aria-labelledby="${id}-t ${id}-d" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-t">${escapeHtml(title)}</title>`,
    `<desc id="${id}-d">${escapeHtml(options.description ?? describe(labels, values))}</desc>`,
    `<text class="chart-title" x="4" y="16">${escapeHtml(title)}</text>`,
  ];
  labels.forEach((label, j) => {
    const x = labelWidth + (j + 0.5) * cell;
    const y = top - 6;
    parts.push(
      `<text class="tick" x="${x}" y="${y}" transform="rotate(-40 ${x} ${y})">${escapeHtml(label)}</text>`,
    );
  });
  labels.forEach((label, i) => {
    const y = top + (i + 0.5) * cell;
    parts.push(
      `<text class="tick" x="${labelWidth - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(label)}</text>`,
    );
    for (let j = 0; j < n; j++) {
      const v = values[i]?.[j] ?? Number.NaN;
      const x = labelWidth + j * cell;
      const finite = Number.isFinite(v);
      const text = finite ? format(v) : '—';
      const ink = finite && dark(v, i, j) ? '#ffffff' : '#111111';
      parts.push(
        `<rect x="${x}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${finite ? color(v, i, j) : '#cccccc'}" stroke="#ffffff"/>`,
        `<text class="cell" x="${x + cell / 2}" y="${y + 4}" text-anchor="middle" fill="${ink}">${text}</text>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Text alternative: every off-diagonal pair once. */
function describe(labels: readonly string[], values: readonly (readonly number[])[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const v = values[i]?.[j] ?? Number.NaN;
      pairs.push(`${labels[i]} vs ${labels[j]}: ${Number.isFinite(v) ? v.toFixed(2) : 'n/a'}`);
    }
  }
  return pairs.length > 0 ? `Pairwise values. ${pairs.join('; ')}.` : 'No pairs.';
}
