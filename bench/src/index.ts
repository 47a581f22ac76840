/**
 * `pnpm bench`: runs every benchmark case side by side with TensorFlow.js in this one process,
 * prints a table of GFLOP/s and ratios, and writes bench/results/latest.json.
 *
 * Options: `--filter=<text>` runs only cases whose name contains the text (or the sections whose
 * name does: matmul, ceiling, conv, autograd, adam, methods, training, lenet, memory, sideBySide,
 * safetensors);
 * `--quick` shrinks the time budget and skips matmul and conv cases over 1 GFLOP per call.
 * (`pnpm bench -- --quick`)
 *
 * The selected training, matmul, conv and lenet rows are also timed in PyTorch with one thread,
 * when python3 has torch (`src/torch.ts`, `torch/anchors.py`): a `torch` column and ratios
 * ours/torch.
 */
import { fileURLToPath } from 'node:url';
import { adamStep } from './adam';
import { matmulChain } from './autograd';
import { ceilingCase } from './ceiling';
import { convCase, convContenders, convFlops, convRatios, convShapes } from './conv';
import {
  type CaseResult,
  defaultOptions,
  describeKernel,
  environment,
  type HarnessOptions,
  runCase,
  Table,
  writeJson,
} from './harness';
import { lenetCase, lenetRatios, lenetSpecs } from './lenet';
import { matmulCase, matmulContenders, matmulRatios, matmulShapes } from './matmul';
import { lenetMethodCosts, methodCosts } from './methods';
import { safetensorsHeaderCase } from './safetensors';
import { sideBySideCase } from './sideBySide';
import { addTorch, describeTorch, type TorchOutcome, torchAnchors } from './torch';
import { memoryCase, trainingCase, trainingModels, trainingRatios } from './training';

const args = process.argv.slice(2);
const filter = args.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
const quick = args.includes('--quick');
const options: HarnessOptions = quick
  ? {
      ...defaultOptions,
      warmupMs: 150,
      budgetMs: 400,
      minSamples: 3,
      maxSamples: 7,
      slowCallMs: 1000,
      slowSamples: 1,
    }
  : defaultOptions;

const env = environment();
console.log(
  `@mtl bench — ${env.cpu}, ${env.cores} cores, Node ${env.node}, load average ${env.loadAverage
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`runtime: Node ${env.node}, V8 ${env.v8}, ${describeKernel(env.kernel ?? undefined)}`);
console.log(
  'Medians of interleaved samples; GFLOP/s = 2·m·n·k / time. On a shared machine, expect ±20% noise.',
);

const started = performance.now();
const shapes = matmulShapes.filter(
  (s) =>
    (!filter || s.name.includes(filter) || 'matmul'.includes(filter)) &&
    (!quick || 2 * s.m * s.n * s.k <= 1e9),
);
const models = trainingModels.filter(
  (m) => !filter || m.name.includes(filter) || 'training'.includes(filter),
);
const convs = convShapes.filter(
  (s) => (!filter || s.name.includes(filter) || 'conv'.includes(filter)) && (!quick || convFlops(s) <= 1e9),
);
const lenets = lenetSpecs.filter((s) => !filter || s.name.includes(filter) || 'lenet'.includes(filter));

// PyTorch, one thread: the selected rows, once, in its own process before ours run.
const torch: TorchOutcome | null =
  shapes.length > 0 || models.length > 0 || convs.length > 0 || lenets.length > 0
    ? torchAnchors(models, shapes, options, { conv: convs, lenet: lenets })
    : null;
if (torch !== null) console.log(describeTorch(torch));
const torchRatios = torch?.anchors ? ([['mtl', 'torch']] as const) : [];

const results: CaseResult[] = [];
if (shapes.length > 0) {
  const table = new Table(
    Math.max(...shapes.map((s) => s.name.length), 4),
    [...matmulContenders, ...(torch?.anchors ? ['torch'] : [])],
    [...matmulRatios, ...torchRatios],
  );
  console.log('\nmatmul, float32 (GFLOP/s)');
  console.log(table.header());
  for (const s of shapes) {
    const result = await runCase(await matmulCase(s), matmulRatios, options);
    addTorch(result, torch?.anchors?.matmul, ['mtl']);
    results.push(result);
    console.log(table.row(result));
  }
}

// Read with the matmul rows: no one-thread WebAssembly kernel can pass this.
const ceiling =
  !filter || 'ceiling'.includes(filter) || 'matmul'.includes(filter) ? await ceilingCase() : null;
if (ceiling !== null) {
  console.log(
    `\nceiling: one thread of 128-bit WebAssembly SIMD on this CPU (GFLOP/s): ` +
      `relaxed FMA ${ceiling.fma === null ? 'n/a (no relaxed SIMD in this runtime)' : ceiling.fma.toFixed(1)}  ` +
      `multiply then add ${ceiling.mulAdd.toFixed(1)}`,
  );
}

/** `  tfjs-wasm: n/a — <reason>` for each contender that could not run the case. */
function unavailableLines(result: CaseResult): string[] {
  return Object.entries(result.unavailable ?? {}).map(([name, reason]) => `  ${name}: n/a — ${reason}`);
}

const conv: CaseResult[] = [];
if (convs.length > 0) {
  const table = new Table(
    Math.max(...convs.map((s) => s.name.length), 4),
    [...convContenders, ...(torch?.anchors ? ['torch'] : [])],
    [...convRatios, ...torchRatios],
  );
  console.log('\nconv2d, float32, NCHW (GFLOP/s = 2·N·O·C·kH·kW·Hout·Wout per call, ×2 for backward)');
  console.log(table.header());
  for (const s of convs) {
    const result = await runCase(await convCase(s), convRatios, options);
    addTorch(result, torch?.anchors?.conv, ['mtl']);
    conv.push(result);
    console.log(table.row(result));
    for (const line of unavailableLines(result)) console.log(line);
  }
}

const chains = [matmulChain(256, 512, 3)].filter(
  (c) => !filter || c.name.includes(filter) || filter === 'autograd',
);
if (chains.length > 0) {
  console.log('\nautograd, float32: forward vs backward of a matmul chain (ms, medians)');
  for (const c of chains) {
    console.log(
      `${c.name}  forward ${c.forwardMs.toFixed(1)}  backward ${c.backwardMs.toFixed(1)}  backward/forward ${c.ratio.toFixed(2)}×`,
    );
  }
}

const adam = !filter || 'adam'.includes(filter) ? await adamStep() : null;
if (adam !== null) {
  const { ms } = adam;
  console.log(`\noptim: one Adam step on ${adam.elements / 1e6}M float32 parameters (ms, medians)`);
  console.log(
    `mtl ${ms.mtl.toFixed(1)}  tfjs-cpu ${ms['tfjs-cpu'].toFixed(1)}  tfjs-wasm ${ms['tfjs-wasm'].toFixed(1)}  ` +
      `bandwidth bound ${ms.bound.toFixed(1)} (copy at ${adam.copyGBps.toFixed(1)} GB/s)`,
  );
  console.log(
    `ratios: tfjs-cpu/mtl ${(ms['tfjs-cpu'] / ms.mtl).toFixed(1)}×  tfjs-wasm/mtl ${(ms['tfjs-wasm'] / ms.mtl).toFixed(2)}×  ` +
      `mtl/bound ${(ms.mtl / ms.bound).toFixed(2)}×`,
  );
  console.log('every optimizer, WASM and TypeScript paths (ms; bound = its bytes per element at copy speed)');
  for (const o of adam.optimizers) {
    console.log(
      `${o.name.padEnd(10)} wasm ${o.wasm.toFixed(1).padStart(6)}  js ${o.js.toFixed(1).padStart(6)}  ` +
        `bound ${o.bound.toFixed(1).padStart(5)}  wasm/bound ${(o.wasm / o.bound).toFixed(2)}×`,
    );
  }
}

const methods = !filter || 'methods'.includes(filter) ? methodCosts() : [];
if (methods.length > 0) {
  console.log('\nmultitask: ms per training step on the seed model (4 tasks, batch 256), relative to EW');
  for (const m of methods)
    console.log(`${m.method.padEnd(18)} ${m.msPerStep.toFixed(1).padStart(7)} ms  ${m.ratio.toFixed(2)}×`);
}
const lenetMethods = !filter || 'methods'.includes(filter) ? lenetMethodCosts() : [];
if (lenetMethods.length > 0) {
  console.log('\nmultitask: ms per training step on MultiLeNet (2 tasks, batch 256), relative to EW');
  for (const m of lenetMethods)
    console.log(`${m.method.padEnd(18)} ${m.msPerStep.toFixed(1).padStart(7)} ms  ${m.ratio.toFixed(2)}×`);
}

const training: CaseResult[] = [];
if (models.length > 0) {
  console.log(
    '\ntraining: whole steps (forward, backward, Adam, loss read back), float32 (steps/s, medians)',
  );
  for (const m of models) {
    const result = await runCase(await trainingCase(m), trainingRatios, options);
    addTorch(result, torch?.anchors?.training, ['mtl']);
    training.push(result);
    const cells = result.results.map((r) => `${r.name} ${(1000 / r.medianMs).toFixed(1)}`).join('  ');
    const ratios = Object.entries(result.ratios)
      .map(([k, v]) => `${k} ${v.toFixed(2)}×`)
      .join('  ');
    console.log(`${m.name}: ${cells}  |  ${ratios}`);
  }
}

const lenet: CaseResult[] = [];
if (lenets.length > 0) {
  console.log(
    '\nlenet: MultiLeNet training steps (forward, 2 cross-entropies, EW backward, Adam, loss read back), float32 (steps/s, medians)',
  );
  for (const s of lenets) {
    const result = await runCase(await lenetCase(s, quick), lenetRatios, options);
    addTorch(result, torch?.anchors?.lenet, ['mtl']);
    lenet.push(result);
    const cells = result.results
      .map(
        (r) => `${r.name} ${(1000 / r.medianMs).toFixed(r.medianMs > 1000 ? 3 : 1)} (${r.samplesMs.length})`,
      )
      .join('  ');
    const ratios = Object.entries(result.ratios)
      .map(([k, v]) => `${k} ${v.toFixed(v >= 100 ? 0 : 2)}×`)
      .join('  ');
    console.log(`${s.name}: ${cells}  |  ${ratios}`);
    for (const line of unavailableLines(result)) console.log(line);
  }
}

const memory = !filter || 'memory'.includes(filter) ? memoryCase(quick ? 2_000 : 10_000) : null;
if (memory !== null) {
  const first = memory.samples[0]!;
  const last = memory.samples.at(-1)!;
  console.log(
    `\nmemory: ${memory.steps} steps of the seed model in @mtl (${memory.msPerStep.toFixed(2)} ms/step)`,
  );
  console.log(
    `heap ${first.heapUsedMB.toFixed(1)} → ${last.heapUsedMB.toFixed(1)} MB (slope ${memory.heapSlopeMBPer1k.toFixed(2)} MB/1k steps)  ` +
      `rss ${first.rssMB.toFixed(1)} → ${last.rssMB.toFixed(1)} MB (slope ${memory.rssSlopeMBPer1k.toFixed(2)} MB/1k steps)`,
  );
}

const sideBySide =
  !filter || 'sideBySide'.includes(filter) ? await sideBySideCase(quick ? 1_000 : 4_000) : null;
if (sideBySide !== null) {
  const each = sideBySide.sideBySide.map((x) => x.toFixed(0)).join(' and ');
  console.log(
    `\nside by side: the seed model in 2 worker threads at once vs alone, one kernel thread each (steps/s): ` +
      `alone ${sideBySide.alone.toFixed(0)}, side by side ${each} → ${sideBySide.scaling.toFixed(2)}× the work of one`,
  );
}

const header =
  !filter || 'safetensors'.includes(filter) ? safetensorsHeaderCase(quick ? 200_000 : 1_650_000) : null;
if (header !== null) {
  console.log(
    `\nsafetensors: a valid ${header.headerMB.toFixed(0)} MB header of ${header.tensors.toLocaleString('en-US')} tensors (ms, medians)`,
  );
  console.log(
    `JSON.parse ${header.jsonParseMs.toFixed(0)}  readSafetensorsHeader ${header.readHeaderMs.toFixed(0)} (${(header.readHeaderMs / header.jsonParseMs).toFixed(2)}×)  ` +
      `loadSafetensors ${header.loadMs.toFixed(0)} (${(header.loadMs / header.jsonParseMs).toFixed(2)}×)`,
  );
}

const seconds = (performance.now() - started) / 1000;
const cases = results.length + conv.length + training.length + lenet.length;
console.log(`\n${cases} cases in ${seconds.toFixed(1)} s`);

const file = fileURLToPath(new URL('../results/latest.json', import.meta.url));
writeJson(file, {
  environment: env,
  options,
  seconds,
  torch: torch === null ? null : (torch.anchors ?? { unavailable: torch.reason }),
  suites: {
    matmul: results,
    ceiling,
    conv,
    autograd: chains,
    adam,
    methods,
    lenetMethods,
    training,
    lenet,
    memory,
    sideBySide,
    safetensors: header,
  },
});
console.log(`wrote ${file}`);
