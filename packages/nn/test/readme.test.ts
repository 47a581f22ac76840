import * as optim from '@mtl/optim';
import * as tensorApi from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readmeExample';
import * as api from '../src/index';

describe('README example', () => {
  it('trains, saves and reloads as it promises', () => {
    const { printed, promised } = runReadmeExample(new URL('../README.md', import.meta.url), {
      '@mtl/nn': api,
      '@mtl/optim': optim,
      '@mtl/tensor': tensorApi,
    });
    expect(promised.length).toBe(2);
    expect(printed).toEqual(promised);
  });

  it('trains the small CNN and names its weights as PyTorch does', () => {
    const { printed, promised } = runReadmeExample(
      new URL('../README.md', import.meta.url),
      { '@mtl/nn': api, '@mtl/optim': optim, '@mtl/tensor': tensorApi },
      { block: 1 },
    );
    expect(promised.length).toBe(2);
    expect(printed).toEqual(promised);
  });
});
