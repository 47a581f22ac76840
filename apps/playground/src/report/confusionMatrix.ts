import { heatmap } from './heatmap';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  title: string;
  /** Class names, indexed by label. */
  classes: readonly string[];
  /** counts[true class][predicted class]. */
  counts: readonly (readonly number[])[];
  /** Prefix of the SVG's element ids, unique on the page. */
  id?: string;
}

const WHITE = [255, 255, 255] as const;
const BLUE = [33, 102, 172] as const;

/**
 * A confusion matrix as the report's heatmap: rows are the true classes, columns the predicted
 * ones, each cell the count, shaded by its share of the row (the class's recall on the diagonal),
 * so a rare class's mistakes show as clearly as a common one's.
 */
export function confusionMatrix(options: ConfusionMatrixOptions): string {
  const { title, classes, counts } = options;
  const rowTotals = counts.map((row) => row.reduce((s, c) => s + c, 0));
  const share = (v: number, i: number) => (rowTotals[i]! > 0 ? v / rowTotals[i]! : 0);
  return heatmap({
    title: `${title} — rows: true class, columns: predicted`,
    labels: classes,
    values: counts,
    cell: 34,
    id: options.id,
    color: (v, i) =>
      `#${WHITE.map((w, k) =>
        Math.round(w + (BLUE[k]! - w) * share(v, i))
          .toString(16)
          .padStart(2, '0'),
      ).join('')}`,
    dark: (v, i) => share(v, i) > 0.55,
    format: (v) => String(v),
    description: describe(classes, counts, rowTotals),
  });
}

/** Text alternative: the accuracy and the most frequent confusions. */
function describe(
  classes: readonly string[],
  counts: readonly (readonly number[])[],
  totals: number[],
): string {
  const total = totals.reduce((s, t) => s + t, 0);
  const right = counts.reduce((s, row, i) => s + (row[i] ?? 0), 0);
  const mistakes = counts
    .flatMap((row, i) => row.map((n, j) => ({ n, i, j })))
    .filter(({ n, i, j }) => i !== j && n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, 3)
    .map(({ n, i, j }) => `${classes[i]} taken for ${classes[j]} ${n} times`);
  const accuracy =
    total > 0 ? `${((100 * right) / total).toFixed(1)}% right (${right} of ${total})` : 'no images';
  return `Confusion matrix: ${accuracy}.${mistakes.length > 0 ? ` Most frequent mistakes: ${mistakes.join('; ')}.` : ''}`;
}
