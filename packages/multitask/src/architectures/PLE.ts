import type { Parameter, Variable, VariableLike } from '@mtl/autograd';
import { Linear, Module, ModuleDict, ModuleList } from '@mtl/nn';
import { checkInteger, type DType, type Generator, MtlError, mustBe, ValueError } from '@mtl/tensor';
import { checkOptions } from '../data/check';
import {
  checkCommon,
  checkExpertOptions,
  checkLayer,
  checkLayerList,
  checkLayerRecord,
  checkMlpOptions,
  checkParameterCount,
  checkPerTask,
  countTasks,
  MAX_EXPERTS,
  mlpParameterCount,
  towersParameterCount,
} from './checkArgs';
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

  /**
   * @throws ValueError unless given `{ sharedExperts, taskExperts, gates, sharedGate? }` with at
   *   least one shared expert Module, per task an array of expert Modules and a gate, and a
   *   Module or null as the shared gate; ValueError when gates and taskExperts name different tasks
   */
  constructor(options: {
    sharedExperts: readonly Layer[];
    taskExperts: Record<string, readonly Layer[]>;
    /** Per task, from the task's input to (its experts + shared experts) logits. */
    gates: Record<string, Layer>;
    /** From the shared input to (every task's experts + shared experts) logits; omit on the last level. */
    sharedGate?: Layer | null;
  }) {
    const op = 'PLELevel';
    const o = checkOptions(op, 'options', options, ['sharedExperts', 'taskExperts', 'gates', 'sharedGate']);
    const sharedExperts = checkLayerList(op, 'sharedExperts', o.sharedExperts, 1, 'shared expert') as Layer[];
    const taskExperts = checkPerTask(op, 'taskExperts', o.taskExperts, '{ taskA: [expert, …] }', (v, where) =>
      checkLayerList(op, where, v, 0),
    ) as Record<string, Layer[]>;
    const gates = checkLayerRecord(op, 'gates', o.gates) as Record<string, Layer>;
    const sharedGate =
      o.sharedGate === undefined || o.sharedGate === null
        ? null
        : (checkLayer(op, 'sharedGate', o.sharedGate) as Layer);
    super();
    checkSameTasks('PLELevel', { gates, taskExperts });
    if (sharedExperts.length === 0) throw new ValueError('PLELevel: needs at least one shared expert');
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

  /**
   * @throws ValueError unless given `{ levels, towers }` with at least one PLELevel and a tower
   *   Module per task; ValueError when the levels' gates and the towers name different tasks, or
   *   the shared gates are not on every level but the last
   */
  constructor(options: { levels: readonly PLELevel[]; towers: Record<string, Layer> }) {
    const op = new.target.name;
    const o = checkOptions(op, 'options', options, ['levels', 'towers']);
    if (!Array.isArray(o.levels))
      throw new ValueError(mustBe(op, 'levels', 'an array of PLELevel', o.levels));
    o.levels.forEach((level: unknown, l: number) => {
      if (!(level instanceof PLELevel)) {
        throw new ValueError(
          mustBe(op, `levels[${l}]`, 'a PLELevel', level, 'new PLELevel({ sharedExperts, … })'),
        );
      }
    });
    const levels = o.levels as PLELevel[];
    const towers = checkLayerRecord(op, 'towers', o.towers) as Record<string, Layer>;
    super(Object.keys(towers));
    if (levels.length === 0) throw new ValueError(`${new.target.name}: needs at least one level`);
    for (const [l, level] of levels.entries()) {
      checkSameTasks(new.target.name, {
        towers,
        [`levels[${l}].gates`]: Object.fromEntries(level.gates.items),
      });
      const last = l === levels.length - 1;
      if (last && level.sharedGate !== null) {
        throw new ValueError(
          `${new.target.name}: the last level's shared gate would feed nothing; leave it out`,
        );
      }
      if (!last && level.sharedGate === null) {
        throw new ValueError(
          `${new.target.name}: level ${l} needs a shared gate to make level ${l + 1}'s shared input`,
        );
      }
    }
    this.levels = new ModuleList(levels);
    this.towers = new ModuleDict(towers);
  }

  /**
   * The common case in one line: MLP experts, Linear gates, MLP towers.
   *
   * @throws ValueError naming the option for an empty `expertHidden` (the experts need an
   *   output size), sizes that are not integers in [1, 65,536], numSharedExperts or levels
   *   outside [1, 1024], numTaskExperts outside [0, 1024], tasks that are not
   *   `{ name: outputSize }`, an unknown option or activation, or a model above 2²⁷ parameters;
   *   DTypeError for a dtype other than float32 or float64
   */
  static mlp(mlpOptions: PLEMlpOptions): PLE {
    const op = 'PLE.mlp';
    const o = checkMlpOptions(op, mlpOptions, [
      'expertHidden',
      'numSharedExperts',
      'numTaskExperts',
      'levels',
      'towerHidden',
    ]);
    const { inputSize, expertHidden, numSharedExperts, numTaskExperts, tasks, towerHidden } =
      checkExpertOptions(op, o, ['numSharedExperts', 'numTaskExperts']);
    const levels = checkInteger(op, 'levels', o.levels, { min: 1, max: MAX_EXPERTS });
    const { activation, dtype, generator } = checkCommon(op, o);
    const options = { activation, dtype, generator };
    const numTasks = countTasks(tasks);
    const top = expertHidden.at(-1)!;
    let count = towersParameterCount(tasks, top, towerHidden);
    for (let l = 0; l < levels; l++) {
      const size = l === 0 ? inputSize : top;
      const experts = numSharedExperts + numTasks * numTaskExperts;
      count += experts * mlpParameterCount([size, ...expertHidden]);
      count += numTasks * (size + 1) * (numTaskExperts + numSharedExperts);
      if (l + 1 < levels) count += (size + 1) * experts;
    }
    checkParameterCount(op, count);
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
