import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('mtl-playground CLI', () => {
  it('runs as `pnpm start` does and prints the plan and a tensor computed by @mtl/tensor', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@mtl/source', cli], {
      encoding: 'utf8',
    });
    expect(out).toContain('Palmer penguins');
    // softmax rows of the demo sum to one; the printed tensor has PyTorch's layout.
    expect(out).toMatch(/softmax\(matmul\(x, w\), -1\):\ntensor\(\[\[0\.\d{4}, 0\.\d{4}, 0\.\d{4}\],/);
    // and a gradient from @mtl/autograd, shaped like w ([4, 3]).
    expect(out).toMatch(/its gradient with respect to w:\ntensor\(\[(\[[^\]]+\],?\s*){4}\]\)/);
  });
});
