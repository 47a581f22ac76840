import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../../tools/testing/temporaryDirectories';
import { store, workerEntry } from './workerBundle';

const tmp = temporaryDirectories('mtl-bundle-');

/** workerEntry() in a fresh process: the bundle's path. */
function entryInNewProcess(): string {
  const bundler = fileURLToPath(new URL('./workerBundle.ts', import.meta.url));
  const script = `import { workerEntry } from ${JSON.stringify(bundler)};
import { fileURLToPath } from 'node:url';
console.log(fileURLToPath(await workerEntry()));`;
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@mtl/source', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  ).trim();
}

describe('workerEntry', () => {
  it('is one prebuilt module, named by its contents in the build cache, that a plain Node process loads', async () => {
    const url = await workerEntry();
    expect(url).toMatch(/^file:\/\/.*\/node_modules\/\.cache\/mtl-playground\/runWorker-[0-9a-f]{16}\.mjs$/);
    expect(await workerEntry()).toBe(url);
    // As a pool process loads it: no TypeScript hook, no export conditions.
    const exported = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `console.log(typeof (await import(${JSON.stringify(url)})).default)`],
      { encoding: 'utf8' },
    ).trim();
    expect(exported).toBe('function');
  });

  it('gives the next process the same file: its name follows the contents', async () => {
    expect(entryInNewProcess()).toBe(fileURLToPath(await workerEntry()));
  });

  it('stores a bundle atomically, rewrites a damaged one, and removes files unused for a day', async () => {
    const dir = tmp();
    const code = new TextEncoder().encode('export default () => 1;\n');
    const file = await store(dir, 'runWorker-a.mjs', code);
    expect(readFileSync(file, 'utf8')).toBe('export default () => 1;\n');
    writeFileSync(file, 'damaged');
    expect(await store(dir, 'runWorker-a.mjs', code)).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe('export default () => 1;\n');
    const stale = join(dir, 'runWorker-b.mjs');
    const recent = join(dir, 'runWorker-c.mjs');
    writeFileSync(stale, '');
    writeFileSync(recent, '');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    utimesSync(file, twoDaysAgo, twoDaysAgo);
    await store(dir, 'runWorker-a.mjs', code);
    expect(readdirSync(dir).sort()).toEqual(['runWorker-a.mjs', 'runWorker-c.mjs']);
    // Using a bundle marks it used, so another process's pruning spares it.
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(3600 * 1000);
  });
});
