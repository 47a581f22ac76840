import type { Parameter, Variable, VariableLike } from '@mtl/autograd';
import { Linear, Module, ModuleDict, ModuleList } from '@mtl/nn';
import { type DType, type Generator, MtlError } from '@mtl/tensor';
import {
  checkSameTasks,
  type ExtractionParts,
  expertMlps,
  extract,
  type Layer,
  perTask,
  towerMlps,
} from './gate';
import { MultiTaskModel } from './MultiTaskModel';
import type { Activation } from './mlp';

/**
 * One PLE extraction level: shared experts, each task's experts and gate, and (on every level
 * but the last) a shared gate over all of the level's experts, which makes the next level's
 * shared input. Parameters are named `sharedExperts.<e>.*`, `taskExperts.<task>.<e>.*`,
 * `gates.<task>.*`, `sharedGate.*`.
 */
export class PLELevel extends Module implements ExtractionParts {
  readonly sharedExperts: ModuleList<Layer>;
  readonly taskExperts: ModuleDict<ModuleList<Layer>>;
  readonly gates: ModuleDict<Layer>;
  readonly sharedGate: Layer | null;

  constructor({
    sharedExperts,
    taskExperts,
    gates,
    sharedGate = null,
  }: {
    sharedExperts: readonly Layer[];
    taskExperts: Record<string, readonly Layer[]>;
    /** Per task, from the task's input to (its experts + shared experts) logits. */
    gates: Record<string, Layer>;
    /** From the shared input to (every task's experts + shared experts) logits; omit on the last level. */
    sharedGate?: Layer | null;
  }) {
    super();
    checkSameTasks('PLELevel', { gates, taskExperts });
    if (sharedExperts.length === 0) throw new MtlError('PLELevel: needs at least one shared expert');
    this.sharedExperts = new ModuleList(sharedExperts);
    this.taskExperts = new ModuleDict(
      Object.fromEntries(Object.entries(taskExperts).map(([t, es]) => [t, new ModuleList(es)])),
    );
    this.gates = new ModuleDict(gates);
    this.sharedGate = sharedGate;
  }

  forward(): never {
    throw new MtlError('PLELevel: has no forward of its own; a PLE model runs its levels');
  }
}

export interface PLEMlpOptions {
  inputSize: number;
  /** Hidden sizes of each expert MLP (every level), e.g. [32]; the last is the experts' output size. */
  expertHidden: readonly number[];
  numSharedExperts: number;
  numTaskExperts: number;
  /** Number of extraction levels (1 is CGC). */
  levels: number;
  /** Output size per task, e.g. { ctr: 1, cvr: 1 }. */
  tasks: Record<string, number>;
  /** Hidden sizes of each tower before its output layer. Default [] (a single Linear). */
  towerHidden?: readonly number[];
  activation?: Activation;
  dtype?: DType;
  generator?: Generator;
}

/**
 * Progressive layered extraction (Tang et al. 2020): CGC levels stacked. Level 0 reads the
 * input everywhere; on level l > 0 a task's experts and gate read that task's mixture from
 * level l − 1, and the shared experts and shared gate read the shared gate's mixture. The
 * last level has no shared gate; its task mixtures feed the towers. Parameters are named
 * `levels.<l>.*` and `towers.<task>.*`.
 *
 * What is shared follows what each loss depends on, not the modules' names. Below the top two
 * levels a task's gate feeds its experts of the next level, which the next shared gate mixes
 * for every task; below the top level a task's experts feed that level's shared gate. So a
 * task owns its tower, its experts and gate on the last level, and its gate on the level
 * before; everything else is shared. With one level the shared representation is the stacked
 * shared-expert outputs [N, S, k], as in CGC; with more, the shared computation reaches the
 * towers through several tensors (each task's mixture and the shared experts), so there is no
 * single representation and `representation` stays null.
 */
export class PLE extends MultiTaskModel {
  readonly levels: ModuleList<PLELevel>;
  readonly towers: ModuleDict<Layer>;
  /** The weights of each task's gate on every level in the last `forward`: gateWeights[l][task]. */
  gateWeights: Record<string, Variable>[] = [];
  /** The shared gates' weights on every level but the last in the last `forward`. */
  sharedGateWeights: Variable[] = [];

  constructor({ levels, towers }: { levels: readonly PLELevel[]; towers: Record<string, Layer> }) {
    super(Object.keys(towers));
    if (levels.length === 0) throw new MtlError(`${new.target.name}: needs at least one level`);
    for (const [l, level] of levels.entries()) {
      checkSameTasks(new.target.name, {
        towers,
        [`levels[${l}].gates`]: Object.fromEntries(level.gates.items),
      });
      const last = l === levels.length - 1;
      if (last && level.sharedGate !== null) {
        throw new MtlError(
          `${new.target.name}: the last level's shared gate would feed nothing; leave it out`,
        );
      }
      if (!last && level.sharedGate === null) {
        throw new MtlError(
          `${new.target.name}: level ${l} needs a shared gate to make level ${l + 1}'s shared input`,
        );
      }
    }
    this.levels = new ModuleList(levels);
    this.towers = new ModuleDict(towers);
  }

  /** The common case in one line: MLP experts, Linear gates, MLP towers. */
  static mlp({
    inputSize,
    expertHidden,
    numSharedExperts,
    numTaskExperts,
    levels,
    tasks,
    towerHidden = [],
    activation = 'relu',
    dtype,
    generator,
  }: PLEMlpOptions): PLE {
    if (!Number.isInteger(levels) || levels < 1) {
      throw new MtlError(`PLE.mlp: levels must be a positive integer, got ${levels}`);
    }
    const options = { activation, dtype, generator };
    const numTasks = Object.keys(tasks).length;
    const built = Array.from({ length: levels }, (_, l) => {
      const size = l === 0 ? inputSize : expertHidden.at(-1)!;
      return new PLELevel({
        sharedExperts: expertMlps('PLE.mlp', numSharedExperts, size, expertHidden, options),
        taskExperts: perTask(tasks, () => expertMlps('PLE.mlp', numTaskExperts, size, expertHidden, options)),
        gates: perTask(
          tasks,
          () => new Linear(size, numTaskExperts + numSharedExperts, { dtype, generator }),
        ),
        sharedGate:
          l + 1 < levels
            ? new Linear(size, numTasks * numTaskExperts + numSharedExperts, { dtype, generator })
            : null,
      });
    });
    return new PLE({ levels: built, towers: towerMlps(tasks, expertHidden, towerHidden, options) });
  }

  forward(x: VariableLike): Record<string, Variable> {
    let taskInputs: Record<string, VariableLike> = Object.fromEntries(this.tasks.map((t) => [t, x]));
    let sharedInput: VariableLike = x;
    this.gateWeights = [];
    this.sharedGateWeights = [];
    this.representation = null;
    for (const [l, level] of [...this.levels].entries()) {
      const out = extract(`${this.constructor.name} level ${l}`, level, this.tasks, taskInputs, sharedInput);
      this.gateWeights.push(out.weights);
      if (out.sharedWeights !== null) this.sharedGateWeights.push(out.sharedWeights);
      if (this.levels.length === 1) this.representation = out.sharedStacked;
      taskInputs = out.tasks;
      sharedInput = out.shared ?? sharedInput;
    }
    return Object.fromEntries(
      this.tasks.map((task) => [task, this.towers.get(task).forward(taskInputs[task]!) as Variable]),
    );
  }

  sharedParameters(): Parameter[] {
    const owned = new Set(this.tasks.flatMap((t) => this.taskParameters(t)));
    return this.parameters().filter((p) => !owned.has(p));
  }

  taskParameters(task: string): Parameter[] {
    this.checkTask(task);
    const n = this.levels.length;
    const last = this.levels.at(n - 1);
    return [
      ...(n >= 2
        ? this.levels
            .at(n - 2)
            .gates.get(task)
            .parameters()
        : []),
      ...last.taskExperts.get(task).parameters(),
      ...last.gates.get(task).parameters(),
      ...this.towers.get(task).parameters(),
    ];
  }
}
