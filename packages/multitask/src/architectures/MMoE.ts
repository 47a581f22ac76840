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
  countTasks,
  mlpParameterCount,
  towersParameterCount,
} from './checkArgs';
import {
  checkSameTasks,
  expertMlps,
  type Layer,
  mixExperts,
  perTask,
  runExperts,
  softmaxGate,
  stackExperts,
  towerMlps,
} from './gate';
import { MultiTaskModel } from './MultiTaskModel';
import type { Activation } from './mlp';

export interface MMoEMlpOptions {
  inputSize: number;
  /** Hidden sizes of each expert MLP, e.g. [64, 32]; the last is the experts' output size. */
  expertHidden: readonly number[];
  numExperts: number;
  /** Output size per task, e.g. { ctr: 1, cvr: 1 }. */
  tasks: Record<string, number>;
  /** Hidden sizes of each tower before its output layer. Default [] (a single Linear). */
  towerHidden?: readonly number[];
  activation?: Activation;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Multi-gate mixture of experts (Ma et al. 2018): E experts read the input; each task's gate
 * turns the input into softmax weights over the experts, and its tower reads the gated mixture
 * Σ_e gate_e(x)·expert_e(x). Parameters are named `experts.<e>.*`, `gates.<task>.*`,
 * `towers.<task>.*`.
 *
 * The experts are shared; a task owns its gate and tower. The shared representation is the
 * stacked expert outputs [N, E, k]: every task reads the experts only through it.
 */
export class MMoE extends MultiTaskModel {
  readonly experts: ModuleList<Layer>;
  readonly gates: ModuleDict<Layer>;
  readonly towers: ModuleDict<Layer>;
  /** The weights [N, E] each task's gate gave the experts in the last `forward` (each row sums to 1). */
  gateWeights: Record<string, Variable> = Object.create(null);

  /**
   * @throws ValueError unless given `{ experts, gates, towers }`: at least one expert Module, and
   *   per task a gate and a tower Module; ValueError when gates and towers name different tasks
   */
  constructor(options: {
    experts: readonly Layer[];
    /** Per task, a module from the input to E gate values (logits; the softmax is applied here). */
    gates: Record<string, Layer>;
    towers: Record<string, Layer>;
  }) {
    const op = new.target.name;
    const o = checkOptions(op, 'options', options, ['experts', 'gates', 'towers']);
    const experts = checkLayerList(op, 'experts', o.experts, 1, 'expert') as Layer[];
    const gates = checkLayerRecord(op, 'gates', o.gates) as Record<string, Layer>;
    const towers = checkLayerRecord(op, 'towers', o.towers) as Record<string, Layer>;
    super(checkSameTasks(op, { towers, gates }));
    if (experts.length === 0) throw new ValueError(`${op}: needs at least one expert`);
    this.experts = new ModuleList(experts);
    this.gates = new ModuleDict(gates);
    this.towers = new ModuleDict(towers);
  }

  /**
   * The common case in one line: MLP experts, Linear gates, MLP towers.
   *
   * @throws ValueError naming the option for an empty `expertHidden` (the experts need an
   *   output size), sizes that are not integers in [1, 65,536], numExperts outside [1, 1024],
   *   tasks that are not `{ name: outputSize }`, an unknown option or activation, or a model
   *   above 2²⁷ parameters; DTypeError for a dtype other than float32 or float64
   */
  static mlp(options: MMoEMlpOptions): MMoE {
    const op = 'MMoE.mlp';
    const o = checkMlpOptions(op, options, ['expertHidden', 'numExperts', 'towerHidden']);
    const { inputSize, expertHidden, numExperts, tasks, towerHidden } = checkExpertOptions(op, o, [
      'numExperts',
    ]);
    const { activation, dtype, generator } = checkCommon(op, o);
    const top = expertHidden.at(-1)!;
    checkParameterCount(
      op,
      numExperts * mlpParameterCount([inputSize, ...expertHidden]) +
        countTasks(tasks) * (inputSize + 1) * numExperts +
        towersParameterCount(tasks, top, towerHidden),
    );
    const experts = expertMlps('MMoE.mlp', numExperts, inputSize, expertHidden, {
      activation,
      dtype,
      generator,
    });
    const gates = perTask(tasks, () => new Linear(inputSize, numExperts, { dtype, generator }));
    const towers = towerMlps(tasks, expertHidden, towerHidden, { activation, dtype, generator });
    return new MMoE({ experts, gates, towers });
  }

  forward(x: VariableLike): Record<string, Variable> {
    const stacked = stackExperts(runExperts(this.experts, x));
    this.representation = stacked;
    this.gateWeights = Object.create(null);
    return Object.fromEntries(
      this.tasks.map((task) => {
        const weights = this.gate(task, x);
        this.gateWeights[task] = weights;
        const mixed = mixExperts(`${this.constructor.name} (gate of ${task})`, stacked, weights);
        return [task, this.towers.get(task).forward(mixed) as Variable];
      }),
    );
  }

  /** The task's mixture weights over the experts, [N, E]: the softmax of its gate's output. */
  protected gate(task: string, x: VariableLike): Variable {
    return softmaxGate(this.gates.get(task).forward(x) as Variable);
  }

  sharedParameters(): Parameter[] {
    return this.experts.parameters();
  }

  taskParameters(task: string): Parameter[] {
    this.checkTask(task);
    return [...this.gates.get(task).parameters(), ...this.towers.get(task).parameters()];
  }
}
