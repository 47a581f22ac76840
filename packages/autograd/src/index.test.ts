import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@mtl/autograd entry point', () => {
  it('resolves and exports its version', () => {
    expect(api.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
