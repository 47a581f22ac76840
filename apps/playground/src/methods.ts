/**
 * The weighting methods the playground offers: display name, class, and the numeric
 * hyperparameters a user may set, read from the class's `defaults`.
 */
import {
  AlignedMTL,
  CAGrad,
  ConFIG,
  DBMTL,
  DualProj,
  DWA,
  EW,
  ExcessMTL,
  FairGrad,
  GLS,
  GradDrop,
  GradNorm,
  GradVac,
  IMTL,
  IMTLL,
  Krum,
  MGDA,
  MoCo,
  MoDo,
  NashMTL,
  PCGrad,
  RLW,
  SDMGrad,
  STCH,
  TrimmedMean,
  UPGrad,
  UW,
  type WeightingMethod,
} from '@mtl/multitask';

type Options = Record<string, number>;

/** A method class: takes its options, lists them with their defaults in `defaults`. */
// biome-ignore lint/suspicious/noExplicitAny: each class takes its own options type
type MethodClass = (new (options?: any) => WeightingMethod) & { readonly defaults: object };

interface MethodEntry {
  label: string;
  Method: MethodClass;
  /** The numeric options a user may set here, with the library's defaults (`Method.defaults`). */
  hyperparameters: Options;
}

const entry = (label: string, Method: MethodClass): MethodEntry => ({
  label,
  Method,
  hyperparameters: Object.fromEntries(
    Object.entries(Method.defaults).filter((kv): kv is [string, number] => typeof kv[1] === 'number'),
  ),
});

export const METHOD_TABLE = {
  ew: entry('EW', EW),
  uw: entry('UW', UW),
  dwa: entry('DWA', DWA),
  gls: entry('GLS', GLS),
  rlw: entry('RLW', RLW),
  gradnorm: entry('GradNorm', GradNorm),
  imtll: entry('IMTL-L', IMTLL),
  stch: entry('STCH', STCH),
  mgda: entry('MGDA', MGDA),
  pcgrad: entry('PCGrad', PCGrad),
  cagrad: entry('CAGrad', CAGrad),
  gradvac: entry('GradVac', GradVac),
  imtl: entry('IMTL', IMTL),
  nashmtl: entry('Nash-MTL', NashMTL),
  alignedmtl: entry('Aligned-MTL', AlignedMTL),
  upgrad: entry('UPGrad', UPGrad),
  dualproj: entry('DualProj', DualProj),
  graddrop: entry('GradDrop', GradDrop),
  dbmtl: entry('DB-MTL', DBMTL),
  config: entry('ConFIG', ConFIG),
  fairgrad: entry('FairGrad', FairGrad),
  moco: entry('MoCo', MoCo),
  excessmtl: entry('ExcessMTL', ExcessMTL),
  sdmgrad: entry('SDMGrad', SDMGrad),
  modo: entry('MoDo', MoDo),
  krum: entry('Krum', Krum),
  trimmedmean: entry('TrimmedMean', TrimmedMean),
} satisfies Record<string, MethodEntry>;

export type MethodName = keyof typeof METHOD_TABLE;
export const METHODS = Object.keys(METHOD_TABLE) as MethodName[];

/**
 * The display name and a factory of a method with the user's hyperparameters (the library fills
 * in the rest), initialised for `tasks` when given.
 */
export function methodFactory(
  name: MethodName,
  tasks: string[],
  options: Options = {},
): { label: string; make: () => WeightingMethod } {
  const { label, Method }: MethodEntry = METHOD_TABLE[name];
  return {
    label,
    make: () => {
      const method = new Method(options);
      return tasks.length > 0 ? method.init(tasks) : method;
    },
  };
}

/** A method's display name (`PCGrad` for `pcgrad`); any other name as it is. */
export function methodLabel(name: string): string {
  return Object.hasOwn(METHOD_TABLE, name) ? METHOD_TABLE[name as MethodName].label : name;
}
