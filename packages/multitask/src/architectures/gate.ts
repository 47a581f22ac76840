import {
  concat,
  matmul,
  softmax,
  squeeze,
  stack,
  unsqueeze,
  type Variable,
  type VariableLike,
} from '@mtl/autograd';
import type { Layer, ModuleDict, ModuleList } from '@mtl/nn';
import { type DType, formatShape, type Generator, ShapeError, ValueError } from '@mtl/tensor';
import { type Activation, mlp } from './mlp';

/** A module mapping one input to one output (an expert, gate, tower, head or column layer). */
export type { Layer };

/** Softmax over the last axis: a gate's logits [..., E] → mixture weights that sum to 1. */
export function softmaxGate(logits: VariableLike): Variable {
  return softmax(logits, -1);
}

/**
 * Σ_e weights[..., e] · stacked[..., e, :]: expert outputs stacked [..., E, k] contracted with
 * the gate's weights [..., E] by one batched matmul, so the gradient reaches both.
 */
export function mixExperts(op: string, stacked: Variable, weights: Variable): Variable {
  if (weights.shape.at(-1) !== stacked.shape.at(-2)) {
    throw new ShapeError(
      `${op}: the gate gives ${weights.shape.at(-1)} weights for ${stacked.shape.at(-2)} experts — weights.shape=${formatShape(weights.shape)}, experts stacked ${formatShape(stacked.shape)} (the gate's output size must equal the number of experts it mixes)`,
    );
  }
  return squeeze(matmul(unsqueeze(weights, -2), stacked), -2);
}

/** Expert outputs [..., k] stacked along a new second-to-last axis: [..., E, k]. */
export function stackExperts(outputs: readonly Variable[]): Variable {
  return stack(outputs, -2);
}

/** Each expert's output on x, in order. */
export function runExperts(experts: Iterable<Layer>, x: VariableLike): Variable[] {
  return [...experts].map((e) => e.forward(x) as Variable);
}

/** Throws unless every record names exactly the tasks of the first. */
export function checkSameTasks(op: string, records: Record<string, Record<string, unknown>>): string[] {
  // Callers pass two records or more, by name.
  const [[firstName, first], ...rest] = Object.entries(records) as [
    [string, Record<string, unknown>],
    ...[string, Record<string, unknown>][],
  ];
  const tasks = Object.keys(first);
  for (const [name, record] of rest) {
    const keys = Object.keys(record);
    if (keys.length !== tasks.length || keys.some((k) => !tasks.includes(k))) {
      throw new ValueError(
        `${op}: ${name} and ${firstName} must name the same tasks — ${name}: ${keys.join(', ')}; ${firstName}: ${tasks.join(', ')}`,
      );
    }
  }
  return tasks;
}

/** The modules of one extraction level (CGC, or one level of PLE). */
export interface ExtractionParts {
  sharedExperts: ModuleList<Layer>;
  taskExperts: ModuleDict<ModuleList<Layer>>;
  /** Per task: logits over [its own experts…, shared experts…]. */
  gates: ModuleDict<Layer>;
  /** Logits over [every task's experts in task order…, shared experts…]; null on PLE's last level. */
  sharedGate: Layer | null;
}

export interface ExtractionResult {
  /** Each task's gated mixture, the next level's (or the tower's) input for that task. */
  tasks: Record<string, Variable>;
  /** The shared gate's mixture, the next level's shared input (null without a shared gate). */
  shared: Variable | null;
  /** The shared experts' outputs stacked [..., S, k]; every mixture reads them from here. */
  sharedStacked: Variable;
  /** The softmax weights each task's gate used. */
  weights: Record<string, Variable>;
  /** The shared gate's softmax weights (null without a shared gate). */
  sharedWeights: Variable | null;
}

/**
 * One CGC / PLE extraction level (Tang et al. 2020): shared experts read the shared input, a
 * task's experts read that task's input; each task's gate (on the task's input) mixes its own
 * experts then the shared ones; the shared gate (on the shared input) mixes every task's
 * experts, in task order, then the shared ones.
 */
export function extract(
  op: string,
  parts: ExtractionParts,
  tasks: readonly string[],
  taskInputs: Record<string, VariableLike>,
  sharedInput: VariableLike,
): ExtractionResult {
  // Stacked once: the representation is this very Variable, so rep-grad methods see every use.
  const sharedStacked = stackExperts(runExperts(parts.sharedExperts, sharedInput));
  const own: Variable[] = [];
  const mixed: Record<string, Variable> = Object.create(null);
  const weights: Record<string, Variable> = Object.create(null);
  for (const task of tasks) {
    const input = taskInputs[task]!;
    const outputs = runExperts(parts.taskExperts.get(task), input);
    const experts = outputs.length > 0 ? concat([stackExperts(outputs), sharedStacked], -2) : sharedStacked;
    own.push(...outputs);
    weights[task] = softmaxGate(parts.gates.get(task).forward(input) as Variable);
    mixed[task] = mixExperts(`${op} (gate of ${task})`, experts, weights[task]);
  }
  let shared: Variable | null = null;
  let sharedWeights: Variable | null = null;
  if (parts.sharedGate !== null) {
    const all = own.length > 0 ? concat([stackExperts(own), sharedStacked], -2) : sharedStacked;
    sharedWeights = softmaxGate(parts.sharedGate.forward(sharedInput) as Variable);
    shared = mixExperts(`${op} (shared gate)`, all, sharedWeights);
  }
  return { tasks: mixed, shared, sharedStacked, weights, sharedWeights };
}

/** `count` expert MLPs `inputSize → …expertHidden`, each ending in the activation. */
export function expertMlps(
  op: string,
  count: number,
  inputSize: number,
  expertHidden: readonly number[],
  options: { activation: Activation; dtype?: DType; generator?: Generator },
): Layer[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new ValueError(`${op}: the number of experts must be a non-negative integer, got ${count}`);
  }
  if (expertHidden.length === 0) {
    throw new ValueError(`${op}: expertHidden must list at least one size (the experts' output size)`);
  }
  return Array.from(
    { length: count },
    () => mlp([inputSize, ...expertHidden], { ...options, finalActivation: true }) as Layer,
  );
}

/** One MLP tower per task, from the experts' output size to the task's output size. */
export function towerMlps(
  tasks: Record<string, number>,
  expertHidden: readonly number[],
  towerHidden: readonly number[],
  options: { activation: Activation; dtype?: DType; generator?: Generator },
): Record<string, Layer> {
  const top = expertHidden.at(-1)!;
  return perTask(tasks, (size) => mlp([top, ...towerHidden, size], options) as Layer);
}

/** One value per task, made in task order (so a seeded generator gives the same weights). */
export function perTask<T>(
  tasks: Record<string, number>,
  make: (size: number, task: string) => T,
): Record<string, T> {
  return Object.fromEntries(Object.entries(tasks).map(([task, size]) => [task, make(size, task)]));
}
