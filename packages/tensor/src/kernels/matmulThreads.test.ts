import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setBackend } from '../backend/backend';
import { availableVariants } from '../backend/kernelModule';
import { rand } from '../creation/random';
import { matmul } from '../ops/matmul';
import { Generator } from '../random/Generator';
import { matmulKernel } from './matmul';
import {
  helperJobs,
  helperState,
  matmulThreads,
  resetMatmulThreads,
  setHelperTimeout,
  setMatmulThreads,
  THREAD_MIN_WORK,
  testHooks,
  waitForHelper,
  wakeHelper,
} from './matmulThreads';
import { matmulWasmF32 } from './matmulWasm';

function operands(m: number, k: number, n: number, seed: number) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) | 0;
    return ((state >>> 8) / 2 ** 24) * 2 - 1;
  };
  return { a: Float32Array.from({ length: m * k }, next), b: Float32Array.from({ length: k * n }, next) };
}

/** The single-thread WASM result. */
function single(a: Float32Array, b: Float32Array, m: number, k: number, n: number, tA: boolean, tB: boolean) {
  const out = new Float32Array(m * n);
  setMatmulThreads(1);
  try {
    expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, tA, tB)).toBe(true);
  } finally {
    setMatmulThreads(2);
  }
  return out;
}

/** The product on two threads: true if it went to the helper (a job was handed over), false if it stayed on one. */
function threaded(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
) {
  const jobs = helperJobs();
  expect(matmulWasmF32(a, 0, b, 0, out, 0, m, k, n, tA, tB)).toBe(true);
  return helperJobs() !== jobs;
}

/** Bit patterns, so that -0 and NaN payloads count too. */
const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

/** The first index where two float32 arrays differ in any bit (-1: none), and their lengths. */
function firstDifference(x: Float32Array, y: Float32Array) {
  const [p, q] = [bits(x), bits(y)];
  let i = 0;
  while (i < p.length && p[i] === q[i]) i++;
  return { lengths: [x.length, y.length], at: i === p.length && p.length === q.length ? -1 : i };
}

function expectSameBits(actual: Float32Array, expected: Float32Array) {
  expect(firstDifference(actual, expected)).toEqual({ lengths: [expected.length, expected.length], at: -1 });
}

const flags = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

afterEach(() => {
  setMatmulThreads('auto');
  setBackend('wasm');
  testHooks.helperOnly = false;
  testHooks.nodeWorker = undefined;
});

describe('2 threads', () => {
  beforeEach(() => {
    setMatmulThreads(2);
    expect(waitForHelper(60_000)).toBe(true);
    expect(matmulThreads()).toBe(2);
  });

  it.each(flags)(
    'equal the single-thread kernel bit for bit: 255×257·257×263, transA %s, transB %s',
    (tA, tB) => {
      const [m, k, n] = [255, 257, 263];
      expect(m * k * n).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
      const { a, b } = operands(m, k, n, 1);
      const expected = single(a, b, m, k, n, tA, tB);
      for (const helperOnly of [false, true]) {
        testHooks.helperOnly = helperOnly; // true: the helper's instance computes every chunk
        const out = new Float32Array(m * n);
        expect(threaded(a, b, out, m, k, n, tA, tB)).toBe(true);
        expectSameBits(out, expected);
      }
    },
  );

  it.each(flags)(
    'split by columns when C has under 128 rows: 100×300·300×300, transA %s, transB %s',
    (tA, tB) => {
      const [m, k, n] = [100, 300, 300];
      expect(m * k * n).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
      const { a, b } = operands(m, k, n, 9);
      const expected = single(a, b, m, k, n, tA, tB);
      for (const helperOnly of [false, true]) {
        testHooks.helperOnly = helperOnly;
        const out = new Float32Array(m * n);
        expect(threaded(a, b, out, m, k, n, tA, tB)).toBe(true);
        expectSameBits(out, expected);
      }
    },
  );

  it.each(flags)(
    'split by rows against one packed B, at offsets: 700×300·300×41, transA %s, transB %s',
    (tA, tB) => {
      const [m, k, n] = [700, 300, 41];
      const { a, b } = operands(m, k, n, 2);
      const expected = single(a, b, m, k, n, tA, tB);
      const padded = (x: Float32Array) => {
        const y = new Float32Array(x.length + 5);
        y.set(x, 3);
        return y;
      };
      for (const helperOnly of [false, true]) {
        testHooks.helperOnly = helperOnly;
        const out = new Float32Array(m * n + 7);
        matmulKernel(padded(a), 3, padded(b), 3, out, 7, m, k, n, tA, tB);
        expectSameBits(out.subarray(7), expected);
      }
    },
  );

  it.each(availableVariants())(
    'runs the %s build on both threads when it is pinned (bit for bit)',
    (variant) => {
      setBackend('wasm', { variant });
      const [m, k, n] = [300, 200, 150];
      const { a, b } = operands(m, k, n, 10);
      const expected = single(a, b, m, k, n, false, true);
      expect(waitForHelper(60_000)).toBe(true); // the pool is remade for the pinned variant
      testHooks.helperOnly = true; // the helper's instance computes every chunk
      const out = new Float32Array(m * n);
      expect(threaded(a, b, out, m, k, n, false, true)).toBe(true);
      expectSameBits(out, expected);
    },
  );

  it('a broadcast batch through the op equals the single-thread result', () => {
    const generator = new Generator(3);
    const a = rand([2, 1, 200, 257], { generator }); // 200·257·190 ≥ THREAD_MIN_WORK per product
    const b = rand([2, 257, 190], { generator });
    const threaded = matmul(a, b);
    setMatmulThreads(1);
    const one = matmul(a, b);
    expect(threaded.shape).toEqual([2, 2, 200, 190]);
    expectSameBits(threaded.data as Float32Array, one.data as Float32Array);
  });

  it('leaves a product with too little of C to split (both sides ≤ 128) to one thread', () => {
    const [m, k, n] = [100, 2000, 100];
    expect(m * k * n).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
    const { a, b } = operands(m, k, n, 6);
    const out = new Float32Array(m * n);
    expect(threaded(a, b, out, m, k, n, false, false)).toBe(false);
    expectSameBits(out, single(a, b, m, k, n, false, false));
  });

  it('uses the helper for large products only, and reuses it', () => {
    const before = helperState();
    expect(before).toBe(1); // ready
    const jobs = helperJobs()!;
    expect(jobs).toBeTypeOf('number');
    const { a, b } = operands(64, 64, 64, 4); // 256 Ki multiply-adds: one thread
    const out = new Float32Array(64 * 64);
    matmulKernel(a, 0, b, 0, out, 0, 64, 64, 64, false, false);
    expectSameBits(out, single(a, b, 64, 64, 64, false, false));
    expect(helperState()).toBe(before);
    expect(helperJobs(), 'a small product is not handed to the helper').toBe(jobs);
    // 64³ could not be split anyway (64 columns are one chunk); 16×64·64×512 could (4 chunks of
    // 128 columns), but is below THREAD_MIN_WORK.
    const wide = operands(16, 64, 512, 8);
    const wideOut = new Float32Array(16 * 512);
    matmulKernel(wide.a, 0, wide.b, 0, wideOut, 0, 16, 64, 512, false, false);
    expectSameBits(wideOut, single(wide.a, wide.b, 16, 64, 512, false, false));
    expect(helperJobs(), 'a small product is not handed to the helper').toBe(jobs);
    // Large products are, each as one more job for the same helper (a new pool would start
    // counting from 0 again, and would have to become ready first).
    const [m, k, n] = [200, 190, 180];
    expect(m * k * n).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
    const big = operands(m, k, n, 7);
    const expected = single(big.a, big.b, m, k, n, false, true);
    for (const [i, helperOnly] of [false, true].entries()) {
      testHooks.helperOnly = helperOnly; // true: the helper's instance computes every chunk
      const bigOut = new Float32Array(m * n);
      matmulKernel(big.a, 0, big.b, 0, bigOut, 0, m, k, n, false, true);
      expectSameBits(bigOut, expected);
      expect(helperJobs()).toBe(jobs + i + 1);
      expect(helperState()).toBe(1);
    }
  });
});

// Every threaded product above runs after matmulWasmF32's own wakeHelper call.
describe('waking the helper ahead of a product', () => {
  beforeEach(() => {
    setMatmulThreads(2);
    expect(waitForHelper(60_000)).toBe(true);
  });

  it('a helper woken for a product that does not come sleeps again and takes the next job', async () => {
    const [m, k, n] = [256, 256, 256];
    const { a, b } = operands(m, k, n, 12);
    const expected = single(a, b, m, k, n, false, false);
    const jobs = helperJobs()!;
    wakeHelper(m, n);
    await new Promise((resolve) => setTimeout(resolve, 20)); // past its spin
    testHooks.helperOnly = true; // the caller waits for the helper, which must still be listening
    const out = new Float32Array(m * n);
    expect(threaded(a, b, out, m, k, n, false, false)).toBe(true);
    expectSameBits(out, expected);
    expect(helperJobs()).toBe(jobs + 1);
    expect(helperState()).toBe(1);
  });

  it('spins only briefly: woken with no product to follow, the helper does not keep a core busy', async () => {
    wakeHelper(256, 256);
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const used = process.cpuUsage(before);
    // A helper spinning on would add ~200 ms of CPU time; its 1 ms spin and this idle thread, a few.
    expect((used.user + used.system) / 1000).toBeLessThan(100);
  });
});

describe('falling back to one thread', () => {
  beforeEach(() => resetMatmulThreads());
  afterEach(() => {
    vi.unstubAllGlobals();
    resetMatmulThreads();
  });

  function checkProduct() {
    const [m, k, n] = [200, 190, 180];
    expect(m * k * n).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
    const { a, b } = operands(m, k, n, 5);
    const out = new Float32Array(m * n);
    matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, true);
    expectSameBits(out, single(a, b, m, k, n, false, true));
  }

  it('without SharedArrayBuffer (e.g. a page without cross-origin isolation)', () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    setMatmulThreads(2);
    expect(matmulThreads()).toBe(1);
    checkProduct();
  });

  it('when the Worker cannot be made', () => {
    testHooks.nodeWorker = () =>
      class {
        constructor() {
          throw new Error('no workers here');
        }
      } as never;
    setMatmulThreads(2);
    checkProduct();
    expect(matmulThreads()).toBe(1);
  });

  it('when the helper fails to start (an error event): threads stay off', async () => {
    testHooks.nodeWorker = () =>
      class {
        on(event: string, listener: (error: unknown) => void) {
          if (event === 'error') setTimeout(() => listener(new Error('failed to start')), 0);
        }
        unref() {}
        terminate() {}
      } as never;
    setMatmulThreads(2);
    checkProduct(); // the helper never joins: this thread does every chunk
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(matmulThreads()).toBe(1);
    checkProduct();
  });

  it("when a wait for the helper times out: the product is redone in TypeScript, away from the stuck helper's memory; threads stay off", async () => {
    const { Worker } = await import('node:worker_threads');
    // A helper that joins the first job and never finishes it.
    const stuck = `const d = require('node:worker_threads').workerData;
      const ctl = new Int32Array(d.memory.buffer, d.ctl, 32);
      Atomics.store(ctl, 4, 1);
      while (Atomics.compareExchange(ctl, 1, 0, 1) !== 0) Atomics.wait(ctl, 0, Atomics.load(ctl, 0), 20);
      Atomics.wait(ctl, 31, 0);`;
    testHooks.nodeWorker = () =>
      class extends Worker {
        constructor(_code: string, options: object) {
          super(stuck, options);
        }
      } as never;
    const previous = setHelperTimeout(300);
    try {
      setMatmulThreads(2);
      expect(waitForHelper(60_000)).toBe(true);
      testHooks.helperOnly = true; // make sure the helper joins before this thread finishes
      // The stuck helper may still write into the product's staging: the product is redone by the
      // TypeScript kernel on the JS heap (float64 sums, so within float32 rounding of WASM's).
      const [m, k, n] = [200, 190, 180];
      const { a, b } = operands(m, k, n, 5);
      const out = new Float32Array(m * n);
      matmulKernel(a, 0, b, 0, out, 0, m, k, n, false, true);
      const wasm = single(a, b, m, k, n, false, true);
      for (let i = 0; i < m * n; i++) expect(Math.abs(out[i]! - wasm[i]!)).toBeLessThan(1e-4);
      expect(matmulThreads()).toBe(1);
    } finally {
      setHelperTimeout(previous);
    }
  });
});

describe('the helper and the process', () => {
  it('a Node process that ran a threaded product exits on its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtl-threads-'));
    try {
      const source = (name: string) => fileURLToPath(new URL(name, import.meta.url));
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import { matmulKernel } from ${JSON.stringify(source('./matmul.ts'))};
import { matmulThreads, setMatmulThreads, testHooks, waitForHelper } from ${JSON.stringify(source('./matmulThreads.ts'))};
setMatmulThreads(2);
if (!waitForHelper(60000)) throw new Error('no helper');
testHooks.helperOnly = true;
const [m, k, n] = [256, 256, 256];
const a = new Float32Array(m * k).fill(1);
const out = new Float32Array(m * n);
matmulKernel(a, 0, a, 0, out, 0, m, k, n, false, false);
console.log(matmulThreads(), out[0], out[m * n - 1]);
`,
      );
      const result = await build({
        configFile: false,
        logLevel: 'silent',
        build: { write: false, ssr: entry, minify: false, rollupOptions: { output: { format: 'es' } } },
      });
      const chunk = (Array.isArray(result) ? result[0] : result) as { output: { code?: string }[] };
      const script = join(dir, 'run.mjs');
      writeFileSync(script, chunk.output[0]!.code!);
      const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
      expect(child.error).toBeUndefined(); // a timeout would be an error (ETIMEDOUT)
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe('2 256 256');
      expect(child.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
