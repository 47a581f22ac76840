/**
 * Drives the fuzz harness (cliFuzzHarness.ts) over a list of inputs with a watchdog, and judges
 * each run: exit 0, or exit 2 with one error line naming the field (or file, row and column), no
 * stack trace, nothing left on Object.prototype, and no hang.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzInput } from './cliFuzzInputs';

export const HARNESS = fileURLToPath(new URL('./cliFuzzHarness.ts', import.meta.url));

export interface RunResult {
  i: number;
  code: number | string;
  out: string;
  err: string;
  ms: number;
  polluted?: boolean;
}

export type Verdict = 'exit 0' | 'exit 2 one line' | 'trace' | 'hang' | 'bad';

/** Runs every input through `main` of `cliModule` in a child process; a run over `hangMs` is killed and counted as a hang. */
export async function runInProcess(
  cliModule: string,
  inputs: FuzzInput[],
  dir: string,
  hangMs: number,
): Promise<RunResult[]> {
  mkdirSync(dir, { recursive: true });
  const inputsPath = join(dir, 'inputs.json');
  writeFileSync(inputsPath, JSON.stringify(inputs));
  const results: RunResult[] = [];
  let next = 0;
  while (next < inputs.length) {
    const first = next;
    await new Promise<void>((done) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--conditions=@mtl/source', HARNESS, cliModule, inputsPath, dir, String(first)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let buffer = '';
      let stderr = '';
      let timer: NodeJS.Timeout;
      // The first input also pays for loading the modules.
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          results.push({ i: next, code: 'hang', out: '', err: '', ms });
          next++;
          child.kill('SIGKILL');
        }, ms);
      };
      arm(hangMs + 30_000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n');
        while (end >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 1);
          if (line.startsWith('@@')) {
            const result = JSON.parse(line.slice(2)) as RunResult;
            results.push(result);
            next = result.i + 1;
            arm(hangMs);
          }
          end = buffer.indexOf('\n');
        }
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-4000);
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        // The harness died inside an input (a crash of the process itself): that input is a trace.
        if (code !== 0 && code !== null && next < inputs.length && results.at(-1)?.i !== next) {
          results.push({ i: next, code: `died ${code}`, out: '', err: stderr, ms: 0 });
          next++;
        }
        done();
      });
    });
  }
  return results;
}

const PROGRESS =
  /^(training .*…|note: .*|kept the .*|\S.*: \d+ runs \(.*|\[\d+\/\d+\] .*|reused \d+ stored runs? .*)$/;
const TRACE = /\n\s+at |^\s+at .*:\d+:\d+\)?$/m;
/** What an error line must name: a config field, a flag, a file, or the command line. */
const NAMES =
  /\b(config|name|data|architecture|optimizer|optimizers|methods|methodOptions|epochs|batchSize|seeds|sweep)\b|--\w+|\.(csv|json)\b|usage:|compare needs|unexpected argument|training diverged/;

/** Judges one run: what the issue counts (exit 0, exit 2 with one line, a trace, a hang) or 'bad' with why. */
export function verdict(
  r: Pick<RunResult, 'code' | 'out' | 'err' | 'polluted'>,
  expected?: FuzzInput['expect'],
): { verdict: Verdict; why?: string } {
  const v = judge(r);
  if (expected === undefined || v.verdict === 'trace' || v.verdict === 'hang' || v.verdict === 'bad')
    return v;
  // Silently wrong data: an input that must be refused (or must work) and did not.
  if (r.code !== expected.code) return { verdict: 'bad', why: `expected exit ${expected.code}` };
  if (expected.out !== undefined && !r.out.includes(expected.out))
    return { verdict: 'bad', why: `stdout lacks ${expected.out}` };
  if (expected.err !== undefined && !r.err.includes(expected.err))
    return { verdict: 'bad', why: `stderr lacks ${expected.err}` };
  return v;
}

function judge(r: Pick<RunResult, 'code' | 'out' | 'err' | 'polluted'>): { verdict: Verdict; why?: string } {
  if (r.code === 'hang') return { verdict: 'hang' };
  if (TRACE.test(r.err) || TRACE.test(r.out) || r.code === 'threw' || String(r.code).startsWith('died'))
    return { verdict: 'trace' };
  if (r.polluted) return { verdict: 'bad', why: 'Object.prototype was changed' };
  if (r.code === 0) return { verdict: 'exit 0' };
  if (r.code !== 2) return { verdict: 'bad', why: `exit ${r.code}` };
  const lines = r.err.split('\n').filter((l) => l !== '');
  const errors = lines.filter((l) => !PROGRESS.test(l));
  if (errors.length !== 1) return { verdict: 'bad', why: `${errors.length} error lines` };
  if (lines.at(-1) !== errors[0]) return { verdict: 'bad', why: 'the error is not the last line' };
  if (!errors[0]!.startsWith('mtl-playground: ')) return { verdict: 'bad', why: 'no mtl-playground: prefix' };
  if (!NAMES.test(errors[0]!)) return { verdict: 'bad', why: 'names no field, flag or file' };
  if (errors[0]!.length > 800) return { verdict: 'bad', why: 'a line over 800 characters' };
  if (r.out !== '') return { verdict: 'bad', why: 'stdout is not empty' };
  return { verdict: 'exit 2 one line' };
}

export interface Tally {
  inputs: number;
  exit0: number;
  exit2: number;
  traces: number;
  hangs: number;
  bad: number;
}

export function tally(verdicts: Verdict[]): Tally {
  const count = (v: Verdict) => verdicts.filter((x) => x === v).length;
  return {
    inputs: verdicts.length,
    exit0: count('exit 0'),
    exit2: count('exit 2 one line'),
    traces: count('trace'),
    hangs: count('hang'),
    bad: count('bad'),
  };
}

export function formatTally(name: string, t: Tally): string {
  return `${name}: ${t.inputs} inputs, ${t.exit0} exit 0, ${t.exit2} exit 2 one line, ${t.traces} traces, ${t.hangs} hangs, ${t.bad} other`;
}
