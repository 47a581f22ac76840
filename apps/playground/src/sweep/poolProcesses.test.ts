/**
 * The pool's worker processes (runLocally.ts's `startPool`, runWorker.ts): started with V8
 * single-threaded, deaf to Ctrl-C (the owner decides what stops), and gone when their owner is
 * (Linux only: the processes are found and read through /proc); their failures as Errors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MtlError } from '@mtl/tensor';
import { afterEach, describe, expect, it } from 'vitest';
import { asError } from './runLocally';

const linux = process.platform === 'linux' && existsSync('/proc/self/stat');

/** The pids of `pid`'s child processes that run Node (not, say, esbuild's service). */
function nodeChildrenOf(pid: number): number[] {
  const node = realpathSync(process.execPath);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent's pid (after the command in parentheses).
        const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === pid && readlinkSync(`/proc/${child}/exe`) === node;
      } catch {
        return false;
      }
    });
}

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

let owner: ChildProcess | undefined;
afterEach(() => {
  owner?.kill('SIGKILL');
});

describe.runIf(linux)('pool processes', () => {
  it('run V8 single-threaded, ignore Ctrl-C, and exit when their owner is killed', async () => {
    const runLocally = fileURLToPath(new URL('./runLocally.ts', import.meta.url));
    const script = `import { startPool } from ${JSON.stringify(runLocally)};
await startPool(2);
console.log('started');
setInterval(() => {}, 1000);`;
    owner = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@mtl/source', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const pid = owner.pid!;
    expect(await until(() => nodeChildrenOf(pid).length === 2, 30_000)).toBe(true);
    const workers = nodeChildrenOf(pid);
    for (const worker of workers) {
      const args = readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0');
      expect(args).toContain('--single-threaded');
    }
    // Ctrl-C in a terminal signals the whole group; the workers leave it to their owner.
    // (Give them time to load their module, where the handler is set.)
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const worker of workers) process.kill(worker, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(workers.filter(alive)).toEqual(workers);
    owner.kill('SIGKILL');
    expect(await until(() => !workers.some(alive), 10_000)).toBe(true);
  }, 60_000);
});

describe('a failure in a pool process', () => {
  it('arrives as an Error with its message (tinypool sends a plain object)', () => {
    const error = asError({ name: 'RangeError', message: 'boom', stack: 'RangeError: boom\n    at …' });
    expect(error).toBeInstanceOf(MtlError);
    expect(error.message).toBe('a pool process failed: boom');
    const own = new Error('kept');
    expect(asError(own)).toBe(own);
  });
});
