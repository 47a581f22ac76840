import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import ts from 'typescript';

/**
 * Runs a ```ts block of a README (the first by default) as written (transpiled from TypeScript, with its
 * imports bound to the given modules) and returns what it printed next to what its
 * `console.log(...); // expected` comments promise, so a test can compare the two.
 */
export function runReadmeExample(
  readmeUrl: URL,
  modules: Record<string, Record<string, unknown>>,
  { block = 0 }: { block?: number } = {},
): { printed: string[]; promised: string[] } {
  const readme = readFileSync(readmeUrl, 'utf8');
  const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)][block]?.[1];
  if (code === undefined) throw new Error(`${readmeUrl.pathname}: no \`\`\`ts block number ${block}`);
  const names = Object.keys(modules);
  // `import { a, b as c } from 'pkg'` → `const { a, b: c } = __modules['pkg'];`
  const bound = code.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, list: string, from: string) => {
    if (!names.includes(from)) throw new Error(`README imports ${from}, which the test did not provide`);
    const values = list
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '' && !item.startsWith('type '))
      .map((item) => item.replace(/ as /, ': '));
    return `const { ${values.join(', ')} } = __modules[${JSON.stringify(from)}];`;
  });
  const js = ts.transpileModule(bound, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const printed: string[] = [];
  // What Node's console.log prints (util.format), so a promise reads as a user sees it: `[ 4, 1 ]`.
  new Function('__modules', 'console', js)(modules, {
    log: (...values: unknown[]) => printed.push(format(...values)),
  });
  const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
  return { printed, promised };
}
