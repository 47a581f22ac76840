import type { Parameter, Variable, VariableLike } from '@mtl/autograd';
import { Linear, ModuleDict, ModuleList } from '@mtl/nn';
import { type DType, type Generator, ValueError } from '@mtl/tensor';
import { checkOptions } from '../data/check';
import {
  checkCommon,
  checkExpertOptions,
  checkLayerList,
  checkLayerRecord,
  checkMlpOptions,
  checkParameterCount,
  checkPerTask,
  countTasks,
  mlpParameterCount,
  towersParameterCount,
} from './checkArgs';
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
  gateWeights: Record<string, Variable> = Object.create(null);

  /**
   * @throws ValueError unless given `{ sharedExperts, taskExperts, gates, towers }` with at least
   *   one shared expert Module and, per task, an array of expert Modules, a gate and a tower;
   *   ValueError when they name different tasks
   */
  constructor(options: {
    sharedExperts: readonly Layer[];
    taskExperts: Record<string, readonly Layer[]>;
    /** Per task, a module from the input to (its experts + shared experts) logits. */
    gates: Record<string, Layer>;
    towers: Record<string, Layer>;
  }) {
    const op = new.target.name;
    const o = checkOptions(op, 'options', options, ['sharedExperts', 'taskExperts', 'gates', 'towers']);
    const sharedExperts = checkLayerList(op, 'sharedExperts', o.sharedExperts, 1, 'shared expert') as Layer[];
    const taskExperts = checkPerTask(op, 'taskExperts', o.taskExperts, '{ taskA: [expert, …] }', (v, where) =>
      checkLayerList(op, where, v, 0),
    ) as Record<string, Layer[]>;
    const gates = checkLayerRecord(op, 'gates', o.gates) as Record<string, Layer>;
    const towers = checkLayerRecord(op, 'towers', o.towers) as Record<string, Layer>;
    super(checkSameTasks(op, { towers, gates, taskExperts }));
    if (sharedExperts.length === 0) {
      throw new ValueError(
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

  /**
   * The common case in one line: MLP experts, Linear gates, MLP towers.
   *
   * @throws ValueError naming the option for an empty `expertHidden` (the experts need an
   *   output size), sizes that are not integers in [1, 65,536], numSharedExperts outside
   *   [1, 1024] or numTaskExperts outside [0, 1024], tasks that are not `{ name: outputSize }`,
   *   an unknown option or activation, or a model above 2²⁷ parameters; DTypeError for a dtype
   *   other than float32 or float64
   */
  static mlp(mlpOptions: CGCMlpOptions): CGC {
    const op = 'CGC.mlp';
    const o = checkMlpOptions(op, mlpOptions, [
      'expertHidden',
      'numSharedExperts',
      'numTaskExperts',
      'towerHidden',
    ]);
    const { inputSize, expertHidden, numSharedExperts, numTaskExperts, tasks, towerHidden } =
      checkExpertOptions(op, o, ['numSharedExperts', 'numTaskExperts']);
    const { activation, dtype, generator } = checkCommon(op, o);
    const numTasks = countTasks(tasks);
    checkParameterCount(
      op,
      (numSharedExperts + numTasks * numTaskExperts) * mlpParameterCount([inputSize, ...expertHidden]) +
        numTasks * (inputSize + 1) * (numTaskExperts + numSharedExperts) +
        towersParameterCount(tasks, expertHidden.at(-1)!, towerHidden),
    );
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
