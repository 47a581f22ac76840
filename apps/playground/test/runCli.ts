import { main } from '../src/cli';

/** Runs the CLI's `main` in this process, collecting what it prints to stdout and stderr line by line. */
export async function runCli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out, err };
}
