/**
 * The CLI as its own process (tsx, as `pnpm start` runs it), and Redis servers, for the tests that
 * need real processes: every one started is tracked, so `stopStarted()` in an `afterEach` kills
 * whatever a failed assertion left running.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const started = new Set<ChildProcess>();

function track<C extends ChildProcess>(child: C): C {
  started.add(child);
  child.on('exit', () => started.delete(child));
  return child;
}

/** Kills every process this module started that is still running. */
export function stopStarted(): void {
  for (const child of started) child.kill('SIGKILL');
}

/** The CLI with `args`; each stderr line goes to `onLine` as it comes. */
export function startCli(args: string[], onLine?: (line: string) => void) {
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', '--conditions=@mtl/source', cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
    for (const line of String(d).split('\n')) if (line) onLine?.(line);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, done, log: () => err };
}

/**
 * A redis-server on 127.0.0.1:`port` (no persistence), resolved once it answers PING. A server for
 * the whole suite (`forSuite`) is left to the suite's `afterAll`, not killed by `stopStarted`.
 */
export async function startRedis(port: number, { forSuite = false } = {}): Promise<ChildProcess> {
  const server = (forSuite ? (c: ChildProcess) => c : track)(
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    ),
  );
  for (let i = 0; i < 50; i++) {
    try {
      const answer = execFileSync('redis-cli', ['-p', String(port), 'ping'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      if (answer.toString().trim() === 'PONG') return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}

/** A JSON result with its timings zeroed: runs must agree metric for metric, not in time. */
export function untimed(text: string): unknown {
  const timings = new Set(['msPerStep', 'seconds', 'createdAt']);
  return JSON.parse(text, (k, v) => (timings.has(k) ? 0 : v));
}
