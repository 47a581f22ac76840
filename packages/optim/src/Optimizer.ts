import { type DType, formatShape, Tensor } from '@mtl/tensor';
import { OptimError } from './OptimError';
import type { ParameterLike } from './ParameterLike';

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

/** A state tensor as JSON: dtype, shape and the values. */
export interface SerializedTensor {
  dtype: DType;
  shape: number[];
  data: number[];
}

/** `stateDict()`: JSON-serialisable, with parameters replaced by their index across all groups. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, SerializedTensor | number>>;
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
    const known = Object.keys(defaults);
    checkKnown(name, options, known, 'options');
    const merged = { ...defaults, ...options } as O;
    this.validate(merged);
    this.defaults = Object.freeze(merged);
    const list = [...(params as Iterable<ParameterLike | ParamGroupInput<O>>)];
    if (list.length === 0) throw new OptimError(`${name}: got an empty parameter list`);
    const groups = list.every((p) => isGroup(p))
      ? (list as ParamGroupInput<O>[])
      : [{ params: list } as unknown as ParamGroupInput<O>];
    for (const group of groups) this.addParamGroup(group);
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

  /** One optimization step over every parameter that has a gradient. */
  step(): void {
    for (const group of this.paramGroups) {
      this.validate(group);
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null) continue;
        this.checkGrad(param, grad);
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
  }

  /** Clears every gradient: to null (the default, as in PyTorch), or to zeros. */
  zeroGrad({ setToNull = true }: { setToNull?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        if (param.grad === null) continue;
        if (setToNull) param.grad = null;
        else param.grad.data.fill(0);
      }
    }
  }

  /** Adds a group; hyperparameters it does not set come from the defaults. */
  addParamGroup(input: ParamGroupInput<O>): void {
    const { params, ...options } = input;
    checkKnown(this.name, options, Object.keys(this.defaults), `paramGroups[${this.paramGroups.length}]`);
    const list = [...params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    list.forEach((p, i) => {
      if (!isParameter(p)) {
        throw new OptimError(`${this.name}: params[${i}] is not a { value: Tensor, grad } object`);
      }
      if (!isFloat(p.value.dtype)) {
        throw new OptimError(
          `${this.name}: params[${i}] has dtype ${p.value.dtype}; only float32 and float64 can be optimized`,
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

  /** The optimizer's state and hyperparameters as JSON-serialisable data. */
  stateDict(): OptimizerStateDict {
    const index = new Map<ParameterLike, number>();
    const paramGroups = this.paramGroups.map(({ params, ...options }) => ({
      ...structuredClone(options),
      params: params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      }),
    }));
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
   * optimizer's in number and size; state tensors are copied into the parameters' dtypes.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw new OptimError(`${this.name}.loadStateDict: expected { state, paramGroups }`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new OptimError(
        `${this.name}.loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    sd.paramGroups.forEach((g, i) => {
      const own = this.paramGroups[i]!.params.length;
      if (g.params.length !== own) {
        throw new OptimError(
          `${this.name}.loadStateDict: group ${i} has ${g.params.length} parameters in the state dict, ${own} here`,
        );
      }
    });
    const params = this.paramGroups.flatMap((g) => g.params);
    const restored = new Map<ParameterLike, ParamState>();
    for (const [key, values] of Object.entries(sd.state)) {
      const param = params[Number(key)];
      if (param === undefined)
        throw new OptimError(`${this.name}.loadStateDict: state for unknown parameter ${key}`);
      const entry: ParamState = {};
      for (const [k, v] of Object.entries(values))
        entry[k] = typeof v === 'number' ? v : deserialize(v, param, k, this.name);
      restored.set(param, entry);
    }
    sd.paramGroups.forEach(({ params: _params, ...options }, i) => {
      const group = this.paramGroups[i]!;
      const candidate = { ...group, ...structuredClone(options) } as ParamGroup<O>;
      this.validate(candidate);
      Object.assign(group, structuredClone(options));
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }

  private checkGrad(param: ParameterLike, grad: Tensor): void {
    const value = param.value;
    if (grad.rank !== value.rank || grad.shape.some((d, i) => d !== value.shape[i])) {
      throw new OptimError(
        `${this.name}.step: a gradient has shape ${formatShape(grad.shape)} but its parameter ${formatShape(value.shape)}`,
      );
    }
  }
}

/** Rejects option names the optimizer does not have (a typo would otherwise be silently ignored). */
function checkKnown(name: string, options: object, known: string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new OptimError(
        `${name}: unknown option ${JSON.stringify(key)} in ${where} (known: ${known.join(', ')})`,
      );
    }
  }
}

function isGroup(x: unknown): boolean {
  return typeof x === 'object' && x !== null && 'params' in x && !('value' in x);
}

function isParameter(x: unknown): x is ParameterLike {
  return typeof x === 'object' && x !== null && (x as ParameterLike).value instanceof Tensor && 'grad' in x;
}

function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

function serialize(t: Tensor): SerializedTensor {
  return { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data) };
}

function deserialize(v: SerializedTensor, param: ParameterLike, key: string, name: string): Tensor {
  const size = v.shape.reduce((a, b) => a * b, 1);
  if (size !== param.value.size || v.data.length !== size) {
    throw new OptimError(
      `${name}.loadStateDict: state ${key} has shape ${formatShape(v.shape)}, its parameter ${formatShape(param.value.shape)}`,
    );
  }
  const data = param.value.dtype === 'float64' ? Float64Array.from(v.data) : Float32Array.from(v.data);
  return new Tensor(data, param.value.shape);
}
