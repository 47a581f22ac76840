/**
 * The CLI fuzz test (issue 14): about 520 mutated configs, sweep sections, data files and command lines
 * (cliFuzzInputs.ts). Each runs through the CLI's `main` in one child process with a watchdog
 * (cliFuzzHarness.ts; a hang cannot be interrupted in-process), and a few dozen of them also as
 * real `mtl-playground` processes, to check the exit code and what reaches stdout and stderr.
 * Every run must exit 0, or 2 with one line naming the field (or file, row and column) — no stack
 * trace, no hang, nothing left on Object.prototype.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { type FuzzInput, fuzzInputs, prepareArgs } from './cliFuzzInputs';
import { formatTally, type RunResult, runInProcess, tally, verdict } from './cliFuzzRunner';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 14;
/** A run longer than this is a hang (valid fuzz runs take milliseconds; a loaded CI is slow). */
const HANG_MS = 20_000;
/** Inputs also run as real processes. */
const PROCESSES = 24;

const dir = temporaryDirectories('mtl-cli-fuzz-')();

function runProcess(input: FuzzInput, folder: string): Promise<RunResult> {
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(input.files)) writeFileSync(join(folder, name), text);
  return new Promise((done) => {
    const started = performance.now();
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@mtl/source', CLI, ...prepareArgs(input.args, folder)],
      { cwd: ROOT, timeout: HANG_MS + 30_000, killSignal: 'SIGKILL', maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        const code =
          error === null ? 0 : error.killed ? 'hang' : ((error as { code?: number }).code ?? 'died');
        done({
          i: -1,
          code,
          out: stdout.replace(/\n$/, ''),
          err: stderr.replace(/\n$/, ''),
          ms: performance.now() - started,
        });
      },
    );
  });
}

describe('the CLI under fuzzed input', () => {
  it('exits 0, or 2 with one line naming the field, for every input — no trace, no hang', async () => {
    const inputs = fuzzInputs(SEED);
    expect(inputs.length).toBeGreaterThan(400);
    // A few dozen also as real processes, spread over the kinds of input, two at a time while
    // the in-process runs go on: same exit code, same verdict.
    const step = Math.floor(inputs.length / PROCESSES);
    const picks = inputs
      .map((_, i) => i)
      .filter((i) => i % step === step - 1)
      .slice(0, PROCESSES);
    const started = performance.now();
    const processResults = new Map<number, RunResult>();
    const worker = async () => {
      for (let i = picks.shift(); i !== undefined; i = picks.shift())
        processResults.set(i, await runProcess(inputs[i]!, join(dir, `process-${i}`)));
    };
    const [results] = await Promise.all([
      runInProcess(CLI, inputs, join(dir, 'in-process'), HANG_MS),
      worker(),
      worker(),
    ]);
    console.log(`cli fuzz: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(results.map((r) => r.i)).toEqual(inputs.map((_, i) => i));
    const judged = results.map((r) => ({ r, input: inputs[r.i]!, ...verdict(r, inputs[r.i]!.expect) }));
    const processes = [...processResults].map(([i, p]) => ({ j: judged[i]!, p }));
    const processVerdicts = processes.map(({ j, p }) => verdict(p, j.input.expect));

    const all = [...judged.map((j) => j.verdict), ...processVerdicts.map((v) => v.verdict)];
    const summary = tally(all);
    console.log(formatTally('cli fuzz', summary));
    const problems = [
      ...judged
        .filter((j) => j.verdict !== 'exit 0' && j.verdict !== 'exit 2 one line')
        .map(
          (j) =>
            `${j.verdict}${j.why ? ` (${j.why})` : ''}: ${j.input.label} → ${j.r.code} ${j.r.err.slice(-400)}`,
        ),
      ...processes
        .map(({ j, p }, n) => ({ j, p, v: processVerdicts[n]! }))
        .filter(
          ({ j, p, v }) => (v.verdict !== 'exit 0' && v.verdict !== 'exit 2 one line') || p.code !== j.r.code,
        )
        .map(
          ({ j, p, v }) =>
            `process ${v.verdict}${v.why ? ` (${v.why})` : ''}: ${j.input.label} → ${p.code} (in-process ${j.r.code}) ${p.err.slice(-400)}`,
        ),
    ];
    expect(problems.join('\n')).toBe('');
    expect({ traces: summary.traces, hangs: summary.hangs, other: summary.bad }).toEqual({
      traces: 0,
      hangs: 0,
      other: 0,
    });
    // The fuzz reaches both outcomes, and the processes ran.
    expect(summary.exit0).toBeGreaterThan(50);
    expect(summary.exit2).toBeGreaterThan(200);
    expect(processes.length).toBeGreaterThanOrEqual(PROCESSES - 4);
  }, 240_000);
});
