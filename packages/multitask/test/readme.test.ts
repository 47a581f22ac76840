import * as nn from '@mtl/nn';
import * as optim from '@mtl/optim';
import * as tensorApi from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readmeExample';
import * as api from '../src/index';

describe('README example', () => {
  it('trains two tasks with PCGrad as written', () => {
    const { printed, promised } = runReadmeExample(new URL('../README.md', import.meta.url), {
      '@mtl/multitask': api,
      '@mtl/nn': nn,
      '@mtl/optim': optim,
      '@mtl/tensor': tensorApi,
    });
    expect(promised.length).toBe(2);
    expect(printed).toEqual(promised);
  });

  it('trains the penguins example as written', () => {
    const { printed, promised } = runReadmeExample(
      new URL('../README.md', import.meta.url),
      { '@mtl/multitask': api, '@mtl/optim': optim },
      { block: 1 },
    );
    expect(promised.length).toBe(1);
    expect(printed).toEqual(promised);
  }, 60_000);

  it('creates UW’s parameters with init before the optimizer, as written', () => {
    const { printed, promised } = runReadmeExample(
      new URL('../README.md', import.meta.url),
      { '@mtl/multitask': api, '@mtl/optim': optim },
      { block: 2 },
    );
    expect(promised.length).toBe(1);
    expect(printed).toEqual(promised);
  });
});
