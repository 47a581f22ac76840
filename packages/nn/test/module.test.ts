import { readFileSync } from 'node:fs';
import { grad, mul, Parameter, sum, variable } from '@mtl/autograd';
import { type DType, Generator, MtlError, ones, ShapeError, Tensor, tensor, zeros } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import {
  Buffer,
  GELU,
  Identity,
  Linear,
  Module,
  ModuleDict,
  ModuleList,
  ReLU,
  Sequential,
  Tanh,
} from '../src/index';

type T = { dtype: DType; shape: number[]; data: number[] };
const decode = (t: T) => tensor(t.data, { dtype: t.dtype, shape: t.shape });
const fixture = JSON.parse(readFileSync(new URL('./fixtures/model.json', import.meta.url), 'utf8')) as {
  cases: {
    name: string;
    stateDict: Record<string, T>;
    input: T;
    output: T;
    R: T;
    grads: Record<string, T>;
    modules: string[];
  }[];
};

/** A model shaped like the fixture's torch.nn.Sequential, from its module list and state dict. */
function build(modules: string[], sd: Record<string, T>, dtype: DType): Sequential {
  const layers = modules.map((kind, i) => {
    if (kind === 'ReLU') return new ReLU();
    if (kind === 'Tanh') return new Tanh();
    if (kind === 'GELU') return new GELU();
    const [out, inp] = sd[`${i}.weight`]!.shape as [number, number];
    return new Linear(inp, out, { bias: `${i}.bias` in sd, dtype });
  });
  return new Sequential(...layers);
}

const close = (a: Tensor, b: Tensor, tol: number) => {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => {
    expect(Math.abs(v - b.data[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b.data[i]!)));
  });
};

describe('a torch.nn.Sequential, reproduced', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    '%s: same names, outputs and gradients',
    (_name, c) => {
      const dtype = c.input.dtype;
      const tol = dtype === 'float64' ? 1e-10 : 1e-5;
      const model = build(c.modules, c.stateDict, dtype);
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(c.stateDict));
      model.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, decode(v)])));
      const out = model.forward(variable(decode(c.input)));
      close(out.value, decode(c.output), tol);
      const named = [...model.namedParameters()];
      const grads = grad(
        sum(mul(out, decode(c.R))),
        named.map(([, p]) => p),
      );
      named.forEach(([name], i) => {
        close(grads[i]!, decode(c.grads[name]!), tol);
      });
    },
  );
});

class Block extends Module {
  readonly scale = new Parameter(ones([2]));
  readonly inner = new Linear(2, 2, { generator: new Generator(1) });
  readonly stats = new Buffer(zeros([2]), { name: 'running_stat' });
  readonly notAPart = tensor([1, 2]); // plain tensors are not state
  forward(x: Tensor) {
    return mul(this.inner.forward(x), this.scale);
  }
}

class Net extends Module {
  readonly encoder = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
  readonly blocks = [new Block(), new Block()];
  readonly heads = new ModuleDict({ price: new Linear(2, 1), kind: new Linear(2, 3) });
  readonly extra = new ModuleList([new Identity()]);
  forward(x: Tensor) {
    return this.encoder.forward(x);
  }
}

describe('Module', () => {
  it('finds parameters, buffers and sub-modules in fields, in field order, with dotted names', () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([n]) => n)).toEqual([
      'encoder.0.weight',
      'encoder.0.bias',
      'encoder.2.weight',
      'encoder.2.bias',
      'blocks.0.scale',
      'blocks.0.inner.weight',
      'blocks.0.inner.bias',
      'blocks.1.scale',
      'blocks.1.inner.weight',
      'blocks.1.inner.bias',
      'heads.price.weight',
      'heads.price.bias',
      'heads.kind.weight',
      'heads.kind.bias',
    ]);
    expect([...net.namedBuffers()].map(([n]) => n)).toEqual([
      'blocks.0.running_stat',
      'blocks.1.running_stat',
    ]);
    expect(Object.keys(net.stateDict())).toContain('blocks.1.running_stat');
    expect(net.numParameters()).toBe(3 * 4 + 4 + 4 * 2 + 2 + 2 * (2 + 4 + 2) + 2 + 1 + 6 + 3);
    expect([...net.modules()].length).toBe(1 + 4 + 2 * 2 + 3 + 2);
  });

  it('lists a shared parameter once', () => {
    class Tied extends Module {
      readonly a = new Linear(2, 2);
      readonly b = this.a;
      forward() {
        return null;
      }
    }
    expect(new Tied().parameters().length).toBe(2);
  });

  it('train() and eval() reach every sub-module', () => {
    const net = new Net().eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
  });

  it('loadStateDict copies values in, keeping each parameter’s dtype and identity', () => {
    const a = new Linear(3, 2);
    const b = new Linear(3, 2, { dtype: 'float64' });
    const weight = b.weight;
    b.loadStateDict(a.stateDict());
    expect(b.weight).toBe(weight);
    expect(b.weight.value.dtype).toBe('float64');
    b.weight.value.data.forEach((v, i) => {
      expect(v).toBe(a.weight.value.data[i]);
    });
  });

  it('loadStateDict names missing and unexpected keys, and shape mismatches', () => {
    const m = new Linear(3, 2);
    const sd = m.stateDict();
    expect(() => m.loadStateDict({ weight: sd.weight!, extra: ones([1]) })).toThrow(MtlError);
    expect(() => m.loadStateDict({ weight: sd.weight!, extra: ones([1]) })).toThrow(
      /missing keys: bias; unexpected keys: extra/,
    );
    expect(m.loadStateDict({ weight: sd.weight! }, { strict: false })).toEqual({
      missingKeys: ['bias'],
      unexpectedKeys: [],
    });
    expect(() => m.loadStateDict({ weight: ones([2, 4]), bias: sd.bias! })).toThrow(ShapeError);
    expect(() => m.loadStateDict({ weight: ones([2, 4]), bias: sd.bias! })).toThrow(
      /weight: \[2,4\] in the state dict, \[2,3\] here/,
    );
  });

  it('to(dtype) converts parameters and buffers', () => {
    const net = new Net().to('float64');
    expect(net.parameters().every((p) => p.value.dtype === 'float64')).toBe(true);
    expect([...net.namedBuffers()].every(([, b]) => b.value.dtype === 'float64')).toBe(true);
  });

  it('zeroGrad clears every gradient', () => {
    const m = new Linear(2, 1);
    sum(m.forward(ones([3, 2]))).backward();
    expect(m.weight.grad).not.toBeNull();
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe('Linear', () => {
  it('initialises weight and bias in U(−1/√in, 1/√in), like PyTorch', () => {
    const m = new Linear(64, 256, { generator: new Generator(3) });
    const bound = 1 / Math.sqrt(64);
    for (const p of [m.weight, m.bias!]) {
      const values = Array.from(p.value.data);
      expect(Math.max(...values)).toBeLessThanOrEqual(bound);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-bound);
    }
    const w = Array.from(m.weight.value.data);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeCloseTo(bound ** 2 / 3, 3);
  });

  it('the same generator seed gives the same weights', () => {
    const a = new Linear(5, 4, { generator: new Generator(9) });
    const b = new Linear(5, 4, { generator: new Generator(9) });
    expect(a.weight.value.toArray()).toEqual(b.weight.value.toArray());
  });

  it('names a bad size', () => {
    expect(() => new Linear(2.5, 3)).toThrow(
      /Linear: inFeatures must be a non-negative integer <= 2,147,483,647 — got 2.5/,
    );
  });

  it('maps [N, in] to [N, out] and works without bias', () => {
    const m = new Linear(3, 2, { bias: false });
    expect(m.bias).toBeNull();
    expect(m.forward(ones([4, 3])).shape).toEqual([4, 2]);
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
  });
});

describe('containers', () => {
  it('ModuleDict names a missing key', () => {
    const d = new ModuleDict({ a: new Identity() });
    expect(() => d.get('b')).toThrow(/no module named "b" \(have: a\)/);
  });

  it('ModuleList has no forward of its own', () => {
    expect(() => new ModuleList().forward()).toThrow(/iterate over it/);
  });

  it('Sequential chains forward', () => {
    const s = new Sequential(new Identity(), new ReLU());
    expect(s.forward(tensor([-1, 2])).toArray()).toEqual([0, 2]);
  });

  it('keeps Tensor field values out of the state, in PyTorch order (own parameters, own buffers, children)', () => {
    expect(Object.keys(new Block().stateDict())).toEqual([
      'scale',
      'running_stat',
      'inner.weight',
      'inner.bias',
    ]);
    expect(new Block().notAPart).toBeInstanceOf(Tensor);
  });
});
