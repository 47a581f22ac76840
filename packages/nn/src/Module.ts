import { Parameter, Variable } from '@mtl/autograd';

import {
  checkBoolean,
  checkOptions,
  copyToKernelStorage,
  type DType,
  formatShape,
  formatValue,
  isInKernelStorage,
  isTensorLike,
  MtlError,
  optionKeys,
  ShapeError,
  sameShape,
  type Tensor,
  ValueError,
} from '@mtl/tensor';

import { Buffer } from './Buffer';

import { requireFloatDType } from './validate';

const LOAD_STATE_DICT_OPTIONS = optionKeys<{ strict?: boolean }>({ strict: true });

/** A state dict: parameter and buffer values by dotted PyTorch-style name. */
export type StateDict = Record<string, Tensor>;

/** Problems `loadStateDict` found; with `strict: false` they are returned instead of thrown. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base of every layer and model, like `torch.nn.Module`. Sub-modules, Parameters and
 * Buffers held in fields (or in arrays in fields) are found without registration, in field
 * order, and named with PyTorch's dotted paths (`encoder.0.weight`). A parameter or buffer
 * given a `name` is saved under that name instead of its field's (`running_mean`).
 */
export abstract class Module {
  /** True in training mode (the default): Dropout drops, BatchNorm uses batch statistics. */
  training = true;

  abstract forward(...inputs: unknown[]): unknown;

  /** The direct sub-modules with their names. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [name, value] of this.entries()) if (value instanceof Module) yield [name, value];
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every sub-module, depth first, each once. */
  *namedModules(prefix = '', seen = new Set<Module>()): Generator<[string, Module]> {
    if (typeof prefix !== 'string')
      throw new ValueError(`namedModules: prefix must be a string, got ${formatValue(prefix)}`);
    if (!(seen instanceof Set))
      throw new ValueError(`namedModules: seen must be a Set, got ${formatValue(seen)}`);
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules(join(prefix, name), seen);
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Every parameter with its dotted name; a parameter shared by two modules comes once. */
  *namedParameters(): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, value] of module.entries()) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          yield [join(prefix, value.name ?? name), value];
        }
      }
    }
  }

  /** Every parameter, to hand to an optimizer. */
  parameters(): Parameter[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  *namedBuffers(): Generator<[string, Buffer]> {
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, value] of module.entries()) {
        if (value instanceof Buffer) yield [join(prefix, value.options.name ?? name), value];
      }
    }
  }

  /** Sets training mode here and in every sub-module. */
  train(mode = true): this {
    checkBoolean('train', 'mode', mode, false);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** The number of trainable elements. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.value.size, 0);
  }

  /**
   * Parameter and buffer values by name, in PyTorch's order and naming: the live tensors, not
   * copies (clone them to keep a snapshot). Optimizers update them in place, so a state dict
   * keeps following the parameters.
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, value] of module.entries()) {
        if (value instanceof Parameter) sd[join(prefix, value.name ?? name)] = value.value;
        else if (value instanceof Buffer) sd[join(prefix, value.options.name ?? name)] = value.value;
      }
    }
    return sd;
  }

  /**
   * Copies values into the existing parameters and buffers, keeping their dtype, as PyTorch
   * does. Shape mismatches always throw, naming every one; with `strict` (the default) missing
   * and unexpected keys throw too, otherwise they are returned.
   */
  loadStateDict(sd: StateDict, options: { strict?: boolean } = {}): LoadResult {
    const op = 'loadStateDict';
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd) || (sd as unknown) instanceof Map) {
      throw new ValueError(
        `${op}: sd must be an object of Tensors by name (what stateDict() returns), got ${formatValue(sd)}` +
          ((sd as unknown) instanceof Map ? ' (convert it: Object.fromEntries(map))' : ''),
      );
    }
    const { strict = true } = checkOptions(op, options, LOAD_STATE_DICT_OPTIONS);
    checkBoolean(op, 'strict', strict, false);
    const keys = Object.keys(sd);
    for (const key of keys) {
      const value: unknown = sd[key];
      if (!isTensorLike(value)) {
        throw new ValueError(
          `${op}: sd[${JSON.stringify(key)}] must be a Tensor, got ${formatValue(value)}` +
            (value instanceof Variable
              ? ' (pass its .value)'
              : Array.isArray(value)
                ? ' (wrap it: tensor([...]))'
                : ''),
        );
      }
    }
    const has = (k: string) => Object.hasOwn(sd, k);
    const targets = new Map<string, Parameter | Buffer>();
    for (const [name, p] of this.namedParameters()) targets.set(name, p);
    for (const [name, b] of this.namedBuffers()) targets.set(name, b);
    const missingKeys = [...targets.keys()].filter((k) => !has(k));
    const unexpectedKeys = keys.filter((k) => !targets.has(k));
    const mismatched: string[] = [];
    for (const [name, target] of targets) {
      if (!has(name)) continue;
      const source = sd[name]!;
      const own = target.value.shape;
      if (!sameShape(source.shape, own)) {
        mismatched.push(`${name}: ${formatShape(source.shape)} in the state dict, ${formatShape(own)} here`);
      }
    }
    const problems = [
      ...(mismatched.length > 0 ? [`shape mismatches — ${mismatched.join('; ')}`] : []),
      ...(strict && missingKeys.length > 0 ? [`missing keys: ${missingKeys.join(', ')}`] : []),
      ...(strict && unexpectedKeys.length > 0 ? [`unexpected keys: ${unexpectedKeys.join(', ')}`] : []),
    ];
    if (problems.length > 0) {
      const ErrorClass = mismatched.length > 0 ? ShapeError : MtlError;
      throw new ErrorClass(
        `loadStateDict: ${problems.join('; ')}${strict ? ' (pass { strict: false } to load the rest)' : ''}`,
      );
    }
    for (const [name, target] of targets) {
      if (!has(name)) continue;
      const source = sd[name]!;
      target.value.data.set(source.to(target.value.dtype).data as never);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Converts every parameter and buffer to `dtype` (say, float64 for exact checks). */
  to(dtype: DType): this {
    requireFloatDType('to', 'dtype', dtype, false);
    for (const p of this.parameters()) {
      // A float32 parameter lives in kernel storage, as a new Parameter's does.
      const value = p.value.to(dtype);
      p.value = value.dtype === 'float32' && !isInKernelStorage(value) ? copyToKernelStorage(value) : value;
    }
    for (const [, b] of this.namedBuffers()) if (b.value.dtype !== 'int32') b.value = b.value.to(dtype);
    return this;
  }

  /**
   * The module's own fields that hold modules, parameters or buffers, with arrays and plain
   * records expanded (`layers.0`, `heads.price`), in field order.
   */
  protected *entries(): Generator<[string, unknown]> {
    for (const [name, value] of Object.entries(this)) {
      if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) if (isPart(item)) yield [`${name}.${i}`, item];
      } else if (isPart(value)) {
        yield [name, value];
      }
    }
  }
}

function isPart(value: unknown): boolean {
  return value instanceof Module || value instanceof Parameter || value instanceof Buffer;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}
