import { describe, expect, it } from 'vitest';
import { parseCommandLine, USAGE } from './commandLine';

describe('parseCommandLine', () => {
  it('reads the command, value flags (both spellings, the last wins), repeated --set, switches and files', () => {
    const line = parseCommandLine([
      'sweep',
      'a.json',
      '--epochs',
      '3',
      '--epochs=4',
      '--set',
      'x=1',
      '--set=y=2',
      '--json',
      '-h',
      '--',
      '--out',
      '-dir',
    ]);
    expect(line).toEqual({
      command: 'sweep',
      flags: Object.assign(Object.create(null), { epochs: '4', json: true, help: true, out: '-dir' }),
      sets: ['x=1', 'y=2'],
      positional: ['a.json'],
    });
    // A value may start with a dash: the flag's own check then names its range.
    expect(parseCommandLine(['--epochs', '-1']).flags.epochs).toBe('-1');
  });

  it('runs by default, and a word that is not a command is a file or preset', () => {
    expect(parseCommandLine([]).command).toBe('run');
    expect(parseCommandLine(['multifashion'])).toMatchObject({
      command: 'run',
      positional: ['multifashion'],
    });
    expect(parseCommandLine(['__proto__'])).toMatchObject({ command: 'run', positional: ['__proto__'] });
  });

  it('names an unknown option, a missing value and a value given to a switch', () => {
    expect(() => parseCommandLine(['--frob'])).toThrow(`unknown option --frob — ${USAGE}`);
    expect(() => parseCommandLine(['--__proto__=1'])).toThrow('unknown option --__proto__');
    expect(() => parseCommandLine(['--a b'])).toThrow('unknown option --"a b"');
    expect(() => parseCommandLine(['--epochs'])).toThrow(`--epochs needs a value — ${USAGE}`);
    expect(() => parseCommandLine(['--json=1'])).toThrow(`--json takes no value — ${USAGE}`);
  });
});
