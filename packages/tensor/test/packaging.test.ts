/**
 * The built package as npm users load it: both entries in ESM and in CommonJS share one core, so
 * a Tensor made with `@mtl/tensor` passes `@mtl/tensor/testing`'s checks (a second bundled copy
 * of the class failed them under `require`, "actual must be a Tensor").
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'tsup';
import { beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { packageBuild } from '../../../tsup.shared';

const root = new URL('..', import.meta.url).pathname;
let out = '';
const tmp = temporaryDirectories('mtl-tensor-build-');

describe('the built package', () => {
  beforeAll(async () => {
    out = tmp();
    // Declarations are not what is tested here, and take most of the build's time.
    await build({
      ...packageBuild(['src/index.ts', 'src/testing.ts']),
      dts: false,
      outDir: out,
      silent: true,
      cwd: root,
    } as never);
  }, 120_000);

  it('shares the Tensor class between its entries, in CommonJS and in ESM, and ships no source maps', () => {
    const cjs = `const t = require(${JSON.stringify(join(out, 'index.cjs'))});
const testing = require(${JSON.stringify(join(out, 'testing.cjs'))});
testing.expectAllClose(t.tensor([1, 2]), t.tensor([1, 2]));
process.stdout.write('cjs ok');`;
    expect(execFileSync(process.execPath, ['-e', cjs], { encoding: 'utf8' })).toBe('cjs ok');
    const esm = `const t = await import(${JSON.stringify(join(out, 'index.js'))});
const testing = await import(${JSON.stringify(join(out, 'testing.js'))});
testing.expectAllClose(t.tensor([1, 2]), t.tensor([1, 2]));
process.stdout.write('esm ok');`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', esm], { encoding: 'utf8' })).toBe(
      'esm ok',
    );
    expect(readdirSync(out).filter((f) => f.endsWith('.map'))).toEqual([]);
    // The split CommonJS build's converter can rewrite a class field that shares an export's name
    // into an assignment to the export (`this.grad = exports.grad = null`, seen in autograd).
    for (const file of readdirSync(out).filter((f) => f.endsWith('.cjs')))
      expect(readFileSync(join(out, file), 'utf8')).not.toMatch(/this\.\w+ = exports\.\w+ =/);
  });
});
