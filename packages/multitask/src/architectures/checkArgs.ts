import { Module } from '@mtl/nn';
import { checkChoice, checkInteger, formatCount, type Generator, mustBe, ValueError } from '@mtl/tensor';
import {
  checkFloatDType,
  checkGenerator,
  checkIntegerList,
  checkOptions,
  checkRecord,
  checkTaskName,
  ownEntries,
} from '../data/check';
import type { Activation } from './mlp';

/*
 * Argument checks of the architecture constructors and their `.mlp` builders: every failure is
 * a ValueError (DTypeError for a dtype) naming the constructor, the option and what it got,
 * thrown before any layer is built.
 */

/** At most this many units in a layer (input size, hidden width, output size). */
export const MAX_LAYER_WIDTH = 65_536;

/** At most this many experts (of each kind), levels, or selectors in an architecture. */
export const MAX_EXPERTS = 1024;

/** At most this many parameters in a model a `.mlp` builder makes: 2²⁷ = 134,217,728 (512 MB as float32). */
export const MAX_PARAMETERS = 2 ** 27;

export const ACTIVATIONS: readonly Activation[] = [
  'relu',
  'leakyRelu',
  'elu',
  'gelu',
  'silu',
  'tanh',
  'sigmoid',
];

/** A module with a forward method (an expert, gate, tower, head, encoder or column layer). */
export function checkLayer(op: string, name: string, value: unknown): Module {
  if (!(value instanceof Module) || typeof (value as { forward?: unknown }).forward !== 'function') {
    throw new ValueError(
      mustBe(op, name, 'a Module (from @mtl/nn)', value, 'e.g. new Linear(in, out), or mlp([...])'),
    );
  }
  return value;
}

/** An array of modules, at least `min` long. */
export function checkLayerList(
  op: string,
  name: string,
  value: unknown,
  min: number,
  noun = 'module',
): Module[] {
  if (!Array.isArray(value)) throw new ValueError(mustBe(op, name, 'an array of Modules', value));
  if (value.length < min) {
    throw new ValueError(
      `${op}: needs at least ${min === 1 ? 'one' : min} ${noun} in ${name} — got an empty array`,
    );
  }
  return value.map((m, i) => checkLayer(op, `${name}[${i}]`, m));
}

/** Per task, something `item` checks; task names non-empty and without '.'. */
export function checkPerTask<T>(
  op: string,
  name: string,
  value: unknown,
  example: string,
  item: (v: unknown, where: string) => T,
): Record<string, T> {
  const record = checkRecord(op, name, value, example);
  for (const [task, v] of ownEntries(record)) {
    checkTaskName(op, name, task);
    item(v, `${name}[${JSON.stringify(task)}]`);
  }
  return record as Record<string, T>;
}

/** Per task, a module. */
export function checkLayerRecord(op: string, name: string, value: unknown): Record<string, Module> {
  return checkPerTask(op, name, value, '{ taskA: module, taskB: module }', (v, where) =>
    checkLayer(op, where, v),
  );
}

/** Per task, its output size: `{ species: 3, mass: 1 }`, at least one task. */
export function checkTaskSizes(op: string, value: unknown): Record<string, number> {
  const tasks = checkPerTask(op, 'tasks', value, '{ species: 3, mass: 1 }', (v, where) =>
    checkInteger(op, where, v, { min: 1, max: MAX_LAYER_WIDTH, fix: "the task's output size" }),
  );
  if (Object.keys(tasks).length === 0) {
    throw new ValueError(`${op}: tasks must name at least one task, e.g. { species: 3, mass: 1 } — got {}`);
  }
  return tasks;
}

/** A layer width (input size, hidden width). */
export function checkWidth(op: string, name: string, value: unknown): number {
  return checkInteger(op, name, value, { min: 1, max: MAX_LAYER_WIDTH });
}

/** A list of hidden widths, possibly required to be non-empty. */
export function checkWidths(
  op: string,
  name: string,
  value: unknown,
  minLength: number,
  fix?: string,
): number[] {
  if (Array.isArray(value) && value.length < minLength) {
    throw new ValueError(
      `${op}: ${name} must list at least ${minLength} size${minLength === 1 ? '' : 's'} — got an empty array` +
        (fix ? ` (${fix})` : ''),
    );
  }
  return checkIntegerList(op, name, value, { min: 1, max: MAX_LAYER_WIDTH, minLength, maxLength: 1024 });
}

/** The options every `.mlp` builder shares. */
export interface CommonMlpOptions {
  activation: Activation;
  dtype: 'float32' | 'float64' | undefined;
  generator: Generator | undefined;
}

/**
 * The options object of a `.mlp` builder: the builder's `own` keys plus the ones every builder
 * takes (inputSize, tasks, activation, dtype, generator); an unknown key is refused.
 */
export function checkMlpOptions(op: string, value: unknown, own: readonly string[]): Record<string, unknown> {
  return checkOptions(op, 'options', value, [
    'inputSize',
    ...own,
    'tasks',
    'activation',
    'dtype',
    'generator',
  ]);
}

export function checkCommon(op: string, o: Record<string, unknown>): CommonMlpOptions {
  return {
    activation: checkChoice(op, 'activation', o.activation, ACTIVATIONS, 'relu'),
    dtype: checkFloatDType(op, 'dtype', o.dtype),
    generator: checkGenerator(op, 'generator', o.generator),
  };
}

/** Parameters of an MLP `sizes[0] → … → sizes[n]` with biases. */
export function mlpParameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let i = 0; i + 1 < sizes.length; i++) count += sizes[i]! * sizes[i + 1]! + sizes[i + 1]!;
  return count;
}

/** Refuses a model of more than {@link MAX_PARAMETERS} parameters before building it. */
export function checkParameterCount(op: string, count: number): void {
  if (count > MAX_PARAMETERS) {
    throw new ValueError(
      `${op}: the model would have ${formatCount(count)} parameters; the limit is ` +
        `${formatCount(MAX_PARAMETERS)} (2^27) — lower the widths, experts or levels`,
    );
  }
}

/** The number of tasks of a checked `tasks` record. */
export function countTasks(tasks: Record<string, number>): number {
  return Object.keys(tasks).length;
}

/** Parameters of one MLP tower per task, `top → …towerHidden → size`. */
export function towersParameterCount(
  tasks: Record<string, number>,
  top: number,
  towerHidden: readonly number[],
): number {
  return Object.values(tasks).reduce((sum, size) => sum + mlpParameterCount([top, ...towerHidden, size]), 0);
}

/** The options the mixture-of-experts builders (MMoE, CGC, PLE, DSelectK) share. */
export interface ExpertOptions {
  inputSize: number;
  expertHidden: number[];
  numExperts: number;
  numSharedExperts: number;
  numTaskExperts: number;
  tasks: Record<string, number>;
  towerHidden: number[];
}

/**
 * Checks inputSize, expertHidden (at least one size: the experts' output size), the expert counts
 * named in `counts` (numExperts and numSharedExperts in [1, 1024], numTaskExperts in [0, 1024]),
 * tasks and towerHidden.
 */
export function checkExpertOptions(
  op: string,
  o: Record<string, unknown>,
  counts: readonly ('numExperts' | 'numSharedExperts' | 'numTaskExperts')[],
): ExpertOptions {
  const inputSize = checkWidth(op, 'inputSize', o.inputSize);
  const expertHidden = checkWidths(
    op,
    'expertHidden',
    o.expertHidden,
    1,
    "the last size is the experts' output size, e.g. expertHidden: [32]",
  );
  const count = (name: 'numExperts' | 'numSharedExperts' | 'numTaskExperts', min: number) =>
    counts.includes(name) ? checkInteger(op, name, o[name], { min, max: MAX_EXPERTS }) : 0;
  return {
    inputSize,
    expertHidden,
    numExperts: count('numExperts', 1),
    numSharedExperts: count('numSharedExperts', 1),
    numTaskExperts: count('numTaskExperts', 0),
    tasks: checkTaskSizes(op, o.tasks),
    towerHidden: checkWidths(op, 'towerHidden', o.towerHidden ?? [], 0),
  };
}
