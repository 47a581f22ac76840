/** Ready-made experiments for the preset menu; each is a partial config over the defaults. */
export const PRESETS: Record<string, { label: string; config: Record<string, unknown> }> = {
  penguins: {
    label: 'Penguins: species, sex and body mass (EW vs PCGrad vs UPGrad)',
    config: { name: 'penguins', methods: ['ew', 'pcgrad', 'upgrad'], seeds: [0] },
  },
  gradNormToy: {
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
  cagradToy: {
    label: 'CAGrad toy: two objectives on the plane (EW vs MGDA vs PCGrad vs CAGrad)',
    config: {
      name: 'cagrad-toy',
      data: { dataset: 'cagradToy' },
      methods: ['ew', 'mgda', 'pcgrad', 'cagrad'],
      optimizer: { lr: 0.05 },
      epochs: 400,
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
