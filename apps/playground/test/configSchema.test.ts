import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../src/config';
import { configSchema } from '../src/configSchema';
import { PRESETS } from '../src/presets';
import { fuzzInputs } from './cliFuzzInputs';

const file = (name: string) => new URL(`../${name}`, import.meta.url);
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(configSchema());
const parses = (config: unknown): boolean => {
  try {
    parseConfig(config);
    return true;
  } catch {
    return false;
  }
};

describe('config.schema.json', () => {
  it('is what configSchema() builds (run `pnpm --filter @mtl/playground run schema` after changing the config)', () => {
    expect(JSON.parse(readFileSync(file('config.schema.json'), 'utf8'))).toEqual(configSchema());
  });

  it('accepts the defaults, every preset and the shipped example sweep, with its $schema line', () => {
    const example = JSON.parse(readFileSync(file('penguins-sweep.json'), 'utf8'));
    expect(example.$schema).toBe('./config.schema.json');
    for (const config of [DEFAULT_CONFIG, example, ...Object.values(PRESETS).map((p) => p.config)]) {
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      expect(parses(config)).toBe(true);
    }
  });

  it('never marks a config the playground runs: of 500 fuzzed configs, each one parseConfig accepts passes', () => {
    let accepted = 0;
    for (const input of fuzzInputs(20261207, 500)) {
      for (const [name, text] of Object.entries(input.files)) {
        if (!name.endsWith('.json')) continue;
        let config: unknown;
        try {
          config = JSON.parse(text);
        } catch {
          continue;
        }
        if (!parses(config)) continue;
        accepted++;
        expect(validate(config), `${input.label}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('marks what the parser refuses field by field', () => {
    const refused: unknown[] = [
      { epochs: 0 },
      { epochs: 1.5 },
      { methods: ['ew', 'nope'] },
      { methods: ['ew', 'ew'] },
      { methods: [] },
      { optimizer: { lr: -1 } },
      { optimizer: { name: 'lbfgs' } },
      { architecture: { hidden: [0] } },
      { architecture: { activation: 'swish' } },
      { data: { dataset: 'penguins', options: { tasks: 3 } } },
      { data: { dataset: 'relatedTasks', options: { tasks: 0 } } },
      { methodOptions: { cagrad: { nope: 1 } } },
      { sweep: { select: 'deltaM' } },
      { sweep: { grid: { seeds: [1, 2] } } },
      { name: 'a/b' },
      { name: ' padded ' },
      { unknownField: 1 },
    ];
    for (const config of refused) {
      expect(parses(config), JSON.stringify(config)).toBe(false);
      expect(validate(config), JSON.stringify(config)).toBe(false);
    }
  });
});
