import { readFileSync } from 'node:fs';
import * as tensorApi from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index';

/** Runs the README's example as written and checks what it prints against its comment. */
describe('README example', () => {
  it('fits the line it promises', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const body = code!
      .replace(/^import \{(.*)\} from '@mtl\/autograd';$/m, 'const {$1} = autograd;')
      .replace(/^import \{(.*)\} from '@mtl\/tensor';$/m, 'const {$1} = tensorApi;')
      .replace(/(\w)!\./g, '$1.'); // TypeScript's non-null assertions, for plain JS
    const printed: string[] = [];
    new Function('autograd', 'tensorApi', 'console', body)(api, tensorApi, {
      log: (...values: unknown[]) => printed.push(values.join(' ')),
    });
    const promised = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(printed).toEqual(promised);
  });
});
