/**
 * Runs the CLI's `main` in this process for each fuzz input, one after another, and prints one
 * result line per input (`@@{"i":…,"code":…,"out":…,"err":…,"ms":…}`). The test runs this file as
 * a child process and kills it when an input takes too long — a hang in `main` cannot be
 * interrupted in-process — then starts it again after that input.
 *
 *   node --import tsx --conditions=@mtl/source cliFuzzHarness.ts <cli module> <inputs.json> <dir> <first>
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type FuzzInput, prepareArgs } from './cliFuzzInputs';

const [cliPath, inputsPath, dir, first = '0'] = process.argv.slice(2) as [string, string, string, string?];
const { main } = (await import(pathToFileURL(cliPath).href)) as {
  main(argv: string[], out: (s: string) => void, err: (s: string) => void): number | Promise<number>;
};
const inputs = JSON.parse(readFileSync(inputsPath, 'utf8')) as FuzzInput[];

for (let i = Number(first); i < inputs.length; i++) {
  const input = inputs[i]!;
  const folder = join(dir, String(i));
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(input.files)) writeFileSync(join(folder, name), text);
  const args = prepareArgs(input.args, folder);
  const out: string[] = [];
  const err: string[] = [];
  const started = performance.now();
  let code: number | string;
  try {
    code = await main(
      args,
      (s) => out.push(s),
      (s) => err.push(s),
    );
  } catch (e) {
    // main itself threw: the trace a user would see.
    code = 'threw';
    err.push(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  }
  const polluted = (Object.prototype as Record<string, unknown>).polluted !== undefined;
  const line = JSON.stringify({
    i,
    code,
    out: out.join('\n').slice(-4000),
    err: err.join('\n').slice(-4000),
    ms: performance.now() - started,
    polluted,
  });
  process.stdout.write(`@@${line}\n`);
}
