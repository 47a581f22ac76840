import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index';

/** Runs the README's example as written and checks what it prints against its own comments. */
describe('README example', () => {
  it('prints what its comments say', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const body = code!.replace(/^import .*$/m, `const { ${Object.keys(api).join(', ')} } = api;`);
    const printed: string[] = [];
    const log = (...values: unknown[]) => printed.push(values.map(format).join(' '));
    new Function('api', 'console', body)(api, { log });
    const promised = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(printed).toEqual(promised);
  });
});

function format(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}
