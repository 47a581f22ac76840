#!/usr/bin/env node
/**
 * mtl-playground — the experiment CLI. The training pipeline it drives (autograd, optimizers,
 * layers, multi-task methods) is still being built package by package; until it lands, `pnpm
 * start` says what the default experiment will be and shows the part of the stack that exists.
 */
import { grad, logSoftmax, matmul as matmulAd, Parameter, sum } from '@mtl/autograd';
import { manualSeed, matmul, oneHot, randn, softmax, tensor } from '@mtl/tensor';

const plan = `@mtl playground — the default experiment (arriving with @mtl/multitask):
  data          Palmer penguins (real, from a registry package)
  tasks         species (multiclass), sex (binary, missing labels masked), body mass (regression)
  architecture  hard parameter sharing: a shared MLP trunk with one head per task
  optimizer     Adam
  methods       EW, UW, PCGrad, MGDA, CAGrad, UPGrad… compared side by side
  output        progress bar, results table (per-task metrics, Δm, time per step),
                results/<name>.json and a self-contained results/<name>.html report

Built so far: @mtl/tensor and @mtl/autograd. A taste of them:`;

console.log(plan);
manualSeed(0);
const x = randn([2, 4]);
const w = tensor([
  [0.5, -0.25, 0.0],
  [1.0, 0.5, -0.5],
  [-1.0, 0.25, 0.75],
  [0.0, 1.0, 0.5],
]);
console.log('\nx = randn([2, 4]) with manualSeed(0):');
console.log(x.toString());
console.log('\nsoftmax(matmul(x, w), -1):');
console.log(softmax(matmul(x, w), -1).toString());

// The gradient of a cross-entropy loss with respect to w, the way every head will be trained.
const weights = new Parameter(w);
const labels = oneHot(tensor([0, 2], { dtype: 'int32' }), 3);
const loss = sum(logSoftmax(matmulAd(x, weights), -1).mul(labels)).neg();
const [gradient] = grad(loss, [weights]);
console.log(`\ncross-entropy ${loss.item().toFixed(4)}; its gradient with respect to w:`);
console.log(gradient!.toString());
