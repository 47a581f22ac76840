import * as tensorApi from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index';
import { Variable } from '../src/index';

describe('the API mirrors @mtl/tensor', () => {
  const notOps = new Set([
    'variable',
    'grad',
    'noGrad',
    'isGradEnabled',
    'checkGrad',
    'concat',
    'stack',
    'cast',
  ]);
  // Convolution, pooling, resampling and the fused squared error are functions only, as in torch.nn.functional.
  const functionsOnly = new Set([
    ...['conv1d', 'conv2d', 'maxPool1d', 'maxPool2d', 'avgPool1d', 'avgPool2d'],
    ...['adaptiveAvgPool1d', 'adaptiveAvgPool2d', 'interpolate', 'squaredError'],
  ]);
  const ops = Object.entries(api)
    .filter(([name, value]) => typeof value === 'function' && /^[a-z]/.test(name) && !notOps.has(name))
    .map(([name]) => name);

  it('every differentiable op is also a Variable method', () => {
    expect(ops.length).toBeGreaterThan(70);
    expect(
      ops.filter(
        (name) => !functionsOnly.has(name) && typeof (Variable.prototype as never)[name] !== 'function',
      ),
    ).toEqual([]);
  });

  it('every @mtl/tensor op on tensors has an autograd version of the same name', () => {
    // Creation, random numbers and helpers are not ops on tensors; the scatter family are
    // adjoints used inside backward rules; oneHot has integer output.
    const tensorOnly = new Set([
      ...[
        'tensor',
        'full',
        'zeros',
        'ones',
        'fullLike',
        'zerosLike',
        'onesLike',
        'arange',
        'linspace',
        'eye',
      ],
      ...['rand', 'randn', 'randint', 'randperm', 'manualSeed', 'getDefaultGenerator'],
      ...[
        'broadcastShapes',
        'sameShape',
        'normalizeDim',
        'normalizeDims',
        'sizeOf',
        'promoteTypes',
        'formatShape',
        'formatTensor',
      ],
      ...['allClose', 'scatterAdd', 'indexAdd', 'sliceScatter', 'oneHot'],
      // Settings, not ops: which kernels run, on how many threads.
      ...['backend', 'setBackend', 'backendInfo', 'matmulThreads', 'setMatmulThreads'],
      // Kernel storage, and the kernels rules and optimizers call on typed arrays.
      ...[
        'copyToKernelStorage',
        'isInKernelStorage',
        'kernelStorageZeros',
        'kernelStorageView',
        'kernelStorageAvailable',
      ],
      // Buffer reuse: the backward pass hands back the gradients it made.
      ...['openBufferScope', 'clearBufferPool', 'bufferPoolBytes'],
      ...['biasRelu', 'maskRows'],
      ...['adamUpdateKernel', 'sgdMomentumUpdateKernel', 'rmspropUpdateKernel', 'adagradUpdateKernel'],
      // The gradients of convolution, pooling and resampling, which their rules call.
      ...['conv1dBackward', 'conv2dBackward', 'maxPool1dBackward', 'maxPool2dBackward'],
      ...['avgPool1dBackward', 'avgPool2dBackward', 'adaptiveAvgPool1dBackward', 'adaptiveAvgPool2dBackward'],
      'interpolateBackward',
      // Products over a Jacobian's rows for gradient aggregation, run on gradients, not in graphs.
      ...['rowGramian', 'rowCombination'],
    ]);
    const missing = Object.entries(tensorApi)
      .filter(([name, value]) => typeof value === 'function' && /^[a-z]/.test(name) && !tensorOnly.has(name))
      // Message helpers (formatShape, formatValue, …) and argument checks are not ops either.
      .filter(
        ([name]) =>
          !/^(format|describe|check|is)[A-Z]/.test(name) && name !== 'mustBe' && name !== 'optionKeys',
      )
      .map(([name]) => name)
      .filter((name) => !(name in api));
    expect(missing).toEqual([]);
  });

  it('ops take Variables, Tensors and numbers alike', () => {
    const x = api.variable([1, 2], { requiresGrad: true });
    const out = api.add(api.mul(x, tensorApi.tensor([3, 4])), 1);
    expect(out.toArray()).toEqual([4, 9]);
    expect(out.requiresGrad).toBe(true);
    expect(api.add(tensorApi.tensor([1]), 2).requiresGrad).toBe(false);
  });
});
