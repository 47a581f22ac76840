import {
  checkInteger,
  checkKnownKeys,
  checkOptionsObject,
  type DType,
  formatShape,
  formatValue,
  isPlainObject,
  Tensor,
} from '@mtl/tensor';

import { OptimError } from './OptimError';

import type { ParameterLike } from './ParameterLike';
import {
  isBoolean,
  isFloatTensor,
  isParameter,
  isPlainData,
  iterableArgument,
  UNSAFE_KEYS,
} from './validate';

/** Hyperparameters every optimizer has; each adds its own. */
export interface BaseOptions {
  lr: number;
}

/** A parameter group: its parameters and its own values of every hyperparameter. */
export type ParamGroup<O extends BaseOptions> = O & { params: ParameterLike[] };

/** What a constructor or `addParamGroup` takes: parameters, plus any hyperparameters to override. */
export type ParamGroupInput<O extends BaseOptions> = Partial<O> & { params: Iterable<ParameterLike> };

/** Per-parameter state, with PyTorch's keys in camelCase (`step`, `expAvg`, `momentumBuffer`…). */
export type ParamState = Record<string, Tensor | number>;

/**
 * A state tensor in a state dict: dtype, shape and the values, row-major. `stateDict()` writes
 * `data` as a `number[]` holding the exact values (NaN, ±Infinity and −0 included) — JSON
 * cannot hold NaN or ±Infinity (it writes null), so a checkpoint keeps float state in a binary
 * file (`Trainer.save`, `saveSafetensors`). `loadStateDict` also takes `data` as a
 * Float32Array/Float64Array or an @mtl/tensor `Tensor`, and a `Tensor` in place of the whole
 * `SerializedTensor`.
 */
export interface SerializedTensor {
  dtype: DType;
  shape: number[];
  data: number[];
}

/** What `loadStateDict` takes for a state tensor: `stateDict()`'s form, or the values in binary form. */
export type StateTensorInput =
  | SerializedTensor
  | { dtype: DType; shape: number[]; data: number[] | Float32Array | Float64Array | Tensor }
  | Tensor;

/**
 * `stateDict()`: plain data, with parameters replaced by their index across all groups (in group
 * order, as PyTorch numbers them). `state[i]` holds parameter i's `step` (a number) and its state
 * tensors (`SerializedTensor`s).
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, SerializedTensor | number>>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** What `loadStateDict` takes: `stateDict()`'s output, with state tensors in any `StateTensorInput` form. */
export interface OptimizerStateDictInput {
  state: Record<number | string, Record<string, StateTensorInput | number>>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/**
 * The shared driver: parameter groups whose hyperparameters are read at every step (so a
 * scheduler just writes `group.lr`), state keyed by the parameter object (never by position),
 * validation, `zeroGrad`, and state dicts. Subclasses supply only their update.
 */
export abstract class Optimizer<O extends BaseOptions> {
  readonly paramGroups: ParamGroup<O>[] = [];
  readonly state = new Map<ParameterLike, ParamState>();
  readonly defaults: Readonly<O>;
  /** The keys a parameter's state may hold (PyTorch's, in camelCase), for `loadStateDict`. */
  protected abstract readonly stateKeys: readonly string[];

  /**
   * @param name the class name, for messages
   * @param defaults every hyperparameter with its default value (also the list of known names)
   * @param options what the user set; unknown names are rejected
   */
  constructor(
    readonly name: string,
    params: Iterable<ParameterLike> | Iterable<ParamGroupInput<O>>,
    defaults: O,
    options: Partial<O>,
  ) {
    const given = checkOptionsObject(name, options, Object.keys(defaults), {
      example: '{ lr: 0.01 }',
      ErrorType: OptimError,
    });
    const merged = { ...defaults, ...given } as O;
    this.validate(merged);
    this.defaults = Object.freeze(merged);
    const list = iterableArgument(name, 'params', params);
    if (list.length === 0) throw new OptimError(`${name}: got an empty parameter list`);
    const groups = list.filter((p) => isGroup(p));
    if (groups.length > 0 && groups.length < list.length) {
      throw new OptimError(
        `${name}: params mixes parameters and parameter groups; pass either parameters, or groups { params, …options }`,
      );
    }
    const inputs =
      groups.length > 0
        ? (list as ParamGroupInput<O>[])
        : [{ params: list } as unknown as ParamGroupInput<O>];
    inputs.forEach((group, i) => {
      this.addGroup(group, groups.length > 0 ? `paramGroups[${i}]` : 'params', name);
    });
  }

  /** Throws an OptimError naming the first bad hyperparameter and its value. */
  protected abstract validate(options: O): void;

  /** Updates one parameter in place from its gradient, reading and writing its state. */
  protected abstract update(
    param: ParameterLike,
    grad: Tensor,
    group: ParamGroup<O>,
    state: ParamState,
  ): void;

  /**
   * One optimization step over every parameter that has a gradient. Like PyTorch's, it takes an
   * optional closure that recomputes the loss (called first) and returns what the closure
   * returned. Every group, parameter and gradient is checked before any parameter changes.
   */
  step(closure?: () => unknown): unknown {
    if (closure !== undefined && typeof closure !== 'function') {
      throw new OptimError(
        `${this.name}.step: takes no argument, or a closure that recomputes the loss (as in PyTorch), got ${formatValue(closure)}`,
      );
    }
    const loss = closure === undefined ? undefined : closure();
    for (const group of this.paramGroups) this.checkGroup(group);
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null || grad === undefined) continue;
        let state = this.state.get(param);
        if (state === undefined) {
          state = {};
          this.state.set(param, state);
        }
        // A gradient in another float dtype is converted, so the update runs in the parameter's dtype.
        this.update(
          param,
          grad.dtype === param.value.dtype ? grad : grad.to(param.value.dtype),
          group,
          state,
        );
      }
    }
    return loss;
  }

  /** Clears every gradient: to null (the default, as in PyTorch), or to zeros. */
  zeroGrad(options: { setToNull?: boolean } = {}): void {
    const where = `${this.name}.zeroGrad`;
    const given = checkOptionsObject(where, options, ['setToNull'], { ErrorType: OptimError });
    const setToNull = given.setToNull ?? true;
    isBoolean(where, 'setToNull', setToNull);
    const params = this.paramGroups.flatMap((g) => g.params);
    if (!setToNull) {
      params.forEach((param, i) => {
        const g = (param as { grad?: unknown } | null)?.grad;
        if (g !== null && g !== undefined && !(g instanceof Tensor)) {
          throw new OptimError(
            `${where}: parameter ${i}'s grad must be null or a Tensor, got ${formatValue(g)}`,
          );
        }
      });
    }
    for (const param of params as (ParameterLike | null | undefined)[]) {
      if (typeof param !== 'object' || param === null) continue;
      const g = param.grad;
      if (g === null) continue;
      if (setToNull) param.grad = null;
      else if (g !== undefined) g.data.fill(0);
    }
  }

  /** Adds a group; hyperparameters it does not set come from the defaults. */
  addParamGroup(input: ParamGroupInput<O>): void {
    this.addGroup(input, `paramGroups[${this.paramGroups.length}]`, `${this.name}.addParamGroup`);
  }

  private addGroup(input: unknown, label: string, where: string): void {
    if (!isPlainObject(input) || !('params' in input)) {
      throw new OptimError(
        `${where}: a parameter group must be an object { params: [...], lr?, … }, got ${formatValue(input)}`,
      );
    }
    const { params, ...options } = input as Record<string, unknown>;
    checkKnownKeys(this.name, options, Object.keys(this.defaults), { where: label, ErrorType: OptimError });
    const list = iterableArgument(where, `${label}.params`, params);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    list.forEach((p, i) => {
      if (!isParameter(p)) {
        throw new OptimError(
          `${this.name}: params[${i}] is not a { value: Tensor, grad } object (got ${formatValue(p)}); pass parameters such as @mtl/autograd Parameters`,
        );
      }
      const { dtype } = p.value;
      if (dtype !== 'float32' && dtype !== 'float64') {
        throw new OptimError(
          `${this.name}: params[${i}] has dtype ${dtype}; only float32 and float64 can be optimized`,
        );
      }
      if (seen.has(p)) {
        throw new OptimError(
          `${this.name}: params[${i}] appears in more than one parameter group (or twice in one)`,
        );
      }
      seen.add(p);
    });
    const group = { ...this.defaults, ...options, params: list } as ParamGroup<O>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /**
   * The optimizer's state and hyperparameters as plain data (see `OptimizerStateDict`). State
   * tensors are copies with their exact values; see `SerializedTensor` about JSON.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<ParameterLike, number>();
    const paramGroups = this.paramGroups.map(({ params, ...options }, g) => {
      for (const [key, value] of Object.entries(options)) {
        if (!isPlainData(value)) {
          throw new OptimError(
            `${this.name}.stateDict: paramGroups[${g}].${key} is ${formatValue(value)}, which a state dict cannot hold (numbers, strings, booleans and arrays of them)`,
          );
        }
      }
      return {
        ...structuredClone(options),
        params: params.map((p) => {
          index.set(p, index.size);
          return index.size - 1;
        }),
      };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [param, values] of this.state) {
      const i = index.get(param);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(
        Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? v : serialize(v)]),
      );
    }
    return { state, paramGroups };
  }

  /**
   * Restores hyperparameters and state from `stateDict()` output. The groups must match this
   * optimizer's in number and size; saved parameter indices map to this optimizer's parameters in
   * group order, as in PyTorch. State tensors may come as `stateDict()` wrote them or with their
   * values in binary form (see `StateTensorInput`), and are copied into the parameters' dtypes.
   * Everything is checked before anything changes: on an error the optimizer is as it was.
   */
  loadStateDict(sd: OptimizerStateDictInput | OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    if (!isPlainObject(sd) || !Array.isArray(sd.paramGroups) || !isPlainObject(sd.state)) {
      throw new OptimError(
        `${where}: expected the object optimizer.stateDict() returns, { state: {…}, paramGroups: [...] }, got ${formatValue(sd)}`,
      );
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new OptimError(
        `${where}: the state dict has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    const ids = new Map<number, ParameterLike>();
    const options: Record<string, unknown>[] = [];
    sd.paramGroups.forEach((g: unknown, i) => {
      if (!isPlainObject(g) || !Array.isArray(g.params)) {
        throw new OptimError(
          `${where}: paramGroups[${i}] must be an object { params: [indices], … }, got ${formatValue(g)}`,
        );
      }
      const own = this.paramGroups[i]!.params;
      if (g.params.length !== own.length) {
        throw new OptimError(
          `${where}: group ${i} has ${g.params.length} parameters in the state dict, ${own.length} here`,
        );
      }
      g.params.forEach((id: unknown, j) => {
        if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
          throw new OptimError(
            `${where}: paramGroups[${i}].params[${j}] must be a parameter index (an integer ≥ 0), got ${formatValue(id)}`,
          );
        }
        if (ids.has(id)) throw new OptimError(`${where}: parameter index ${id} appears twice in paramGroups`);
        ids.set(id, own[j]!);
      });
      const { params: _params, ...rest } = g;
      for (const [key, value] of Object.entries(rest)) {
        if (UNSAFE_KEYS.has(key) || !isPlainData(value)) {
          throw new OptimError(
            `${where}: paramGroups[${i}] has ${JSON.stringify(key)}: ${formatValue(value)}, which is not a hyperparameter (numbers, strings, booleans and arrays of them)`,
          );
        }
      }
      const candidate = { ...this.paramGroups[i]!, ...structuredClone(rest) } as ParamGroup<O>;
      try {
        this.validate(candidate);
      } catch (error) {
        if (error instanceof OptimError)
          throw new OptimError(`${where}: paramGroups[${i}]: ${error.message}`);
        throw error;
      }
      options.push(rest);
    });
    const restored = new Map<ParameterLike, ParamState>();
    for (const [key, values] of Object.entries(sd.state)) {
      const id = /^(0|[1-9]\d{0,15})$/.test(key) ? Number(key) : Number.NaN;
      const param = ids.get(id);
      if (param === undefined) {
        throw new OptimError(
          `${where}: state has an entry for parameter ${JSON.stringify(key)}, which no paramGroups[].params lists (keys are the parameter indices stateDict() wrote)`,
        );
      }
      if (!isPlainObject(values)) {
        throw new OptimError(
          `${where}: state[${key}] must be an object of state values, got ${formatValue(values)}`,
        );
      }
      const entry: ParamState = {};
      for (const [k, v] of Object.entries(values)) {
        const label = `state[${key}].${k}`;
        if (!this.stateKeys.includes(k)) {
          throw new OptimError(
            `${where}: ${label} is not state of ${this.name} (its state keys: ${this.stateKeys.join(', ')}); is this another optimizer's state dict?`,
          );
        }
        if (k === 'step') {
          entry.step = checkInteger(where, label, v, { min: 0 }, OptimError);
        } else entry[k] = deserialize(where, label, v, param);
      }
      if (this.stateKeys.includes('step') && Object.keys(entry).length > 0 && entry.step === undefined) {
        throw new OptimError(
          `${where}: state[${key}] has no step (the count of steps taken, which ${this.name} needs)`,
        );
      }
      restored.set(param, entry);
    }
    options.forEach((rest, i) => {
      Object.assign(this.paramGroups[i]!, structuredClone(rest));
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }

  /** Checks a group before a step: its hyperparameters, parameters and gradients. */
  private checkGroup(group: ParamGroup<O>): void {
    this.validate(group);
    if (!Array.isArray(group.params)) {
      throw new OptimError(
        `${this.name}.step: a parameter group's params must be an array, got ${formatValue(group.params)}`,
      );
    }
    group.params.forEach((param: unknown, i) => {
      if (!isParameter(param) || !isFloatTensor(param.value)) {
        throw new OptimError(
          `${this.name}.step: params[${i}] of a group must be a parameter with a float32/float64 value, got ${formatValue(param)}`,
        );
      }
      const grad: unknown = param.grad;
      if (grad === null || grad === undefined) return;
      if (!isFloatTensor(grad)) {
        throw new OptimError(
          `${this.name}.step: a gradient must be null or a float32/float64 Tensor, got ${formatValue(grad)} (for a parameter of shape ${formatShape(param.value.shape)})`,
        );
      }
      const value = param.value;
      if (grad.rank !== value.rank || grad.shape.some((d, k) => d !== value.shape[k])) {
        throw new OptimError(
          `${this.name}.step: a gradient has shape ${formatShape(grad.shape)} but its parameter ${formatShape(value.shape)}`,
        );
      }
    });
  }
}

function isGroup(x: unknown): boolean {
  return typeof x === 'object' && x !== null && 'params' in x && !('value' in x);
}

function serialize(t: Tensor): SerializedTensor {
  return { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data as ArrayLike<number>) };
}

/** A state tensor from any `StateTensorInput` form, checked, as a new tensor in the parameter's dtype and shape. */
function deserialize(where: string, label: string, v: unknown, param: ParameterLike): Tensor {
  const own = param.value;
  const wrongSize = (shape: readonly number[]) =>
    new OptimError(
      `${where}: ${label} has shape ${formatShape(shape)}, its parameter ${formatShape(own.shape)} (is the state dict from another model?)`,
    );
  let data: ArrayLike<number>;
  if (v instanceof Tensor) {
    if (!isFloatTensor(v))
      throw new OptimError(`${where}: ${label} must be a float32 or float64 tensor, got ${formatValue(v)}`);
    if (v.size !== own.size) throw wrongSize(v.shape);
    data = v.data as ArrayLike<number>;
  } else {
    if (!isPlainObject(v)) {
      throw new OptimError(
        `${where}: ${label} must be a state tensor ({ dtype, shape, data } as stateDict() writes it, or a Tensor), got ${formatValue(v)}`,
      );
    }
    if (v.dtype !== 'float32' && v.dtype !== 'float64') {
      throw new OptimError(
        `${where}: ${label}.dtype must be 'float32' or 'float64', got ${formatValue(v.dtype)}`,
      );
    }
    const shape = v.shape;
    if (
      !Array.isArray(shape) ||
      shape.length > 64 ||
      !shape.every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
    ) {
      throw new OptimError(
        `${where}: ${label}.shape must be an array of integers ≥ 0, got ${formatValue(shape)}`,
      );
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== own.size) throw wrongSize(shape as number[]);
    const raw: unknown = v.data;
    if (Array.isArray(raw)) {
      for (let i = 0; i < raw.length; i++) {
        const x: unknown = raw[i];
        if (typeof x === 'number') continue;
        if (x === null) {
          throw new OptimError(
            `${where}: ${label}.data[${i}] is null — NaN/Inf cannot go through JSON (it writes them as null); save with Trainer.save or saveSafetensors, or pass the values as a Float32Array/Float64Array or Tensor`,
          );
        }
        throw new OptimError(`${where}: ${label}.data[${i}] must be a number, got ${formatValue(x)}`);
      }
      data = raw as number[];
    } else if (raw instanceof Float32Array || raw instanceof Float64Array) {
      data = raw;
    } else if (isFloatTensor(raw)) {
      data = raw.data as ArrayLike<number>;
    } else {
      throw new OptimError(
        `${where}: ${label}.data must be a number[], a Float32Array/Float64Array or a float Tensor, got ${formatValue(raw)}`,
      );
    }
    if (data.length !== size) {
      throw new OptimError(
        `${where}: ${label}.data has ${data.length} values, its shape ${formatShape(shape as number[])} needs ${size}`,
      );
    }
  }
  const copy = own.dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data);
  return new Tensor(copy, own.shape);
}
