/**
 * The inputs of the CLI fuzz test (cliFuzz.test.ts): mutated experiment configs, mutated CSV and
 * JSON data files and mutated command lines, all drawn from a seed. Every config starts from a
 * tiny valid base (one epoch, a few rows, one method), so a run that is accepted trains in
 * milliseconds; the mutations delete fields, put junk from tools/testing/fuzz.ts or boundary
 * values in them, nest them thousands deep, and break the data files in every way a user's file
 * can be broken (stray text in a number column, hex, object cells, `__proto__` columns, ragged
 * rows, empty files…).
 */
import fc from 'fast-check';
import { junk } from '../../../tools/testing/fuzz';

/** One CLI run: files to write into its own folder, and its arguments (`@/x` = that folder's x). */
export interface FuzzInput {
  label: string;
  files: Record<string, string>;
  args: string[];
  /** What must happen (for inputs where silently wrong data would otherwise pass as exit 0). */
  expect?: { code: 0 | 2; out?: string; err?: string };
}

const DEEP = 6_000;
const deepArray = () => `${'['.repeat(DEEP)}1${']'.repeat(DEEP)}`;
const deepObject = () => `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;

// biome-ignore lint/suspicious/noExplicitAny: configs are free-form JSON here
type Json = any;

const FILE_DATA = {
  dataset: 'file',
  file: { path: 'data.csv', features: ['x', 'z', 'colour'], tasks: { target: 'regression', flag: 'binary' } },
};
const TINY = {
  name: 'fuzz',
  methods: ['ew'],
  epochs: 1,
  batchSize: 64,
  seeds: [0],
  architecture: { hidden: [4] },
};

/** Small valid configs, one per dataset and a few architectures. */
export const BASES: Record<string, Json> = {
  penguins: TINY,
  related: {
    ...TINY,
    data: { dataset: 'relatedTasks', options: { tasks: 2, samples: 60, features: 12 } },
    methods: ['ew', 'pcgrad'],
  },
  gradNormToy: {
    ...TINY,
    data: { dataset: 'gradNormToy', options: { tasks: 2, samples: 60, inputDim: 5, outputDim: 2 } },
  },
  cagradToy: { ...TINY, data: { dataset: 'cagradToy' }, methods: ['ew', 'mgda'], epochs: 5 },
  mmoe: { ...TINY, architecture: { type: 'mmoe', hidden: [4], experts: 2 }, methods: ['ew', 'mgda'] },
  ple: {
    ...TINY,
    architecture: { type: 'ple', hidden: [3], experts: 1, taskExperts: 1, levels: 2 },
    optimizer: { name: 'sgd', lr: 0.05, schedule: { type: 'step', stepSize: 1, gamma: 0.5 } },
  },
  csv: { ...TINY, data: FILE_DATA },
  json: { ...TINY, data: { ...FILE_DATA, file: { ...FILE_DATA.file, path: 'data.json' } } },
};

/** Values at and just past each field's bounds (valid ones stay cheap to run), by the field's last name. */
const BOUNDARY: Record<string, Json[]> = {
  name: [
    '',
    'x'.repeat(300),
    'x'.repeat(100),
    'a\u0000b',
    'a/b',
    '..',
    'café ☕',
    ' x',
    'x.',
    'a\nb',
    '<b>',
    '\ud800',
  ],
  epochs: [0, -1, 2, 100_001, 1e15, 1.5, '3', null],
  batchSize: [0, 1, 3, 65_537, 1e9, 2 ** 31],
  seeds: [[], [1e308], [-1], [2 ** 32], [0.5], Array(101).fill(0), [0, 7], ['0']],
  hidden: [[], [0], [4_097], [1e9], Array(17).fill(2), [2, 2], [1]],
  experts: [0, 65, 1e6, 1],
  taskExperts: [0, 65, 1],
  levels: [0, 9, 1],
  lr: [0, -1, 1e300, 1e-300, 'x', 10],
  gamma: [0, -1, 1e300],
  stepSize: [0, 1e6, 100_001],
  tasks: [0, -1, 1, 3, 4, 65, 1e6],
  samples: [0, 1, 2, 1e7, 2e6, 1e15],
  features: [0, 1, 4_097, 1e6],
  inputDim: [0, 1, 4_097],
  outputDim: [0, 4_097, 1e6],
  sharedFactors: [-1, 0, 5_000],
  conflict: [-1, 2, 0.5, 1e308],
  noise: [-1, 1e308],
  split: [
    [1, 0, 0],
    [0, 0, 1],
    [0.5, 0.5, 0],
    [0.999, 0.0005, 0.0005],
    [0.2, 0.2, 0.2],
    [0.98, 0.01, 0.01],
  ],
  dataset: ['relatedTasks', 'gradNormToy', 'cagradToy', 'file', 'penguins', 'mnist'],
  type: ['hps', 'mmoe', 'cgc', 'ple', 'crossstitch', 'transformer'],
  methods: [
    [],
    ['ew', 'ew'],
    ['gradnorm'],
    ['nashmtl', 'upgrad'],
    ['__proto__'],
    ['uw', 'dwa', 'imtll', 'stch'],
  ],
  optimizers: [['sgd', 'sgd'], ['adam', 'rmsprop'], ['lion']],
  options: [{ momentun: 1 }, { weightDecay: -1 }, { betas: [0.9, 2] }, { lr: 5 }, { tasks: 2 }],
  methodOptions: [
    { cagrad: { calpha: 1e300 } },
    { nashmtl: { maxIter: 1e9 } },
    { ew: { x: 1 } },
    { dwa: {} },
  ],
  path: ['', 'missing.csv', '../../etc/passwd', 'data.csv', 'x'.repeat(2_000)],
};

/** A JSON value from fuzz.ts's junk(): what JSON cannot say is dropped or spelled as JSON can. */
function jsonJunk(v: unknown): Json {
  return JSON.parse(
    JSON.stringify({ v }, (_, x) =>
      typeof x === 'bigint' ? Number(x) : typeof x === 'symbol' || typeof x === 'function' ? undefined : x,
    ),
  ).v;
}

/** Every path into a config object: ['architecture', 'hidden', 0], … */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [prefix];
  const inner = Object.keys(v).flatMap((k) => paths(v[k], [...prefix, Array.isArray(v) ? Number(k) : k]));
  return prefix.length > 0 ? [prefix, ...inner] : inner;
}

function setPath(root: Json, path: (string | number)[], value: Json, remove = false): Json {
  const copy = structuredClone(root);
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k];
  const last = path.at(-1)!;
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** The base data table: numeric x and z, a text colour, a regression target and a yes/no flag. */
function baseRows(n = 60): Record<string, string | number>[] {
  return Array.from({ length: n }, (_, i) => {
    const x = (i % 12) / 12;
    const z = ((i * 7) % 10) / 10;
    return {
      x,
      z,
      colour: ['red', 'blue', 'green'][i % 3]!,
      target: Number((2 * x - z).toFixed(3)),
      flag: x + z > 0.8 ? 'yes' : 'no',
    };
  });
}

function csvText(rows: Record<string, unknown>[], columns = Object.keys(rows[0] ?? {})): string {
  const cell = (v: unknown) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

const CSV = csvText(baseRows());
const JSON_ROWS = JSON.stringify(baseRows());

function configInput(
  label: string,
  config: Json,
  files: Record<string, string> = {},
  raw?: string,
): FuzzInput {
  return {
    label,
    files: {
      'data.csv': CSV,
      'data.json': JSON_ROWS,
      ...files,
      'config.json': raw ?? JSON.stringify(config),
    },
    args: ['run', '@/config.json'],
  };
}

/** Stray values a cell of a numeric column may hold. */
const STRAY = ['abc', '12,5', '0x10', '0b11', '1e400', 'Infinity', '--', '#N/A', '1 000', '=1+1', '½', '0o7'];

function dataInputs(rng: () => number): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const rows = baseRows();
  const csvConfig = BASES.csv;
  const withFile = (label: string, files: Record<string, string>, file: Json = {}) =>
    configInput(
      label,
      { ...csvConfig, data: { ...csvConfig.data, file: { ...csvConfig.data.file, ...file } } },
      files,
    );
  // A stray text cell in a numeric column: refused naming the row and column, or dropped with dropBadRows.
  for (let k = 0; k < 24; k++) {
    const bad = structuredClone(rows) as Record<string, unknown>[];
    const row = Math.floor(rng() * bad.length);
    const column = pick(['x', 'z', 'target']);
    bad[row]![column] = pick(STRAY);
    const drop = k % 3 === 0;
    const where = `row ${row + 1} (line ${row + 2}), column "${column}"`;
    inputs.push({
      ...withFile(
        `csv stray ${column}[${row}]${drop ? ' dropBadRows' : ''}`,
        { 'data.csv': csvText(bad) },
        drop ? { dropBadRows: true } : {},
      ),
      expect: drop ? { code: 0, err: `dropped 1 row(s)` } : { code: 2, err: where },
    });
    const json = structuredClone(rows) as Record<string, unknown>[];
    const value = pick<unknown>([...STRAY, { a: 1 }, [1, 2], true, { toString: 'x' }]);
    json[row]![column] = value;
    inputs.push({
      ...configInput(
        `json stray ${column}[${row}]${drop ? ' dropBadRows' : ''}`,
        {
          ...BASES.json,
          data: {
            ...BASES.json.data,
            file: { ...BASES.json.data.file, ...(drop ? { dropBadRows: true } : {}) },
          },
        },
        { 'data.json': JSON.stringify(json) },
      ),
      expect:
        drop && typeof value !== 'object'
          ? { code: 0, err: 'dropped 1 row(s)' }
          : { code: 2, err: `row ${row + 1}, column "${column}"` },
    });
  }
  // Column names that are Object.prototype's: they must work as any other name.
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    const renamed = rows.map(({ target, ...r }) => ({ ...r, [name]: target }));
    const columns = ['x', 'z', 'colour', name, 'flag'];
    const tasks = JSON.parse(`{${JSON.stringify(name)}: "regression", "flag": "binary"}`);
    const named = { code: 0, out: `{"name":${JSON.stringify(name)},"type":"regression"}` } as const;
    const json = (input: FuzzInput): FuzzInput => ({
      ...input,
      args: [...input.args, '--json'],
      expect: named,
    });
    inputs.push(
      json(withFile(`csv task column ${name}`, { 'data.csv': csvText(renamed, columns) }, { tasks })),
    );
    const text = `[${rows.map((r) => `{"x":${r.x},"z":${r.z},"colour":"${r.colour}",${JSON.stringify(name)}:${r.target},"flag":"${r.flag}"}`).join(',')}]`;
    inputs.push(
      json(
        configInput(
          `json task column ${name}`,
          { ...BASES.json, data: { ...BASES.json.data, file: { ...BASES.json.data.file, tasks } } },
          { 'data.json': text },
        ),
      ),
    );
    const feature = csvText(
      rows.map(({ x, ...r }) =>
        Object.assign(Object.create(null), r, JSON.parse(`{${JSON.stringify(name)}: ${x}}`)),
      ),
      [name, 'z', 'colour', 'target', 'flag'],
    );
    inputs.push({
      ...withFile(`csv feature column ${name}`, { 'data.csv': feature }, { features: [name, 'z', 'colour'] }),
      expect: { code: 0 },
    });
  }
  // Broken tables.
  const broken: [string, string, (0 | 2)?][] = [
    ['empty', '', 2],
    ['blank lines', '\n\n  \n'],
    ['header only', 'x,z,colour,target,flag\n', 2],
    ['ragged short', `${CSV}1,2\n`, 2],
    ['ragged long', `${CSV}1,2,red,3,yes,extra\n`, 2],
    ['missing column', csvText(rows.map(({ flag: _, ...r }) => r)), 2],
    ['unclosed quote', `${CSV}"1,2,red,3,yes\n`, 2],
    ['duplicate header', CSV.replace('x,z,', 'x,x,'), 2],
    ['BOM and CRLF', `\uFEFF${CSV.replace(/\n/g, '\r\n')}`, 0],
    ['CR only', CSV.replace(/\n/g, '\r'), 0],
    ['hex feature', CSV.replace(/\n0,/, '\n0x10,'), 2],
    ['one-class flag', csvText(rows.map((r) => ({ ...r, flag: 'yes' })))],
    ['three rows', csvText(rows.slice(0, 3))],
    ['all targets missing', csvText(rows.map((r) => ({ ...r, target: '' })))],
    ['all features missing', csvText(rows.map((r) => ({ ...r, x: 'NA' })))],
    ['text colour numbers', csvText(rows.map((r, i) => ({ ...r, colour: i % 2 ? 1 : 'one' })))],
    [
      'many categories',
      csvText(Array.from({ length: 1500 }, (_, i) => ({ ...rows[i % 60]!, colour: `c${i}` }))),
    ],
    ['spaces around numbers', csvText(rows.map((r) => ({ ...r, x: ` ${r.x} ` }))), 0],
    ['NUL bytes', CSV.replace('red', 're\u0000d')],
    ['binary junk', '\u0000\u0001\u0002,\uFFFF\n\u0007'],
  ];
  for (const [label, text, code] of broken)
    inputs.push({
      ...withFile(`csv ${label}`, { 'data.csv': text }),
      ...(code === undefined ? {} : { expect: { code } }),
    });
  const oneClass = csvText(rows.map((r) => ({ ...r, flag: 'yes' })));
  inputs.push(
    withFile(
      'csv one-class multiclass task',
      { 'data.csv': oneClass },
      { tasks: { target: 'regression', flag: 'multiclass' } },
    ),
  );
  const brokenJson: [string, string, (0 | 2)?][] = [
    ['empty', ''],
    ['not an array', '{"x": 1}'],
    ['numbers', '[1, 2, 3]'],
    ['nested arrays', '[[1, 2], [3, 4]]'],
    ['deep', deepArray()],
    ['deep row', `[${deepObject()}]`],
    ['empty array', '[]'],
    ['invalid', '[{"x": 1,}]'],
    ['rows with missing keys', JSON.stringify(rows.map((r, i) => (i % 5 === 0 ? { x: r.x } : r))), 0],
    ['booleans', JSON.stringify(rows.map((r) => ({ ...r, flag: r.flag === 'yes' }))), 0],
    ['string numbers', JSON.stringify(rows.map((r) => ({ ...r, x: String(r.x) }))), 0],
    ['hex strings', JSON.stringify(rows.map((r, i) => ({ ...r, x: i === 4 ? '0x10' : r.x }))), 2],
    ['__proto__ row key', JSON.stringify(rows).replace(/"x":/g, '"__proto__":{"x":1},"x":'), 0],
  ];
  for (const [label, text, code] of brokenJson)
    inputs.push({
      ...configInput(`json ${label}`, BASES.json, { 'data.json': text }),
      ...(code === undefined ? { expect: { code: 2 } } : { expect: { code } }),
    });
  return inputs;
}

function commandLineInputs(): FuzzInput[] {
  const good = JSON.stringify(BASES.penguins);
  const lines: [string, string[], Record<string, string>?][] = [
    ['--epochs abc', ['--epochs', 'abc']],
    ['--epochs 1e3', ['--epochs', '1e3']],
    ['--epochs -1', ['--epochs', '-1']],
    ['--epochs 100001', ['--epochs', '100001']],
    ['--epochs missing', ['--epochs']],
    ['--seed 1e308', ['--seed', '1e308']],
    ['--seed x', ['--seed', 'x']],
    ['--seed 2^32', ['--seed', '4294967296']],
    ['--methods empty', ['--methods', '']],
    ['--methods ew,,pcgrad', ['--methods', 'ew,,pcgrad']],
    ['--methods EW', ['--methods', 'EW']],
    ['--methods __proto__', ['--methods', '__proto__']],
    ['--out a file', ['--out', '@/config.json']],
    ['--out empty', ['--out=']],
    ['--out under a file', ['--out', '@/config.json/sub']],
    ['--frob', ['--frob']],
    ['--__proto__', ['--__proto__=1']],
    ['two files', ['run', '@/config.json', '@/config.json']],
    ['compare alone', ['compare']],
    ['no such config', ['run', '@/nope.json']],
    ['config is a folder', ['run', '@/']],
    ['--verbose', ['--verbose', 'run', '@/config.json']],
    ['--json', ['--json', 'run', '@/config.json']],
    ['--help', ['--help']],
  ];
  const out: FuzzInput[] = lines.map(([label, args, files]) => ({
    label: `argv ${label}`,
    files: { 'config.json': good, ...files },
    args:
      args.includes('@/config.json') ||
      args[0] === 'compare' ||
      args.includes('@/') ||
      args.includes('@/nope.json')
        ? args
        : ['run', '@/config.json', ...args],
  }));
  for (const [label, text] of [
    ['empty', ''],
    ['array', '[]'],
    ['null', 'null'],
    ['string', '"ew"'],
    ['invalid', '{"epochs": 1,}'],
    ['NaN literal', '{"epochs": NaN}'],
    ['BOM', `\uFEFF${good}`],
    ['deep', `{"data": {"options": ${deepObject()}}}`],
    ['deep methods', `{"methods": ${deepArray()}}`],
    ['deep name', `{"name": ${deepArray()}}`],
    ['deep seeds', `{"seeds": ${deepArray()}}`],
    ['deep hidden', `{"architecture": {"hidden": ${deepArray()}}}`],
    ['huge seeds', `{"seeds": [${Array(200_000).fill(0).join(',')}]}`],
    ['__proto__ key', `{"__proto__": {"epochs": 1}, "methods": ["ew"], "epochs": 1}`],
  ] as const)
    out.push({
      label: `config file ${label}`,
      files: { 'config.json': text },
      args: ['run', '@/config.json'],
    });
  return out;
}

/** A small valid sweep (2 × 2 settings, one epoch, one seed): every accepted mutation runs in about a second. */
const SWEEP_BASE = {
  ...TINY,
  name: 'fuzz-sweep',
  methods: ['ew', 'cagrad'],
  sweep: {
    grid: { 'optimizer.lr': [0.01, 0.003], 'methodOptions.cagrad.calpha': [0.2] },
    random: { samples: 2, seed: 0, ranges: { batchSize: { min: 16, max: 64, integer: true } } },
    select: 'deltaM',
  },
};

/** Values at and past the sweep section's bounds, by field name (none makes a valid but long sweep). */
const SWEEP_BOUNDARY: Record<string, Json[]> = {
  samples: [0, -1, 1001, 1e9, 1.5, '2', null],
  seed: [-1, 2 ** 32, 0.5, 'x'],
  min: [0, -1, 1e308, 'x', null, 70],
  max: [0, -1, 'x', null, 8],
  log: ['yes', 1, true],
  integer: ['no', 0, false],
  select: [
    '',
    'x',
    'accuracy',
    'sex.accuracy',
    'species.wingspan',
    'wings.f1',
    '__proto__.x',
    'loss',
    'deltaM.x',
  ],
  'optimizer.lr': [[], [0], [-1], ['x'], [1e300], Array(1001).fill(0.01), [0.01, 0.01]],
};

/** Grid fields a user might write: unknown roots, prototype names, another method's option, nonsense. */
const SWEEP_FIELDS = [
  'data.dataset',
  'seeds',
  'methods',
  '__proto__',
  'optimizer.__proto__',
  'optimizer.constructor.x',
  'methodOptions.cagrad',
  'methodOptions.ew.calpha',
  'methodOptions.nosuch.x',
  'architecture.type',
  'architecture.hidden',
  'epochs',
  'optimizer.name',
  'optimizer..lr',
  '',
  'optimizer.lr ',
];

/** Mutated sweep sections, run with `sweep --workers 1`: exit 0, or 2 with one line naming the field. */
function sweepInputs(random: () => number, junkValues: Json[]): FuzzInput[] {
  const input = (label: string, config: Json): FuzzInput => ({
    ...configInput(`sweep: ${label}`, config),
    args: ['sweep', '@/config.json', '--workers', '1'],
  });
  const inputs = [input('base', SWEEP_BASE)];
  const all = paths(SWEEP_BASE.sweep, ['sweep']);
  for (let k = 0; k < 40; k++) {
    const path = all[Math.floor(random() * all.length)]!;
    const field = String(path.at(-1));
    const options = SWEEP_BOUNDARY[field];
    const value =
      options !== undefined && random() < 0.6
        ? options[Math.floor(random() * options.length)]
        : junkValues[(k * 13) % junkValues.length];
    inputs.push(
      input(`${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`, setPath(SWEEP_BASE, path, value)),
    );
  }
  for (const field of SWEEP_FIELDS) {
    const values =
      field === 'architecture.type' ? ['mmoe', 'hps'] : field === 'architecture.hidden' ? [[2], [0]] : [1];
    inputs.push(
      input(`grid field ${JSON.stringify(field)}`, {
        ...SWEEP_BASE,
        sweep: { ...SWEEP_BASE.sweep, grid: { ...SWEEP_BASE.sweep.grid, [field]: values } },
      }),
    );
  }
  return inputs;
}

/** The fuzz inputs for a seed: about 500, in a fixed order. */
export function fuzzInputs(seed: number, configMutations = 300): FuzzInput[] {
  // mulberry32: uniform draws (fast-check's own doubles lean on edge values by design).
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const junkValues = fc.sample(junk(), { numRuns: configMutations, seed: seed + 1 }).map(jsonJunk);
  const inputs: FuzzInput[] = [];
  const bases = Object.entries(BASES);
  for (const [name, base] of bases) inputs.push(configInput(`base ${name}`, base));
  for (let k = 0; k < configMutations; k++) {
    const [baseName, base] = bases[k % bases.length]!;
    const all = paths(base);
    const path = all[Math.floor(random() * all.length)]!;
    const field = String(path.filter((p) => typeof p === 'string').at(-1));
    const op = random();
    let label: string;
    let config: Json;
    // Deleting epochs, seeds or methods falls back to the full default experiment (40 epochs,
    // 3 seeds, 8 methods): valid but slow, so those get junk instead.
    if (op < 0.15 && !['epochs', 'seeds', 'methods'].includes(path.join('.'))) {
      config = setPath(base, path, undefined, true);
      label = `delete ${path.join('.')}`;
    } else if (op < 0.55 || BOUNDARY[field] === undefined) {
      const value = junkValues[k]!;
      config = setPath(base, path, value);
      label = `${path.join('.')} = junk ${JSON.stringify(value)?.slice(0, 40)}`;
    } else {
      const options = BOUNDARY[field]!;
      const value = options[Math.floor(random() * options.length)];
      config = setPath(base, path, value);
      label = `${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`;
    }
    // Now and then a field the config does not know, or a dataset option for another dataset.
    if (random() < 0.05) config = { ...config, [String(junkValues[(k * 7) % junkValues.length])]: 1 };
    inputs.push(configInput(`${baseName}: ${label}`, config));
  }
  inputs.push(...dataInputs(random));
  inputs.push(...commandLineInputs());
  inputs.push(...sweepInputs(random, junkValues));
  return inputs;
}

/** `@/x` is the input's folder's x; a run without --out writes into its folder. */
export function prepareArgs(args: string[], folder: string): string[] {
  const out = args.map((a) => a.replace(/^@\//, `${folder}/`).replace(/^(--\w+=)@\//, `$1${folder}/`));
  return out.some((a) => a === '--out' || a.startsWith('--out=')) ? out : [...out, '--out', `${folder}/out`];
}
