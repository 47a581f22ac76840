import type { Parameter, Variable, VariableLike } from '@mtl/autograd';
import { Linear, ModuleDict, ModuleList } from '@mtl/nn';
import { type DType, type Generator, MtlError } from '@mtl/tensor';
import { checkSameTasks, expertMlps, extract, type Layer, perTask, towerMlps } from './gate';
import { MultiTaskModel } from './MultiTaskModel';
import type { Activation } from './mlp';

export interface CGCMlpOptions {
  inputSize: number;
  /** Hidden sizes of each expert MLP, e.g. [64, 32]; the last is the experts' output size. */
  expertHidden: readonly number[];
  /** Experts every task's gate mixes (at least one). */
  numSharedExperts: number;
  /** Experts of each task, mixed only by that task's gate. */
  numTaskExperts: number;
  /** Output size per task, e.g. { ctr: 1, cvr: 1 }. */
  tasks: Record<string, number>;
  /** Hidden sizes of each tower before its output layer. Default [] (a single Linear). */
  towerHidden?: readonly number[];
  activation?: Activation;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Customized gate control (Tang et al. 2020, the one-level PLE): shared experts plus each
 * task's own experts, all reading the input; each task's softmax gate mixes its own experts
 * then the shared ones (in that order), and its tower reads the mixture. Parameters are named
 * `sharedExperts.<e>.*`, `taskExperts.<task>.<e>.*`, `gates.<task>.*`, `towers.<task>.*`.
 *
 * The shared experts are shared; a task owns its experts, gate and tower. The shared
 * representation is the stacked shared-expert outputs [N, S, k].
 */
export class CGC extends MultiTaskModel {
  readonly sharedExperts: ModuleList<Layer>;
  readonly taskExperts: ModuleDict<ModuleList<Layer>>;
  readonly gates: ModuleDict<Layer>;
  readonly towers: ModuleDict<Layer>;
  /** The weights each task's gate gave [its experts…, shared experts…] in the last `forward`. */
  gateWeights: Record<string, Variable> = {};

  constructor({
    sharedExperts,
    taskExperts,
    gates,
    towers,
  }: {
    sharedExperts: readonly Layer[];
    taskExperts: Record<string, readonly Layer[]>;
    /** Per task, a module from the input to (its experts + shared experts) logits. */
    gates: Record<string, Layer>;
    towers: Record<string, Layer>;
  }) {
    super(checkSameTasks(new.target.name, { towers, gates, taskExperts }));
    if (sharedExperts.length === 0) {
      throw new MtlError(
        `${new.target.name}: needs at least one shared expert (without one, train the tasks apart)`,
      );
    }
    this.sharedExperts = new ModuleList(sharedExperts);
    this.taskExperts = new ModuleDict(
      Object.fromEntries(Object.entries(taskExperts).map(([t, es]) => [t, new ModuleList(es)])),
    );
    this.gates = new ModuleDict(gates);
    this.towers = new ModuleDict(towers);
  }

  /** The common case in one line: MLP experts, Linear gates, MLP towers. */
  static mlp({
    inputSize,
    expertHidden,
    numSharedExperts,
    numTaskExperts,
    tasks,
    towerHidden = [],
    activation = 'relu',
    dtype,
    generator,
  }: CGCMlpOptions): CGC {
    const options = { activation, dtype, generator };
    const sharedExperts = expertMlps('CGC.mlp', numSharedExperts, inputSize, expertHidden, options);
    const taskExperts = perTask(tasks, () =>
      expertMlps('CGC.mlp', numTaskExperts, inputSize, expertHidden, options),
    );
    const gates = perTask(
      tasks,
      () => new Linear(inputSize, numTaskExperts + numSharedExperts, { dtype, generator }),
    );
    const towers = towerMlps(tasks, expertHidden, towerHidden, options);
    return new CGC({ sharedExperts, taskExperts, gates, towers });
  }

  forward(x: VariableLike): Record<string, Variable> {
    const inputs = Object.fromEntries(this.tasks.map((t) => [t, x]));
    const { sharedExperts, taskExperts, gates } = this;
    const parts = { sharedExperts, taskExperts, gates, sharedGate: null };
    const level = extract(this.constructor.name, parts, this.tasks, inputs, x);
    this.representation = level.sharedStacked;
    this.gateWeights = level.weights;
    return Object.fromEntries(
      this.tasks.map((task) => [task, this.towers.get(task).forward(level.tasks[task]!) as Variable]),
    );
  }

  sharedParameters(): Parameter[] {
    return this.sharedExperts.parameters();
  }

  taskParameters(task: string): Parameter[] {
    this.checkTask(task);
    return [
      ...this.taskExperts.get(task).parameters(),
      ...this.gates.get(task).parameters(),
      ...this.towers.get(task).parameters(),
    ];
  }
}
