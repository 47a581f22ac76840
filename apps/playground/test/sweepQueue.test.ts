/**
 * Sweeps through a real Redis (Debian's redis-server, started here on a free port): a sweep of 12
 * runs queued by one process and trained by two worker processes, one of them killed mid-run —
 * its job goes to the other through BullMQ's stalled-job check — with the same numbers as the
 * sweep run in one thread; a second sweep collects the finished jobs without training them again;
 * a worker that cannot reach Redis says so and exits. Off CI the suite is skipped when
 * redis-server is missing (`apt-get install redis-server`); on CI a missing server fails it.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { startCli, startRedis, stopStarted, untimed } from './cliProcess';
import { runCli } from './runCli';

/** A sweep of 12 runs long enough (about half a second each) to kill a worker in the middle of one. */
const SWEEP = {
  name: 'queued',
  data: { dataset: 'penguins' },
  methods: ['ew', 'pcgrad'],
  epochs: 60,
  seeds: [0, 1],
  sweep: { grid: { 'optimizer.lr': [0.01, 0.003] } },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Off CI the suite is skipped without Redis (`apt-get install redis-server`); on CI a missing server fails it. */
const available = (() => {
  try {
    execFileSync('redis-server', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
if (!available && process.env.CI) throw new Error('redis-server is missing: apt-get install redis-server');

let redis: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  if (!available) return;
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = await startRedis(port, { forSuite: true });
}, 20_000);

afterEach(stopStarted);
const tmp = temporaryDirectories('mtl-queue-');

afterAll(() => {
  redis?.kill('SIGTERM');
});

describe.skipIf(!available)('sweeps through a Redis job queue', () => {
  it('trains on two worker processes, survives one killed mid-run, and equals the sweep in one thread', async () => {
    const dir = tmp();
    const file = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify(SWEEP));
    let killedIn = '';
    const workerA = startCli(['worker', '--queue', url, '--workers', '1'], (line) => {
      // Killed without warning in the middle of its first run: its job's lock lapses.
      const job = /^running .* \(job (\w+)\)$/.exec(line)?.[1];
      if (job !== undefined && killedIn === '') {
        killedIn = job;
        setTimeout(() => workerA.child.kill('SIGKILL'), 300);
      }
    });
    const workerB = startCli(['worker', '--queue', url, '--workers', '1']);
    const sweep = await startCli(['sweep', file, '--queue', url, '--out', join(dir, 'queued'), '--json'])
      .done;
    expect(sweep.err).not.toMatch(/failed/);
    expect(sweep.code).toBe(0);
    const a = await workerA.done;
    expect(a.signal).toBe('SIGKILL');
    // B finished the runs A never did, including the one A was killed in.
    const finishedB = (workerB.log().match(/^finished /gm) ?? []).length;
    const finishedA = (a.err.match(/^finished /gm) ?? []).length;
    expect(finishedA + finishedB).toBeGreaterThanOrEqual(12);
    expect(finishedA).toBe(0);
    // The job A was killed in went back to the queue and B ran it.
    expect(workerB.log()).toMatch(new RegExp(`^running .* \\(job ${killedIn}\\)$`, 'm'));
    expect(finishedB).toBe(12);

    // A second sweep (another results folder) collects the finished jobs: nothing is trained again.
    const again = await startCli(['sweep', file, '--queue', url, '--out', join(dir, 'again'), '--json']).done;
    expect(again.code).toBe(0);
    expect((workerB.log().match(/^finished /gm) ?? []).length).toBe(finishedB);

    workerB.child.kill('SIGINT');
    const b = await workerB.done;
    expect(b.err).toMatch(/stopped: \d+ jobs? finished here/);
    expect(b.code).toBe(0);

    const local = await runCli(['sweep', file, '--workers', '1', '--out', join(dir, 'local'), '--json']);
    expect(untimed(sweep.out)).toEqual(untimed(local.out[0]!));
    expect(untimed(again.out)).toEqual(untimed(local.out[0]!));
  }, 240_000);

  it('sends a data file through Redis once, for every job of the sweep', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 80 }, (_, i) => {
      const x = Math.sin(i);
      const z = Math.cos(3 * i);
      return `${x.toFixed(4)},${z.toFixed(4)},${(2 * x - z).toFixed(4)},${x + z > 0 ? 1 : 0}`;
    });
    writeFileSync(join(dir, 'data.csv'), ['x,z,target,flag', ...rows].join('\n'));
    const file = join(dir, 'sweep.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'queued-file',
        data: {
          dataset: 'file',
          file: { path: 'data.csv', features: ['x', 'z'], tasks: { target: 'regression', flag: 'binary' } },
        },
        methods: ['ew'],
        epochs: 3,
        seeds: [0],
        sweep: { grid: { 'optimizer.lr': [0.01, 0.003] } },
      }),
    );
    const worker = startCli(['worker', '--queue', url, '--workers', '1']);
    const sweep = await startCli(['sweep', file, '--queue', url, '--out', join(dir, 'queued'), '--json'])
      .done;
    expect(sweep.code).toBe(0);
    worker.child.kill('SIGINT');
    await worker.done;
    const port = new URL(url).port;
    const stored = execFileSync('redis-cli', ['-p', port, '--scan', '--pattern', 'mtl-sweep:data:*'])
      .toString()
      .trim()
      .split('\n');
    expect(stored).toHaveLength(1);
    const local = await runCli(['sweep', file, '--workers', '1', '--out', join(dir, 'local'), '--json']);
    expect(untimed(sweep.out)).toEqual(untimed(local.out[0]!));
  }, 120_000);

  it('tells once that a worker lost Redis, and again when it is back', async () => {
    const port = await freePort();
    let server = await startRedis(port);
    const seen: string[] = [];
    const waitFor = async (pattern: RegExp) => {
      for (let i = 0; i < 150 && !seen.some((l) => pattern.test(l)); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(
        seen.find((l) => pattern.test(l)),
        seen.join('\n'),
      ).toBeDefined();
    };
    const worker = startCli(['worker', '--queue', `redis://127.0.0.1:${port}`, '--workers', '1'], (line) =>
      seen.push(line),
    );
    await waitFor(/^worker: taking jobs/);
    server.kill('SIGKILL');
    await waitFor(/^lost Redis at redis:\/\/127\.0\.0\.1:\d+\/? — .*; retrying/);
    server = await startRedis(port);
    await waitFor(/^reconnected to Redis/);
    expect(seen.filter((l) => /^lost Redis/.test(l))).toHaveLength(1);
    worker.child.kill('SIGINT');
    expect((await worker.done).code).toBe(0);
    server.kill('SIGKILL');
  }, 60_000);

  it('stops a worker that cannot reach Redis, with the reason and the fix', async () => {
    const port = await freePort();
    const { code, err } = await startCli(['worker', '--queue', `redis://127.0.0.1:${port}`]).done;
    expect(code).toBe(2);
    expect(err).toMatch(
      new RegExp(
        `cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/? — connect ECONNREFUSED .* \\(is redis-server running`,
      ),
    );
    const bad = await runCli(['worker', '--queue', 'http://example.com']);
    expect(bad.err.join('\n')).toMatch(/--queue: expected a redis:\/\/ or rediss:\/\/ URL/);
    const missing = await runCli(['worker']);
    expect(missing.err.join('\n')).toMatch(/worker needs --queue redis:\/\/host:port/);
  }, 30_000);
});
