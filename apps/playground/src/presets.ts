/**
 * Ready-made experiments: the page's preset menu and the CLI's `run <preset>`. Each is a partial
 * config over the defaults.
 */
export const PRESETS: Record<string, { label: string; config: Record<string, unknown> }> = {
  penguins: {
    label: 'Penguins: species, sex and body mass (EW vs PCGrad vs UPGrad)',
    config: { name: 'penguins', methods: ['ew', 'pcgrad', 'upgrad'], seeds: [0] },
  },
  multifashion: visionPreset(
    'multifashion',
    'MultiFashion: two clothing items per image, MultiLeNet (EW vs PCGrad vs MGDA vs UPGrad)',
    'multiFashion',
  ),
  multimnist: visionPreset(
    'multimnist',
    'MultiMNIST: two digits per image, MultiLeNet (needs the MNIST files)',
    'multiMnist',
  ),
  'mmoe-synthetic': {
    label: 'MMoE synthetic tasks, correlation 0.5: hard sharing vs MMoE vs CGC (EW)',
    config: {
      name: 'mmoe-synthetic',
      data: { dataset: 'mmoeSynthetic', options: { correlation: 0.5 }, split: [0.8, 0, 0.2] },
      // Hard sharing gets one 113-unit shared layer, so it has about MMoE's parameter count (8
      // experts of 16 units); with a 16-unit layer it would have a seventh of it, and lose for that.
      architecture: { type: 'mmoe', hidden: [16], hiddenByType: { hps: [113] }, experts: 8, taskExperts: 2 },
      architectures: ['hps', 'mmoe', 'cgc'],
      methods: ['ew'],
      optimizer: { name: 'adam', lr: 0.001 },
      epochs: 20,
      batchSize: 128,
      seeds: [0],
    },
  },
  'gradnorm-toy': {
    label: 'GradNorm toy: tasks on different scales (EW vs UW vs GradNorm)',
    config: {
      name: 'gradnorm-toy',
      data: { dataset: 'gradNormToy', options: { tasks: 4 } },
      architecture: { hidden: [64, 64] },
      methods: ['ew', 'uw', 'gradnorm'],
      optimizer: { lr: 0.005 },
      epochs: 20,
      seeds: [0],
    },
  },
  'cagrad-toy': {
    label: "CAGrad toy, the paper's recipe (Adam 1e-3, 100,000 steps): EW vs MGDA vs PCGrad vs CAGrad",
    config: {
      name: 'cagrad-toy',
      data: { dataset: 'cagradToy' },
      methods: ['ew', 'mgda', 'pcgrad', 'cagrad'],
      optimizer: { name: 'adam', lr: 0.001 },
      epochs: 100_000,
      seeds: [0],
    },
  },
  conflict: {
    label: 'Conflict knob: four related tasks with conflicting parts (EW vs PCGrad vs MGDA)',
    config: {
      name: 'conflict',
      data: { dataset: 'relatedTasks', options: { tasks: 4, conflict: 0.8 } },
      methods: ['ew', 'pcgrad', 'mgda'],
      epochs: 20,
      seeds: [0],
    },
  },
  optimizers: {
    label: 'Optimizers: Adam vs SGD vs RMSprop on penguins (EW)',
    config: { name: 'optimizers', methods: ['ew'], optimizers: ['adam', 'sgd', 'rmsprop'], seeds: [0] },
  },
};

/** A two-task image preset: MultiLeNet, four methods, a short Adam run (the two differ only in data). */
function visionPreset(
  name: string,
  label: string,
  dataset: string,
): { label: string; config: Record<string, unknown> } {
  return {
    label,
    config: {
      name,
      data: { dataset },
      methods: ['ew', 'pcgrad', 'mgda', 'upgrad'],
      optimizer: { name: 'adam', lr: 0.001 },
      epochs: 2,
      batchSize: 32,
      seeds: [0],
    },
  };
}
