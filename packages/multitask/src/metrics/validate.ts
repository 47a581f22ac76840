import {
  checkChoice,
  checkNumber,
  formatShape,
  formatValue,
  IndexError,
  isTensorLike,
  ShapeError,
  type Tensor,
  ValueError,
} from '@mtl/tensor';
import { checkOptions } from '../data/check';

/*
 * Input handling shared by the metrics. Every message names the metric and the argument and
 * prints shapes with brackets: `mse: target.shape must match prediction.shape — prediction.shape=[4], …`.
 */

/** What a metric takes: a Tensor (any dtype) or a flat array of numbers. */
export type MetricInput = Tensor | ArrayLike<number>;

/** A mask of labelled entries: nonzero / `true` = labelled, 0 / `false` = missing. */
export type MaskInput = Tensor | ArrayLike<number | boolean>;

/** The option every metric takes. */
export interface MaskOptions {
  /**
   * Which entries are labelled: the target's shape (size-1 dims aside), or `[N]` for a target of
   * shape `[N, D]` to drop whole rows. Entries whose target is NaN are missing with or without it.
   */
  mask?: MaskInput;
}

/** How binary predictions are read by {@link accuracy} and {@link f1}. */
export interface BinaryDecisionOptions {
  /**
   * What binary predictions are: `'logits'` (the default, what a model with a BCE-with-logits
   * loss outputs) or `'probabilities'` (in [0, 1], checked). Multiclass scores ignore it: the
   * argmax of logits and of their softmax is the same.
   */
  from?: 'logits' | 'probabilities';
  /** A prediction counts as positive when strictly above it. Default 0 for logits, 0.5 for probabilities. */
  threshold?: number;
}

interface Values {
  values: ArrayLike<number>;
  shape: readonly number[];
}

/** The values and shape of `x`: a Tensor's data as is, an array checked and copied, shape `[length]`. */
function read(op: string, name: string, x: unknown): Values {
  if (isTensorLike(x)) return { values: x.data, shape: x.shape };
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    const arr = x as ArrayLike<unknown>;
    const values = new Float64Array(arr.length);
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v === 'number') values[i] = v;
      else if (typeof v === 'bigint') values[i] = Number(v);
      else if (typeof v === 'boolean') values[i] = v ? 1 : 0;
      else {
        const hint = Array.isArray(v) ? ' (nested arrays are not read: pass tensor([...]))' : '';
        throw new ValueError(`${op}: ${name}[${i}] must be a number, got ${formatValue(v)}${hint}`);
      }
    }
    return { values, shape: [arr.length] };
  }
  throw new ValueError(
    `${op}: ${name} must be a Tensor or an array of numbers, got ${formatValue(x)} ` +
      '(pass tensor([...]) or a flat array)',
  );
}

/** Equal once size-1 dims are dropped: [N,1], [1,N] and [N] list the same values in the same order. */
function sameValues(a: readonly number[], b: readonly number[]): boolean {
  const sa = a.filter((d) => d !== 1);
  const sb = b.filter((d) => d !== 1);
  return sa.length === sb.length && sa.every((d, i) => d === sb[i]);
}

function mismatch(op: string, a: Values, b: Values, hint: string): ShapeError {
  return new ShapeError(
    `${op}: target.shape must match prediction.shape — prediction.shape=${formatShape(a.shape)}, ` +
      `target.shape=${formatShape(b.shape)} (${hint})`,
  );
}

/** `[1,0]`: a flat index of `shape` as a multi-index, for messages. */
function at(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return `[${index.join(',')}]`;
}

/**
 * Whether target entry `i` is labelled: not NaN and not masked out. `rowSize` is the number of
 * target entries per mask entry (1, or D for a `[N]` mask over an `[N, D]` target).
 */
function labelledTest(op: string, target: Values, mask: MaskInput | undefined): (i: number) => boolean {
  if (mask === undefined) return (i) => !Number.isNaN(target.values[i]);
  const m = read(op, 'mask', mask);
  let rowSize = 1;
  if (!sameValues(m.shape, target.shape)) {
    const rows = target.shape.length >= 2 ? target.shape[0]! : -1;
    if (!sameValues(m.shape, [rows])) {
      throw new ShapeError(
        `${op}: mask.shape must match target.shape (or be [N] for an [N,…] target) — ` +
          `mask.shape=${formatShape(m.shape)}, target.shape=${formatShape(target.shape)}`,
      );
    }
    rowSize = target.shape.slice(1).reduce((a, b) => a * b, 1);
  }
  for (let i = 0; i < m.values.length; i++) {
    const v = m.values[i];
    if (v !== 0 && v !== 1) {
      throw new ValueError(`${op}: mask must hold 0/1 or booleans, got ${v} at ${at(i, m.shape)}`);
    }
  }
  return (i) => m.values[Math.floor(i / rowSize)] === 1 && !Number.isNaN(target.values[i]);
}

function requireNotNaN(op: string, p: Values, i: number): void {
  if (Number.isNaN(p.values[i])) {
    throw new ValueError(
      `${op}: prediction is NaN at ${at(i, p.shape)} where the target is labelled (did training diverge?)`,
    );
  }
}

/** Labelled (prediction, target) pairs of a regression metric, with the output column of each. */
export interface RegressionPairs {
  prediction: Float64Array;
  target: Float64Array;
  /** Output column of each pair: 0 for a `[N]` target, 0…D−1 for `[N, D]`. */
  column: Int32Array;
  columns: number;
}

/** Checks a regression metric's arguments and returns the labelled pairs. */
export function regressionPairs(
  op: string,
  prediction: MetricInput,
  target: MetricInput,
  mask: MaskInput | undefined,
): RegressionPairs {
  const p = read(op, 'prediction', prediction);
  const y = read(op, 'target', target);
  if (!sameValues(p.shape, y.shape)) throw mismatch(op, p, y, 'size-1 dims aside; metrics do not broadcast');
  const labelled = labelledTest(op, y, mask);
  const n = y.values.length;
  const columns = y.shape.length >= 2 && y.shape[0]! > 0 ? n / y.shape[0]! : 1;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!labelled(i)) continue;
    requireNotNaN(op, p, i);
    keep.push(i);
  }
  const out: RegressionPairs = {
    prediction: new Float64Array(keep.length),
    target: new Float64Array(keep.length),
    column: new Int32Array(keep.length),
    columns,
  };
  keep.forEach((i, k) => {
    out.prediction[k] = p.values[i]!;
    out.target[k] = y.values[i]!;
    out.column[k] = i % columns;
  });
  return out;
}

/** Labelled pairs of a classification metric: binary scores and 0/1 labels, or argmax and class indices. */
export type ClassificationPairs =
  | { kind: 'binary'; score: Float64Array; label: Uint8Array }
  | { kind: 'multiclass'; predicted: Int32Array; label: Int32Array; classes: number };

/**
 * Whether scores of shape `p` against targets of shape `y` are a multiclass problem: `[N, C]`
 * scores with C ≥ 2, or `[N, 1]` scores against `[N]` class indices (a one-class problem, as
 * the argmax of a one-column output always is). Binary scores are `[N]`, or any shape that
 * matches the target's, e.g. `[N, 1]` against `[N, 1]`. With `binaryOnly` (auc) `[N, 1]` stays
 * binary, since there is no other reading.
 */
function isMulticlass(p: readonly number[], y: readonly number[], binaryOnly: boolean): boolean {
  if (p.length !== 2) return false;
  if (p[1]! >= 2) return true;
  return p[1] === 1 && !binaryOnly && y.length === 1;
}

/**
 * Checks a classification metric's arguments and returns the labelled pairs. Scores of shape
 * `[N, C]` are multiclass against class indices `[N]` (C = 1 included: a one-class problem);
 * `[N]` scores, or scores of the target's own shape, are binary (target: 0/1).
 * `probabilities` checks binary scores lie in [0, 1]; `binaryOnly` reads `[N, 1]` as binary.
 */
export function classificationPairs(
  op: string,
  prediction: MetricInput,
  target: MetricInput,
  mask: MaskInput | undefined,
  probabilities = false,
  binaryOnly = false,
): ClassificationPairs {
  const p = read(op, 'prediction', prediction);
  const y = read(op, 'target', target);
  const labelled = labelledTest(op, y, mask);
  if (isMulticlass(p.shape, y.shape, binaryOnly)) {
    const [n, classes] = p.shape as [number, number]; // isMulticlass: [N, C]
    if (!sameValues(y.shape, [n])) {
      throw mismatch(
        op,
        p,
        y,
        `[N,C] scores need class indices of shape [N]; for one-hot targets pass argmax(target, 1)`,
      );
    }
    const predicted: number[] = [];
    const label: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!labelled(i)) continue;
      const c = y.values[i]!;
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        const hint =
          classes === 1
            ? ' ([N,1] scores against [N] targets are a one-class problem; for binary logits pass ' +
              '[N] scores, e.g. prediction.reshape([N]), or targets of shape [N,1])'
            : '';
        throw new IndexError(
          `${op}: target[${i}]=${c} is not a class index in [0, ${classes}) — prediction.shape=${formatShape(p.shape)}${hint}`,
        );
      }
      let best = 0;
      for (let j = 0; j < classes; j++) {
        requireNotNaN(op, p, i * classes + j);
        if (p.values[i * classes + j]! > p.values[i * classes + best]!) best = j;
      }
      predicted.push(best);
      label.push(c);
    }
    return {
      kind: 'multiclass',
      predicted: Int32Array.from(predicted),
      label: Int32Array.from(label),
      classes,
    };
  }
  if (!sameValues(p.shape, y.shape)) {
    throw mismatch(
      op,
      p,
      y,
      'binary targets take the prediction’s shape, size-1 dims aside; multiclass scores are [N,C]',
    );
  }
  const score: number[] = [];
  const label: number[] = [];
  for (let i = 0; i < y.values.length; i++) {
    if (!labelled(i)) continue;
    const c = y.values[i];
    if (c !== 0 && c !== 1) {
      throw new ValueError(
        `${op}: a binary target must be 0 or 1 (NaN for missing), got ${c} at ${at(i, y.shape)} ` +
          `(for class indices pass [N,C] scores)`,
      );
    }
    requireNotNaN(op, p, i);
    const s = p.values[i]!;
    if (probabilities && !(s >= 0 && s <= 1)) {
      throw new ValueError(
        `${op}: with from: 'probabilities' predictions must lie in [0, 1], got ${s} at ${at(i, p.shape)} ` +
          `(logits? pass { from: 'logits' })`,
      );
    }
    score.push(s);
    label.push(c);
  }
  return { kind: 'binary', score: Float64Array.from(score), label: Uint8Array.from(label) };
}

/** The threshold of {@link BinaryDecisionOptions}, checked. */
export function decisionThreshold(op: string, options: BinaryDecisionOptions): number {
  const from = checkChoice(op, 'from', options.from, ['logits', 'probabilities'], 'logits');
  if (options.threshold === undefined) return from === 'logits' ? 0 : 0.5;
  return from === 'logits'
    ? checkNumber(op, 'threshold for logits', options.threshold)
    : checkNumber(op, 'threshold for probabilities', options.threshold, { min: 0, max: 1 });
}

/**
 * A metric's options object, checked: undefined reads as `{}`, unknown keys are refused, and
 * the result has a null prototype.
 */
export function metricOptions<T extends object>(op: string, options: unknown, known: readonly string[]): T {
  return checkOptions(op, 'options', options, known) as T;
}
