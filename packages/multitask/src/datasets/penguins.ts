import { Tensor } from '@mtl/tensor';
import type { DatasetColumns } from './DatasetColumns';
import { penguinsData } from './penguinsData';

const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];
const SPECIES_CODES = ['A', 'C', 'G'];
const ISLANDS = ['Biscoe', 'Dream', 'Torgersen'];
const ISLAND_CODES = ['B', 'D', 'T'];

/** The Palmer penguins data as three tasks; see {@link penguins}. */
export interface PenguinsDataset extends DatasetColumns {
  labels: { species: Tensor; sex: Tensor; bodyMass: Tensor };
  tasks: {
    species: { type: 'multiclass'; classes: string[] };
    sex: { type: 'binary'; classes: string[] };
    bodyMass: { type: 'regression' };
  };
  /** For each row, the index of its record in the source (0…343), to trace a row back. */
  sourceIndex: Int32Array;
}

/**
 * The Palmer penguins data (CC0; Gorman, Williams & Fraser 2014, Palmer Station LTER) as a
 * three-task problem with mixed task types and missing labels. The 344 records are embedded
 * (`penguinsData`, generated from vega-datasets 3.2.1 by `tools/data/penguins.mjs`), so nothing
 * is fetched.
 *
 * Rows: the 2 records without measurements (source indices 3 and 339, which also lack body mass
 * and sex) are dropped, leaving **342** rows in source order (Adelie 151, Chinstrap 68, Gentoo 123).
 *
 * Features (float64 [342, 6], unstandardised), in this order:
 * `billLength`, `billDepth`, `flipperLength` (mm), then the island one-hot
 * `island=Biscoe`, `island=Dream`, `island=Torgersen` (0/1).
 *
 * Tasks:
 * - `species`: multiclass, int32 [342], classes `['Adelie', 'Chinstrap', 'Gentoo']`; never missing.
 * - `sex`: binary, float64 [342], 1 = male, 0 = female (classes `['female', 'male']`); NaN
 *   (missing) for the **9** rows whose record has no sex (8 null, 1 recorded as "."), leaving
 *   168 male and 165 female.
 * - `bodyMass`: regression, float64 [342], in grams; never missing.
 *
 * Species is nearly determined by the bill measurements and island, so it is the easy task;
 * body mass depends on species and sex, which makes the tasks related.
 */
export function penguins(): PenguinsDataset {
  const rows: string[][] = [];
  const sourceIndex: number[] = [];
  penguinsData.forEach((record, i) => {
    const fields = record.split(',');
    // Drop records missing any numeric feature (in this data: all three or none).
    if (fields[2] === '' || fields[3] === '' || fields[4] === '') return;
    rows.push(fields);
    sourceIndex.push(i);
  });

  const n = rows.length;
  const width = 3 + ISLANDS.length;
  const features = new Float64Array(n * width);
  const species = new Int32Array(n);
  const sex = new Float64Array(n);
  const bodyMass = new Float64Array(n);
  rows.forEach(([speciesCode, islandCode, billLength, billDepth, flipperLength, mass, sexCode], i) => {
    features[i * width] = Number(billLength);
    features[i * width + 1] = Number(billDepth);
    features[i * width + 2] = Number(flipperLength);
    features[i * width + 3 + ISLAND_CODES.indexOf(islandCode!)] = 1;
    species[i] = SPECIES_CODES.indexOf(speciesCode!);
    sex[i] = sexCode === 'M' ? 1 : sexCode === 'F' ? 0 : Number.NaN;
    bodyMass[i] = mass === '' ? Number.NaN : Number(mass);
  });

  return {
    features: new Tensor(features, [n, width], 'float64'),
    featureNames: ['billLength', 'billDepth', 'flipperLength', ...ISLANDS.map((name) => `island=${name}`)],
    labels: {
      species: new Tensor(species, [n], 'int32'),
      sex: new Tensor(sex, [n], 'float64'),
      bodyMass: new Tensor(bodyMass, [n], 'float64'),
    },
    tasks: {
      species: { type: 'multiclass', classes: [...SPECIES] },
      sex: { type: 'binary', classes: ['female', 'male'] },
      bodyMass: { type: 'regression' },
    },
    sourceIndex: Int32Array.from(sourceIndex),
  };
}
