import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readmeExample';
import * as api from '../src/index';

describe('README example', () => {
  it('prints what its comments say', () => {
    const { printed, promised } = runReadmeExample(new URL('../README.md', import.meta.url), {
      '@mtl/tensor': api,
    });
    expect(promised.length).toBeGreaterThan(0);
    expect(printed).toEqual(promised);
  });
});
