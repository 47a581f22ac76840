import * as autogradApi from '@mtl/autograd';
import * as tensorApi from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readmeExample';
import * as api from '../src/index';

describe('README example', () => {
  it('optimizes a plain { value, grad } object as it promises', () => {
    const { printed, promised } = runReadmeExample(new URL('../README.md', import.meta.url), {
      '@mtl/optim': api,
      '@mtl/tensor': tensorApi,
    });
    expect(promised.length).toBeGreaterThan(0);
    expect(printed).toEqual(promised);
  });

  it('trains with @mtl/autograd, parameter groups and a scheduler as the second example says', () => {
    const { printed, promised } = runReadmeExample(
      new URL('../README.md', import.meta.url),
      { '@mtl/optim': api, '@mtl/tensor': tensorApi, '@mtl/autograd': autogradApi },
      { block: 1 },
    );
    expect(promised).toHaveLength(2);
    expect(printed).toEqual(promised);
  });
});
