/**
 * The CLI's command line as data: the command, its flags, the `--set` assignments and the
 * positional arguments. Hand-written rather than Node's `util.parseArgs`, which refuses a value
 * that starts with a dash (`--epochs -1` is "ambiguous" there) where we want to say what range
 * the flag takes; it is small enough to test whole (`src/commandLine.test.ts`).
 */
import { show } from './configValues';

export const USAGE =
  'usage: mtl-playground [run|compare|sweep] [config.json | preset] [--set field=value]… [--methods a,b,…] [--seed N] [--epochs N] [--workers N] [--queue redis://host:port] [--out DIR] [--json] [--verbose] [--help]; mtl-playground worker --queue redis://host:port [--workers N]';

/** Flags that take a value (`--out DIR` or `--out=DIR`); `--set` may repeat. */
const VALUE_FLAGS = ['methods', 'seed', 'epochs', 'workers', 'queue', 'out', 'set'];
/** Flags that are on when present. */
const SWITCHES: Record<string, 'json' | 'help' | 'verbose'> = {
  '--json': 'json',
  '--help': 'help',
  '-h': 'help',
  '--verbose': 'verbose',
};
const COMMANDS = ['run', 'compare', 'sweep', 'worker'] as const;

/** A problem with what the user gave (exit 2); the message is one line naming the field and the fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandLine {
  command: (typeof COMMANDS)[number];
  /** Value flags by name (the last one given wins), and the switches that were given. */
  flags: Record<string, string | true>;
  /** Every `--set field=value`, in order. */
  sets: string[];
  positional: string[];
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  // A bare `--` (as `pnpm start -- …` may pass it) separates nothing here.
  const args = argv.filter((a) => a !== '--');
  const flags: Record<string, string | true> = Object.create(null);
  const sets: string[] = [];
  const positional: string[] = [];
  while (args.length > 0) {
    const a = args.shift()!;
    const switchName = Object.hasOwn(SWITCHES, a) ? SWITCHES[a] : undefined;
    if (switchName !== undefined) flags[switchName] = true;
    else if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (Object.hasOwn(SWITCHES, `--${key}`)) throw new UsageError(`--${key} takes no value — ${USAGE}`);
      if (!VALUE_FLAGS.includes(key))
        throw new UsageError(`unknown option --${/^[\w-]+$/.test(key) ? key : show(key)} — ${USAGE}`);
      const value = inline ?? args.shift();
      if (value === undefined) throw new UsageError(`--${key} needs a value — ${USAGE}`);
      if (key === 'set') sets.push(value);
      else flags[key] = value;
    } else positional.push(a);
  }
  const first = positional[0] as (typeof COMMANDS)[number] | undefined;
  const command = first !== undefined && COMMANDS.includes(first) ? positional.shift()! : 'run';
  return { command: command as CommandLine['command'], flags, sets, positional };
}
