import * as tensorApi from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readmeExample';
import * as api from '../src/index';

describe('README example', () => {
  it('fits the line it promises', () => {
    const { printed, promised } = runReadmeExample(new URL('../README.md', import.meta.url), {
      '@mtl/autograd': api,
      '@mtl/tensor': tensorApi,
    });
    expect(promised.length).toBeGreaterThan(0);
    expect(printed).toEqual(promised);
  });
});
