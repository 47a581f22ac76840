/**
 * The JSON Schema (draft 2020-12) of an experiment config, built from the tables `parseConfig`
 * checks against — the datasets and their options, the architectures, methods and their
 * hyperparameters, optimizers, schedules and `BOUNDS` — so it cannot drift from them. An editor
 * given it (`"$schema": "./config.schema.json"` in a config next to the file) completes field
 * names and values and marks what the parser would refuse. `parseConfig` stays the authority: a
 * schema cannot say the cross-field rules (a method the toy cannot run, splits that sum to 1, the
 * model's size), and the parser's messages name the fix.
 *
 * `config.schema.json` is this function's output, committed; a test fails when it is stale
 * (`pnpm --filter @mtl/playground run schema` writes it).
 */
import { BOUNDS } from './bounds';
import { ACTIVATIONS, ARCHITECTURES, DEFAULT_CONFIG, NAME_FORBIDDEN, SCHEDULES, TASK_TYPES } from './config';
import { DATASET_OPTIONS, DATASETS, OPTION_RANGES } from './dataOptions';
import { METHOD_TABLE, METHODS } from './methods';
import { OPTIMIZERS } from './optimizers';
import { SELECT_PATTERN, SWEEP_FIELDS, SWEEP_OBJECTS } from './sweep/sweepSpec';

type Schema = Record<string, unknown>;

/** `schema`, or null (which the parser reads as left out). */
const nullable = (schema: Schema): Schema => ({ anyOf: [{ type: 'null' }, schema] });
const integer = (minimum: number, maximum: number, description?: string): Schema => ({
  type: 'integer',
  minimum,
  maximum,
  ...(description === undefined ? {} : { description }),
});
/**
 * An object of these fields and no others. Each field may also be null: the parser reads null
 * as left out (its default).
 */
const closed = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  ...(description === undefined ? {} : { description }),
  properties: Object.fromEntries(
    Object.entries(properties).map(([k, v]) => [k, k === '$schema' ? v : nullable(v)]),
  ),
  additionalProperties: false,
});
const hidden = (description: string): Schema => ({
  type: 'array',
  description,
  items: integer(1, BOUNDS.width),
  maxItems: BOUNDS.hiddenLayers,
});
/** A list of distinct names from `names`. */
const nameList = (names: readonly string[], description: string, minItems = 0): Schema => ({
  type: 'array',
  description,
  items: { enum: [...names] },
  uniqueItems: true,
  minItems,
});

export function configSchema(): Schema {
  const d = DEFAULT_CONFIG;
  const allOptions = [...new Set(Object.values(DATASET_OPTIONS).flat())].sort();
  const optionSchema = (option: string): Schema => {
    const range = OPTION_RANGES[option];
    if (range !== undefined) return integer(range[0], range[1]);
    if (option === 'sigmas')
      return {
        type: 'array',
        description: 'gradNormToy: one scale > 0 per task',
        items: { type: 'number', exclusiveMinimum: 0 },
        minItems: 1,
        maxItems: BOUNDS.tasks,
      };
    if (option === 'dir' || option === 'fashionDir')
      return { type: 'string', description: 'The folder (or URL) of the IDX files', maxLength: BOUNDS.text };
    return { type: 'number' };
  };
  const positive = { type: 'number', exclusiveMinimum: 0 };
  const fieldPath = {
    type: 'string',
    pattern: `^(${SWEEP_OBJECTS.join('|')})\\.|^(${SWEEP_FIELDS.join('|')})$`,
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: '@mtl playground experiment config',
    description:
      'One experiment: the data, the model, the optimizer and the weighting methods to compare. Every field is optional; the playground fills in its defaults.',
    ...closed({
      $schema: { type: 'string', description: 'This schema, for editors' },
      name: {
        type: 'string',
        description: 'Names the result files (default: the config file’s name, or the dataset’s)',
        minLength: 1,
        maxLength: BOUNDS.name,
        // A file name: no control or path characters, no dot or space at either end.
        pattern: `^[^${NAME_FORBIDDEN}.\\s]([^${NAME_FORBIDDEN}]*[^${NAME_FORBIDDEN}.\\s])?$`,
      },
      data: {
        ...closed({
          dataset: { enum: [...DATASETS], default: d.data.dataset },
          split: {
            type: 'array',
            description: 'Train, validation and test fractions (≥ 0, summing to 1)',
            items: { type: 'number', minimum: 0, maximum: 1 },
            minItems: 3,
            maxItems: 3,
            default: d.data.split,
          },
          options: {
            ...closed(Object.fromEntries(allOptions.map((o) => [o, optionSchema(o)]))),
            description: 'The knobs of the dataset (which ones depends on data.dataset)',
          },
          file: {
            ...closed({
              path: { type: 'string', minLength: 1, maxLength: BOUNDS.text },
              features: {
                type: 'array',
                items: { type: 'string', minLength: 1, maxLength: BOUNDS.text },
                minItems: 1,
                maxItems: BOUNDS.featureColumns,
                uniqueItems: true,
              },
              tasks: {
                type: 'object',
                description: 'Task column → its type',
                additionalProperties: { enum: [...TASK_TYPES] },
                minProperties: 1,
                maxProperties: BOUNDS.tasks,
              },
              dropBadRows: { type: 'boolean', default: false },
            }),
            description: 'The table for dataset "file": a CSV or JSON file, its feature and task columns',
            required: ['path', 'features', 'tasks'],
          },
        }),
        // Each dataset takes its own options only (penguins, the default, none).
        allOf: [
          {
            if: { not: { properties: { dataset: true }, required: ['dataset'] } },
            // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then
            then: { properties: { options: { type: 'object', maxProperties: 0 } } },
          },
          ...DATASETS.map((dataset) => ({
            if: { properties: { dataset: { const: dataset } }, required: ['dataset'] },
            // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then
            then: {
              properties: {
                options:
                  DATASET_OPTIONS[dataset].length === 0
                    ? { type: 'object', maxProperties: 0 }
                    : { type: 'object', propertyNames: { enum: [...DATASET_OPTIONS[dataset]] } },
              },
            },
          })),
        ],
      },
      architecture: closed({
        type: { enum: [...ARCHITECTURES], default: d.architecture.type },
        hidden: hidden('Hidden sizes of the shared encoder (HPS), of each expert (MMoE, CGC, PLE) or column'),
        hiddenByType: {
          ...closed(Object.fromEntries(ARCHITECTURES.map((a) => [a, hidden(`hidden for ${a}`)]))),
          description: 'hidden for one compared architecture, e.g. { "hps": [113] }',
        },
        activation: { enum: [...ACTIVATIONS], default: d.architecture.activation },
        experts: integer(1, BOUNDS.experts, 'Shared experts (MMoE, CGC, PLE)'),
        taskExperts: integer(1, BOUNDS.experts, 'Experts per task (CGC, PLE)'),
        levels: integer(1, BOUNDS.levels, 'Extraction levels (PLE)'),
      }),
      optimizer: closed({
        name: { enum: [...OPTIMIZERS], default: d.optimizer.name },
        lr: { ...positive, default: d.optimizer.lr },
        options: {
          type: 'object',
          description:
            'Any other option of the optimizer, by its @mtl/optim name, e.g. { "weightDecay": 1e-4 }',
          additionalProperties: {
            anyOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'array', items: { type: 'number' } }],
          },
        },
        schedule: closed(
          {
            type: { enum: [...SCHEDULES], default: d.optimizer.schedule.type },
            stepSize: integer(1, BOUNDS.stepSize),
            gamma: positive,
          },
          'Learning-rate schedule, stepped once per epoch',
        ),
      }),
      methods: { ...nameList(METHODS, 'Weighting methods to compare', 1), default: d.methods },
      methodOptions: closed(
        Object.fromEntries(
          METHODS.map((m) => [
            m,
            closed(
              Object.fromEntries(
                Object.entries(METHOD_TABLE[m].hyperparameters).map(([k, v]) => [
                  k,
                  { type: 'number', minimum: -BOUNDS.methodOption, maximum: BOUNDS.methodOption, default: v },
                ]),
              ),
              `${METHOD_TABLE[m].label}'s hyperparameters`,
            ),
          ]),
        ),
        'Hyperparameters by method, e.g. { "cagrad": { "calpha": 0.4 } }',
      ),
      optimizers: nameList(
        OPTIMIZERS,
        'Optimizers to compare, each with optimizer.lr (empty: optimizer.name)',
      ),
      architectures: nameList(
        ARCHITECTURES,
        'Architectures to compare, each with the sizes of architecture (empty: architecture.type)',
      ),
      epochs: { ...integer(1, BOUNDS.epochs), default: d.epochs },
      batchSize: { ...integer(1, BOUNDS.batchSize), default: d.batchSize },
      seeds: {
        type: 'array',
        items: integer(0, BOUNDS.seedValue),
        minItems: 1,
        maxItems: BOUNDS.seeds,
        default: d.seeds,
      },
      sweep: {
        ...closed(
          {
            grid: {
              type: 'object',
              description: 'Field path → the values to try, e.g. { "optimizer.lr": [0.01, 0.003] }',
              propertyNames: fieldPath,
              additionalProperties: { type: 'array', minItems: 1, maxItems: BOUNDS.sweepSettings },
            },
            random: {
              ...closed({
                samples: integer(1, BOUNDS.sweepSettings),
                seed: integer(0, BOUNDS.seedValue),
                ranges: {
                  type: 'object',
                  propertyNames: fieldPath,
                  minProperties: 1,
                  additionalProperties: {
                    ...closed({
                      min: { type: 'number' },
                      max: { type: 'number' },
                      log: { type: 'boolean' },
                      integer: { type: 'boolean' },
                    }),
                    required: ['min', 'max'],
                  },
                },
              }),
              required: ['samples', 'ranges'],
            },
            select: {
              type: 'string',
              description: '"deltaM" (default), "loss", or "<task>.<metric>"',
              pattern: SELECT_PATTERN.source,
            },
          },
          'Fields to vary and what picks each method’s setting (mtl-playground sweep)',
        ),
        anyOf: [
          { properties: { grid: true }, required: ['grid'] },
          { properties: { random: true }, required: ['random'] },
        ],
      },
    }),
  };
}
