const HIGHER = /accuracy|(^|[^a-z])acc($|[^a-z])|f1|auc|r2|precision|recall|iou/i;
const LOWER = /mse|mae|rmse|loss|nll|err/i;

/**
 * Whether a larger value of a metric is better, judged by its name: accuracy, f1, auc, r2,
 * precision, recall, IoU → 'higher'; mse, mae, rmse, loss, nll, error → 'lower'; anything else
 * null (the report then bolds nothing in that column).
 */
export function metricDirection(metric: string): 'higher' | 'lower' | null {
  if (HIGHER.test(metric)) return 'higher';
  if (LOWER.test(metric)) return 'lower';
  return null;
}
