/**
 * The weighting methods the playground offers: display name, the numeric hyperparameters a user
 * may set (with their defaults, which are the library's), and a factory.
 */
import {
  AlignedMTL,
  CAGrad,
  ConFIG,
  DBMTL,
  DualProj,
  DWA,
  EW,
  FairGrad,
  GLS,
  GradDrop,
  GradNorm,
  GradVac,
  IMTL,
  IMTLL,
  MGDA,
  MoCo,
  NashMTL,
  PCGrad,
  RLW,
  STCH,
  UPGrad,
  UW,
  type WeightingMethod,
} from '@mtl/multitask';

type Options = Record<string, number>;

interface MethodEntry {
  label: string;
  /** Hyperparameter → default value. */
  hyperparameters: Options;
  make(tasks: string[], options: Options): WeightingMethod;
}

export const METHOD_TABLE = {
  ew: { label: 'EW', hyperparameters: {}, make: () => new EW() },
  uw: { label: 'UW', hyperparameters: { init: -0.5 }, make: (tasks, o) => new UW({ tasks, ...o }) },
  dwa: { label: 'DWA', hyperparameters: { temperature: 2 }, make: (_, o) => new DWA(o) },
  gls: { label: 'GLS', hyperparameters: {}, make: () => new GLS() },
  rlw: { label: 'RLW', hyperparameters: { seed: 0 }, make: (_, o) => new RLW(o) },
  gradnorm: {
    label: 'GradNorm',
    hyperparameters: { alpha: 1.5 },
    make: (tasks, o) => new GradNorm({ tasks, ...o }),
  },
  imtll: { label: 'IMTL-L', hyperparameters: { init: 0 }, make: (tasks, o) => new IMTLL({ tasks, ...o }) },
  stch: { label: 'STCH', hyperparameters: { mu: 1, warmupEpochs: 4 }, make: (_, o) => new STCH(o) },
  mgda: { label: 'MGDA', hyperparameters: {}, make: () => new MGDA() },
  pcgrad: { label: 'PCGrad', hyperparameters: { seed: 0 }, make: (_, o) => new PCGrad(o) },
  cagrad: {
    label: 'CAGrad',
    hyperparameters: { calpha: 0.5, rescale: 1 },
    make: (_, o) => new CAGrad(o as { calpha: number; rescale: 0 | 1 | 2 }),
  },
  gradvac: { label: 'GradVac', hyperparameters: { beta: 0.5, seed: 0 }, make: (_, o) => new GradVac(o) },
  imtl: { label: 'IMTL', hyperparameters: {}, make: () => new IMTL() },
  nashmtl: {
    label: 'Nash-MTL',
    hyperparameters: { maxNorm: 1, updateWeightsEvery: 1, maxIter: 20 },
    make: (_, o) => new NashMTL(o),
  },
  alignedmtl: { label: 'Aligned-MTL', hyperparameters: {}, make: () => new AlignedMTL() },
  upgrad: { label: 'UPGrad', hyperparameters: { eps: 1e-4, normEps: 1e-4 }, make: (_, o) => new UPGrad(o) },
  dualproj: {
    label: 'DualProj',
    hyperparameters: { eps: 1e-4, normEps: 1e-4 },
    make: (_, o) => new DualProj(o),
  },
  graddrop: { label: 'GradDrop', hyperparameters: { leak: 0, seed: 0 }, make: (_, o) => new GradDrop(o) },
  dbmtl: { label: 'DB-MTL', hyperparameters: { beta: 0.9, betaSigma: 0 }, make: (_, o) => new DBMTL(o) },
  config: { label: 'ConFIG', hyperparameters: {}, make: () => new ConFIG() },
  fairgrad: { label: 'FairGrad', hyperparameters: { alpha: 1 }, make: (_, o) => new FairGrad(o) },
  moco: {
    label: 'MoCo',
    hyperparameters: { beta: 0.5, gamma: 0.1, rho: 0 },
    make: (_, o) => new MoCo(o),
  },
} satisfies Record<string, MethodEntry>;

export type MethodName = keyof typeof METHOD_TABLE;
export const METHODS = Object.keys(METHOD_TABLE) as MethodName[];

/** The display name and a factory of a method, with the user's hyperparameters over the defaults. */
export function methodFactory(
  name: MethodName,
  tasks: string[],
  options: Options = {},
): { label: string; make: () => WeightingMethod } {
  const entry: MethodEntry = METHOD_TABLE[name];
  return { label: entry.label, make: () => entry.make(tasks, { ...entry.hyperparameters, ...options }) };
}
