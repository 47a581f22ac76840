/**
 * The image datasets' and mmoeSynthetic's options, the architecture choices that go with them, and
 * `--set`: every bad value is a ConfigError naming the field, its range and the fix.
 */
import { describe, expect, it } from 'vitest';
import { architectureFor, ConfigError, parseConfig } from '../src/config';
import { PRESETS } from '../src/presets';
import { setField } from '../src/setField';

const images = (options: object, rest: object = {}) => ({
  data: { dataset: 'multiFashion', options },
  ...rest,
});
const mmoe = (options: object) => ({ data: { dataset: 'mmoeSynthetic', options } });

describe('image dataset options', () => {
  it('take MultiLeNet by default and the subset sizes within the official files', () => {
    const config = parseConfig(
      images({ trainImages: 60_000, validationImages: 0, testImages: 10_000, seed: 7 }),
    );
    expect(config.architecture.type).toBe('multilenet');
    expect(config.data.options).toEqual({
      trainImages: 60_000,
      validationImages: 0,
      testImages: 10_000,
      seed: 7,
    });
    expect(parseConfig(images({ dir: 'fashion/files' })).data.options.dir).toBe('fashion/files');
    expect(
      parseConfig({ data: { dataset: 'multiFashionMnist', options: { dir: 'm', fashionDir: 'f' } } }).data
        .options,
    ).toEqual({ dir: 'm', fashionDir: 'f' });
  });

  it.each([
    [{ trainImages: 0 }, 'data.options.trainImages: expected an integer from 1 to 60000, got 0'],
    [{ trainImages: 1.5 }, 'data.options.trainImages: expected an integer from 1 to 60000, got 1.5'],
    [{ testImages: 10_001 }, 'data.options.testImages: expected an integer from 1 to 10000, got 10001'],
    [{ validationImages: -1 }, 'data.options.validationImages: expected an integer from 0 to 59999, got -1'],
    [{ seed: -1 }, 'data.options.seed: expected an integer from 0 to 4294967295, got -1'],
    [{ trainImages: '300' }, 'data.options.trainImages: expected a number, got "300"'],
    [
      { trainImages: 59_500 },
      'data.options.validationImages: trainImages + validationImages = 60500, more than the 60000 images of the training file (validation images come after the training ones) — use fewer',
    ],
    [{ dir: '' }, 'data.options.dir: expected a non-empty string, got ""'],
    [{ dir: 5 }, 'data.options.dir: expected a non-empty string, got 5'],
    [
      { fashionDir: 'x' },
      'data.options.fashionDir: unknown field (known: trainImages, validationImages, testImages, seed, dir)',
    ],
    [{ correlation: 0.5 }, 'data.options.correlation: unknown field'],
  ])('refuses %j', (options, message) => {
    expect(() => parseConfig(images(options))).toThrow(ConfigError);
    expect(() => parseConfig(images(options))).toThrow(message);
  });

  it('refuses an architecture that does not take images, and MultiLeNet for feature vectors', () => {
    expect(() => parseConfig(images({}, { architecture: { type: 'hps' } }))).toThrow(
      `architecture.type: multiFashion's inputs are 1×28×28 images, and Hard sharing takes feature vectors — use "multilenet" (Sener & Koltun's MultiLeNet; the default for images)`,
    );
    expect(() => parseConfig(images({}, { architectures: ['multilenet', 'mmoe'] }))).toThrow(
      /^architectures\[1\]: multiFashion's inputs are 1×28×28 images, and MMoE takes feature vectors/,
    );
    expect(() => parseConfig({ architecture: { type: 'multilenet' } })).toThrow(
      'architecture.type: multilenet takes 1×28×28 images, and penguins has feature vectors — choose hps, mmoe, cgc, ple or crossstitch',
    );
  });

  it('refuses a split: the images come with their own training and test files', () => {
    expect(() =>
      parseConfig(images({}, { data: { dataset: 'multiMnist', split: [0.8, 0.1, 0.1] } })),
    ).toThrow(
      'data.split: multiMnist comes with its own training and test files — set data.options.trainImages, validationImages and testImages instead',
    );
  });
});

describe('mmoeSynthetic options', () => {
  it('accepts the generator’s knobs', () => {
    expect(
      parseConfig(mmoe({ correlation: -0.5, tasks: 2, samples: 500, features: 20 })).data.options,
    ).toEqual({
      correlation: -0.5,
      tasks: 2,
      samples: 500,
      features: 20,
    });
  });

  it.each([
    [{ correlation: 1.5 }, 'data.options.correlation: expected a cosine from -1 to 1, got 1.5'],
    [
      { correlation: -0.2, tasks: 3 },
      'data.options.correlation: expected a cosine from 0 to 1 (with more than 2 tasks every pair shares it, so it cannot be negative), got -0.2',
    ],
    [
      { tasks: 4, features: 4 },
      'data.options.features: mmoeSynthetic needs features ≥ tasks + 1 = 5 (an orthonormal direction per task and a shared one), got 4 — add features or use fewer tasks',
    ],
    [{ samples: 0 }, 'data.options.samples: expected an integer from 1 to 1000000, got 0'],
    [{ features: 5000 }, 'data.options.features: expected an integer from 1 to 4096, got 5000'],
    [
      { samples: 1_000_000 },
      'data.options.samples: 1000000 samples of 102 values each make 102000000 numbers',
    ],
    [{ noise: 0.1 }, 'data.options.noise: unknown field (known: correlation, tasks, samples, features)'],
  ])('refuses %j', (options, message) => {
    expect(() => parseConfig(mmoe(options))).toThrow(message);
  });
});

describe('architectures to compare', () => {
  it('are listed like optimizers: known, once each, each with a hidden layer where it needs one', () => {
    expect(parseConfig({ architectures: ['hps', 'mmoe', 'cgc'] }).architectures).toEqual([
      'hps',
      'mmoe',
      'cgc',
    ]);
    expect(() => parseConfig({ architectures: ['hps', 'transformer'] })).toThrow(
      'architectures[1]: expected one of hps, mmoe, cgc, ple, crossstitch, multilenet, got "transformer"',
    );
    expect(() => parseConfig({ architectures: ['mmoe', 'mmoe'] })).toThrow(
      'architectures: an architecture is listed twice in ["mmoe","mmoe"]',
    );
    expect(() =>
      parseConfig({ architecture: { hidden: [] }, architectures: ['hps', 'cgc'], methods: ['ew'] }),
    ).toThrow('architecture.hidden: CGC needs at least one hidden layer (e.g. [32])');
  });

  it('can each have their own hidden sizes (architecture.hiddenByType), checked as hidden', () => {
    const config = parseConfig({
      data: { dataset: 'mmoeSynthetic', options: { samples: 100 } },
      architecture: { type: 'mmoe', hidden: [16], hiddenByType: { hps: [113] }, experts: 8 },
      architectures: ['hps', 'mmoe'],
      methods: ['ew'],
    });
    expect(architectureFor(config, 'hps').hidden).toEqual([113]);
    expect(architectureFor(config, 'mmoe').hidden).toEqual([16]);
    expect(() => parseConfig({ architecture: { hiddenByType: { mlp: [8] } } })).toThrow(
      'architecture.hiddenByType.mlp: unknown field',
    );
    expect(() => parseConfig({ architecture: { hiddenByType: { hps: [0] } } })).toThrow(
      'architecture.hiddenByType.hps[0]: expected an integer from 1 to 4096, got 0',
    );
    expect(() =>
      parseConfig({
        architecture: { hiddenByType: { cgc: [] } },
        architectures: ['hps', 'cgc'],
        methods: ['ew'],
      }),
    ).toThrow('architecture.hiddenByType.cgc: CGC needs at least one hidden layer (e.g. [32])');
  });
});

describe('the presets', () => {
  it.each(Object.keys(PRESETS))('%s is a valid config', (name) => {
    expect(parseConfig(PRESETS[name]!.config).name).toBe(name);
  });

  it('run the CAGrad toy on its paper’s recipe: Adam, lr 1e-3, 100,000 steps', () => {
    const toy = parseConfig(PRESETS['cagrad-toy']!.config);
    expect([toy.optimizer.name, toy.optimizer.lr, toy.epochs]).toEqual(['adam', 0.001, 100_000]);
  });
});

describe('--set field=value', () => {
  it('sets a nested field from JSON or text, on a copy', () => {
    const raw = { data: { dataset: 'multiFashion' } };
    const set = setField(setField(raw, 'data.options.trainImages=300'), 'data.options.dir=/tmp/x y');
    expect(set).toEqual({
      data: { dataset: 'multiFashion', options: { trainImages: 300, dir: '/tmp/x y' } },
    });
    expect(raw).toEqual({ data: { dataset: 'multiFashion' } });
    expect(setField({}, 'methods=["ew","mgda"]')).toEqual({ methods: ['ew', 'mgda'] });
  });

  it('refuses what it cannot set, naming the field', () => {
    expect(() => setField({}, 'epochs')).toThrow('--set "epochs": expected field=value, e.g. --set epochs=5');
    expect(() => setField({}, '__proto__.x=1')).toThrow(
      '--set __proto__.x: "__proto__" is not a field name --set can reach (write such a field in a config file)',
    );
    expect(() => setField({ epochs: 3 }, 'epochs.x=1')).toThrow(
      '--set epochs.x: epochs is 3, not an object with fields',
    );
  });
});
