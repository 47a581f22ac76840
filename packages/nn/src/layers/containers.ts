import { Variable, type VariableLike } from '@mtl/autograd';

import { formatValue, MtlError, Tensor, ValueError } from '@mtl/tensor';

import { Module } from '../Module';

import { requireInput, requireInteger } from '../validate';

/** A module whose forward takes one input and returns one output (what `Sequential` chains). */
export interface Layer extends Module {
  forward(x: VariableLike): VariableLike;
}

/** Modules in a list, named `0`, `1`, … as in `torch.nn.ModuleList`. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[];

  constructor(modules: Iterable<M> = []) {
    super();
    const op = new.target.name || 'ModuleList';
    if (
      modules === null ||
      typeof modules !== 'object' ||
      typeof (modules as Iterable<M>)[Symbol.iterator] !== 'function'
    ) {
      throw new ValueError(
        `${op}: modules must be an array (or iterable) of Modules, got ${formatValue(modules)}`,
      );
    }
    const items = [...modules];
    items.forEach((m, i) => {
      requireModule(op, `modules[${i}]`, m);
    });
    this.items = items;
  }

  get length(): number {
    return this.items.length;
  }

  at(index: number): M {
    requireInteger('ModuleList.at', 'index', index);
    const m = this.items.at(index);
    if (m === undefined)
      throw new MtlError(`ModuleList: index ${index} is out of range for ${this.items.length} modules`);
    return m;
  }

  push(module: M): this {
    requireModule('ModuleList.push', 'module', module);
    this.items.push(module);
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  forward(..._inputs: unknown[]): unknown {
    throw new MtlError('ModuleList: has no forward; iterate over it and call each module');
  }

  protected override *entries(): Generator<[string, unknown]> {
    for (const [i, m] of this.items.entries()) yield [String(i), m];
  }
}

/**
 * Modules applied in order, each to the previous one's output, as `torch.nn.Sequential`. Each
 * module's own `forward` runs; to fuse a Linear layer with its activation, give the layer the
 * activation (`new Linear(in, out, { activation: 'relu' })`).
 */
export class Sequential extends ModuleList<Layer> {
  constructor(...modules: Layer[]) {
    super(modules);
  }

  override forward(x: VariableLike): Variable {
    requireInput('Sequential', 'x', x);
    let out: VariableLike = x;
    for (const m of this.items) out = m.forward(out);
    // Only Identity layers (or none) leave a constant: give it back as a Variable all the same.
    return out instanceof Variable
      ? out
      : new Variable(out instanceof Tensor ? out : new Tensor(Float32Array.of(Number(out)), []));
  }
}

/** Modules by name, in insertion order, as `torch.nn.ModuleDict`. */
export class ModuleDict<M extends Module = Module> extends Module {
  readonly items: Map<string, M>;

  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const op = 'ModuleDict';
    if (modules === null || typeof modules !== 'object') {
      throw new ValueError(
        `${op}: modules must be an object of Modules by name (or [name, module] pairs), got ${formatValue(modules)}`,
      );
    }
    const entries: unknown[] =
      Symbol.iterator in modules ? [...(modules as Iterable<unknown>)] : Object.entries(modules);
    this.items = new Map();
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new ValueError(`${op}: each entry must be a [name, module] pair, got ${formatValue(entry)}`);
      }
      const [key, module] = entry as [unknown, unknown];
      if (typeof key !== 'string' || key === '' || key.includes('.'))
        throw new ValueError(`${op}: key ${formatValue(key)} must be a non-empty string with no '.'`);
      requireModule(op, `modules[${JSON.stringify(key)}]`, module);
      this.items.set(key, module as M);
    }
  }

  get(key: string): M {
    if (typeof key !== 'string')
      throw new ValueError(`ModuleDict.get: key must be a string, got ${formatValue(key)}`);
    const m = this.items.get(key);
    if (m === undefined) {
      throw new MtlError(
        `ModuleDict: no module named ${JSON.stringify(key)} (have: ${[...this.items.keys()].join(', ')})`,
      );
    }
    return m;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  forward(): never {
    throw new MtlError('ModuleDict: has no forward; get a module by name and call it');
  }

  protected override *entries(): Generator<[string, unknown]> {
    yield* this.items;
  }
}

/** Returns its input unchanged, as `torch.nn.Identity`. */
export class Identity extends Module {
  forward(x: VariableLike): VariableLike {
    return x;
  }
}

function requireModule(op: string, name: string, m: unknown): void {
  if (m instanceof Module) return;
  throw new ValueError(
    `${op}: ${name} must be a Module (a layer such as new Linear(2, 3)), got ${formatValue(m)}`,
  );
}
