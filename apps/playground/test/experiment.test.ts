import { grad, variable } from '@mtl/autograd';
import { cagradToyLosses } from '@mtl/multitask';
import { tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { type FileData, parseConfig } from '../src/config';
import { runExperiment } from '../src/experiment';
import { loadData, prepareExperiment, runSpecs } from '../src/prepare';
import { parseCsv, tableColumns } from '../src/tabular';
import { TOY_POINTS, toyLandscape, toyRecordEvery, toySteps } from '../src/toy';

describe('runs of a config', () => {
  it('are its methods, times its optimizers when several are compared', () => {
    expect(runSpecs(parseConfig({ methods: ['ew', 'pcgrad'] })).map((r) => r.label)).toEqual([
      'EW',
      'PCGrad',
    ]);
    const specs = runSpecs(parseConfig({ methods: ['ew'], optimizers: ['adam', 'sgd'] }));
    expect(specs).toEqual([
      { label: 'EW · Adam', method: 'ew', optimizer: 'adam', architecture: 'hps' },
      { label: 'EW · SGD', method: 'ew', optimizer: 'sgd', architecture: 'hps' },
    ]);
    const both = runSpecs(
      parseConfig({ methods: ['ew'], optimizers: ['adam', 'sgd'], architectures: ['hps', 'mmoe'] }),
    );
    expect(both.map((r) => r.label)).toEqual([
      'EW · Hard sharing · Adam',
      'EW · MMoE · Adam',
      'EW · Hard sharing · SGD',
      'EW · MMoE · SGD',
    ]);
  });

  it.each(['hps', 'mmoe', 'cgc', 'ple', 'crossstitch'])('builds a %s model for the data', (type) => {
    const config = parseConfig({ architecture: { type, hidden: [8] } });
    const prepared = prepareExperiment(config, loadData(config));
    const model = prepared.model(0);
    expect(model.tasks).toEqual(['species', 'sex', 'bodyMass']);
    const out = model.forward(prepared.train.features);
    expect(out.species!.shape).toEqual([prepared.train.length, 3]);
  });

  it('trains with a schedule and two optimizers from the CLI runner', async () => {
    const config = parseConfig({
      methods: ['ew'],
      optimizers: ['adam', 'rmsprop'],
      optimizer: { lr: 0.01, schedule: { type: 'step', stepSize: 1, gamma: 0.5 } },
      epochs: 2,
      seeds: [0],
    });
    const results = await runExperiment(config);
    expect(results.methods.map((m) => m.method)).toEqual(['EW · Adam', 'EW · RMSprop']);
    expect(results.methods[0]!.metrics.species!.accuracy!.mean).toBeGreaterThan(0.4);
  });
});

describe('a table from a file', () => {
  const file: FileData = {
    path: 'birds.csv',
    features: ['wing', 'island'],
    tasks: { mass: 'regression', sex: 'binary', kind: 'multiclass' },
  };
  const csv =
    'wing,island,mass,sex,kind\n1.5,"Dream, north",3.2,m,a\n2,Biscoe,NA,f,b\n,Biscoe,1,f,c\n3,Dream,4,,a\n';

  it('parses quoted CSV fields and missing values', () => {
    expect(parseCsv('a,b\n"x, ""y""",\n')).toEqual([{ a: 'x, "y"', b: null }]);
  });

  it('encodes features (one-hot for text) and tasks by type; drops rows missing a feature', () => {
    const data = tableColumns(csv, file);
    expect(data.featureNames).toEqual(['wing', 'island=Biscoe', 'island=Dream', 'island=Dream, north']);
    expect(data.features.shape).toEqual([3, 4]);
    expect(Array.from(data.labels.mass!.data)).toEqual([3.2, Number.NaN, 4]);
    expect(Array.from(data.labels.sex!.data)).toEqual([1, 0, Number.NaN]);
    expect(data.tasks.kind).toEqual({ type: 'multiclass', classes: ['a', 'b'] });
    expect(Array.from(data.labels.kind!.data)).toEqual([0, 1, 0]);
  });

  it('reads a JSON array of rows the same way', () => {
    const rows = [
      { wing: 1, island: 'A', mass: 2, sex: 'm', kind: 'x' },
      { wing: 2, island: 'B', mass: 3, sex: 'f', kind: 'y' },
    ];
    const data = tableColumns(JSON.stringify(rows), {
      ...file,
      path: 'birds.json',
      tasks: { ...file.tasks },
    });
    expect(data.features.shape).toEqual([2, 3]);
  });

  it.each([
    ['wing,mass\n1,2\n', 'birds.csv: no column "island" (columns: wing, mass)'],
    [
      'wing,island,mass,sex,kind\n1,A,heavy,m,a\n',
      'birds.csv: row 1 (line 2), column "mass": "heavy" is not a number',
    ],
    [
      'wing,island,mass,sex,kind\n1,A,1,m,a\n1,A,1,f,a\n1,A,1,x,a\n',
      'birds.csv: binary task "sex" needs exactly two classes, found 3 ("f", "m", "x") — use multiclass',
    ],
    ['wing,island,mass,sex,kind\n1,A,1\n', 'birds.csv: row 1 (line 2) has 3 fields, the header has 5'],
    ['wing,island\n"1,A\n', 'birds.csv: a quoted field starting on line 2 is never closed'],
  ])('names what is wrong in %j', (text, message) => {
    expect(() => tableColumns(text, file)).toThrow(message);
  });
});

describe('the CAGrad toy', () => {
  it('moves x from the paper’s start, one step per epoch', () => {
    const config = parseConfig({ data: { dataset: 'cagradToy' }, epochs: 5, optimizer: { lr: 0.1 } });
    const steps = [...toySteps(config, 'cagrad')];
    expect(steps).toHaveLength(5);
    expect(steps[0]!.x).not.toEqual([-8.5, 7.5]);
    expect(Object.keys(steps[4]!.weights)).toEqual(['l1', 'l2']);
  });

  it('records the cosine of the two tasks’ gradients for every method, loss-level ones too', async () => {
    const config = parseConfig({ data: { dataset: 'cagradToy' }, epochs: 1 });
    const x = variable(tensor([-8.5, 7.5], { dtype: 'float64' }), { requiresGrad: true });
    const { l1, l2 } = cagradToyLosses(x);
    const [g1] = grad([l1], [x], { retainGraph: true });
    const [g2] = grad([l2], [x]);
    const [a, b] = [g1!.data, g2!.data];
    const expected = (a[0]! * b[0]! + a[1]! * b[1]!) / (Math.hypot(a[0]!, a[1]!) * Math.hypot(b[0]!, b[1]!));
    for (const method of ['ew', 'cagrad'] as const) {
      expect([...toySteps(config, method)][0]!.cosine).toBeCloseTo(expected, 12);
    }
    const results = await runExperiment(
      parseConfig({ data: { dataset: 'cagradToy' }, methods: ['cagrad'], epochs: 3 }),
    );
    const cosine = results.methods[0]!.curves.cosine!;
    expect(cosine[0]![0]).toBe(1);
    expect(cosine[0]![1]).toBe(cosine[1]![0]);
  });

  it('runs from the CLI runner with final losses as metrics', async () => {
    const config = parseConfig({ data: { dataset: 'cagradToy' }, methods: ['ew', 'mgda'], epochs: 20 });
    const results = await runExperiment(config);
    expect(results.methods.map((m) => m.method)).toEqual(['EW', 'MGDA']);
    expect(Number.isFinite(results.methods[1]!.metrics.l2!.finalLoss!.mean)).toBe(true);
    expect(results.methods[0]!.curves.epochLoss.l1).toHaveLength(20);
  });

  it('keeps about 2,000 steps of a long run, and the gradient cosine only for those', () => {
    expect([
      toyRecordEvery(400),
      toyRecordEvery(2000),
      toyRecordEvery(2001),
      toyRecordEvery(100_000),
    ]).toEqual([1, 1, 2, 50]);
    const config = parseConfig({ data: { dataset: 'cagradToy' }, methods: ['ew'], epochs: 2001 });
    const steps = [...toySteps(config, 'ew')];
    const kept = steps.filter((s) => s.recorded);
    // Every second step (steps 1, 3, …, 1999) and the last one.
    expect(kept.map((s) => s.step).slice(0, 3)).toEqual([1, 3, 5]);
    expect(kept.at(-1)!.step).toBe(2000);
    expect(kept).toHaveLength(TOY_POINTS / 2 + 1);
    expect(steps.filter((s) => s.cosine !== undefined)).toEqual(kept);
  });

  it('draws a landscape grid', () => {
    const { values } = toyLandscape(5);
    expect(values).toHaveLength(25);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});
