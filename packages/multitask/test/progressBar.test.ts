import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/training/ProgressBar';

describe('ProgressBar', () => {
  it('draws epoch, bar, step, values and ETA on a TTY, in place', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ isTTY: true, write: (s: string) => written.push(s) }, 0);
    bar.start(0);
    bar.update({ epoch: 0, epochs: 2, step: 5, steps: 10, values: { a: 0.41234, b: 12345 } }, { now: 2000 });
    expect(written[0]).toBe('\repoch 1/2  [#####...............]  5/10  a 0.412  b 1.23e+4  ETA 6s\x1b[K');
    bar.finish();
    expect(written.at(-1)).toBe('\n');
  });

  it('stays silent when the stream is not a terminal', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ isTTY: false, write: (s: string) => written.push(s) });
    bar.start();
    bar.update({ epoch: 0, epochs: 1, step: 1, steps: 1, values: {} }, { force: true });
    bar.finish();
    expect(written).toEqual([]);
  });
});
