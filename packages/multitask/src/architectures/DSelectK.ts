import {
  add,
  clamp,
  matmul,
  mul,
  reshape,
  select,
  softmax,
  square,
  squeeze,
  sub,
  unsqueeze,
  type Variable,
  type VariableLike,
} from '@mtl/autograd';
import { init, Linear, Module, type ModuleDict } from '@mtl/nn';
import {
  checkInteger,
  checkNumber,
  type DType,
  type Generator,
  mustBe,
  tensor,
  ValueError,
} from '@mtl/tensor';
import { checkFloatDType, checkGenerator, checkOptions } from '../data/check';
import {
  checkCommon,
  checkExpertOptions,
  checkLayerList,
  checkMlpOptions,
  checkParameterCount,
  checkPerTask,
  checkWidth,
  countTasks,
  MAX_EXPERTS,
  mlpParameterCount,
  towersParameterCount,
} from './checkArgs';
import { expertMlps, type Layer, perTask, towerMlps } from './gate';
import { MMoE, type MMoEMlpOptions } from './MMoE';

export interface DSelectKGateOptions {
  /** Number of selectors: at most k experts get weight once the selectors are binary. */
  k: number;
  /** Width of the smooth step's ramp. Default 1. */
  gamma?: number;
  dtype?: DType;
  generator?: Generator;
}

/**
 * The per-example DSelect-k gate (Hazimeh et al. 2021). With m = max(1, ⌈log₂ E⌉) bits and
 * the smooth step S(t) = 0 for t ≤ −γ/2, 1 for t ≥ γ/2, −2t³/γ³ + 3t/(2γ) + 1/2 between:
 *
 *   z = codeLogits(x) ∈ ℝ^{k×m},  α = softmax(selectorLogits(x)) ∈ Δ^k,
 *   r_i(j) = Π_l [ bit_l(j) · S(z_il) + (1 − bit_l(j)) · (1 − S(z_il)) ]   for codes j < 2^m,
 *   w_e = Σ_i α_i · Σ_{j ≡ e (mod E)} r_i(j).
 *
 * Each r_i is a distribution over the 2^m codes (a product of per-bit Bernoullis), so w sums to
 * 1; when S saturates at 0 or 1 selector i is a one-hot choice and w has at most k non-zeros.
 * When E is not a power of two the codes j ≥ E would name no expert: we fold them onto expert
 * j mod E so the weights still sum to 1 (the paper assumes a power of two). The code logits
 * start in U(−γ/100, γ/100), as the reference implementation, so S starts on its ramp and
 * every selector starts uniform. The paper's entropy regulariser is not included.
 */
export class DSelectKGate extends Module {
  readonly codeLogits: Linear;
  readonly selectorLogits: Linear;
  readonly k: number;
  readonly gamma: number;
  readonly bits: number;

  readonly inFeatures: number;
  readonly numExperts: number;

  /**
   * @throws ValueError for inFeatures outside [1, 65,536], numExperts or k outside [1, 1024], a
   *   gamma that is not a finite number > 0, options that are not `{ k, gamma?, dtype?,
   *   generator? }`; DTypeError for a dtype other than float32 or float64
   */
  constructor(inFeatures: number, numExperts: number, options: DSelectKGateOptions) {
    const op = 'DSelectKGate';
    const checkedIn = checkWidth(op, 'inFeatures', inFeatures);
    const checkedExperts = checkInteger(op, 'numExperts', numExperts, { min: 1, max: MAX_EXPERTS });
    if (options === undefined)
      throw new ValueError(`${op}: options must be given, at least { k } — got undefined`);
    const o = checkOptions(op, 'options', options, ['k', 'gamma', 'dtype', 'generator']);
    const k = checkInteger(op, 'k', o.k, { min: 1, max: MAX_EXPERTS, fix: 'the number of selectors' });
    const gamma = checkNumber(op, 'gamma', o.gamma ?? 1, { min: 0, minExclusive: true });
    const dtype = checkFloatDType(op, 'dtype', o.dtype);
    const generator = checkGenerator(op, 'generator', o.generator);
    super();
    this.inFeatures = checkedIn;
    this.numExperts = checkedExperts;
    this.k = k;
    this.gamma = gamma;
    this.bits = Math.max(1, Math.ceil(Math.log2(numExperts)));
    this.codeLogits = new Linear(inFeatures, k * this.bits, { dtype, generator });
    for (const p of [this.codeLogits.weight, this.codeLogits.bias!]) {
      init.uniform(p.value, { low: -gamma / 100, high: gamma / 100, generator });
    }
    this.selectorLogits = new Linear(inFeatures, k, { dtype, generator });
  }

  /** The expert weights [..., E] for inputs [..., in]; each row sums to 1. */
  forward(x: VariableLike): Variable {
    const z = this.codeLogits.forward(x);
    const s = smoothStep(reshape(z, [...z.shape.slice(0, -1), this.k, this.bits]), this.gamma);
    const codes = 2 ** this.bits;
    let r: Variable | null = null; // [..., k, codes]
    for (let l = 0; l < this.bits; l++) {
      const bit = tensor(
        Array.from({ length: codes }, (_, j) => (j >> l) & 1),
        { dtype: s.dtype },
      );
      const sl = unsqueeze(select(s, -1, l), -1);
      // bit·S + (1 − bit)·(1 − S) = (1 − S) + bit·(2S − 1)
      const factor = add(sub(1, sl), mul(bit, sub(mul(2, sl), 1)));
      r = r === null ? factor : mul(r, factor);
    }
    const fold = tensor(
      Array.from({ length: codes * this.numExperts }, (_, q) =>
        Math.floor(q / this.numExperts) % this.numExperts === q % this.numExperts ? 1 : 0,
      ),
      { dtype: s.dtype, shape: [codes, this.numExperts] },
    );
    const perSelector = matmul(r!, fold); // [..., k, E]
    const alpha = softmax(this.selectorLogits.forward(x), -1); // [..., k]
    return squeeze(matmul(unsqueeze(alpha, -2), perSelector), -2);
  }
}

/** S(t): 0 below −γ/2, 1 above γ/2, the cubic −2t³/γ³ + 3t/(2γ) + 1/2 between (C¹ at the ends). */
export function smoothStep(t: VariableLike, gamma = 1): Variable {
  const c = clamp(t, -gamma / 2, gamma / 2);
  return add(mul(c, sub(3 / (2 * gamma), mul(2 / gamma ** 3, square(c)))), 0.5);
}

export interface DSelectKMlpOptions extends MMoEMlpOptions {
  /** Number of selectors per gate. */
  k: number;
  /** The smooth step's ramp width. Default 1. */
  gamma?: number;
}

/**
 * MMoE with DSelect-k gates (Hazimeh et al. 2021): each task mixes the experts with the weights
 * of its `DSelectKGate`, which become k-sparse as the smooth steps saturate. Names, shared
 * parameters (the experts), task parameters (gate and tower) and the representation (stacked
 * expert outputs [N, E, k]) are MMoE's.
 */
export class DSelectK extends MMoE {
  declare readonly gates: ModuleDict<DSelectKGate>;

  /**
   * @throws ValueError unless given `{ experts, gates, towers }` with at least one expert Module
   *   and, per task, a DSelectKGate and a tower Module; ValueError when a gate selects among a
   *   different number of experts, or gates and towers name different tasks
   */
  constructor(options: {
    experts: readonly Layer[];
    gates: Record<string, DSelectKGate>;
    towers: Record<string, Layer>;
  }) {
    const o = checkOptions('DSelectK', 'options', options, ['experts', 'gates', 'towers']);
    const experts = checkLayerList('DSelectK', 'experts', o.experts, 1, 'expert') as Layer[];
    const gates = checkPerTask('DSelectK', 'gates', o.gates, '{ taskA: new DSelectKGate(…) }', (v, where) => {
      if (!(v instanceof DSelectKGate)) {
        throw new ValueError(
          mustBe('DSelectK', where, 'a DSelectKGate', v, 'new DSelectKGate(inFeatures, numExperts, { k })'),
        );
      }
      return v;
    });
    const towers = o.towers as Record<string, Layer>;
    for (const [task, gate] of Object.entries(gates)) {
      if (gate.numExperts !== experts.length) {
        throw new ValueError(
          `DSelectK: the gate of ${task} selects among ${gate.numExperts} experts, but there are ${experts.length}`,
        );
      }
    }
    super({ experts, gates, towers });
  }

  /**
   * The common case in one line: MLP experts, DSelect-k gates, MLP towers.
   *
   * @throws ValueError naming the option for an empty `expertHidden`, sizes that are not integers
   *   in [1, 65,536], numExperts or k outside [1, 1024], a gamma that is not a finite number > 0,
   *   tasks that are not `{ name: outputSize }`, an unknown option or activation, or a model
   *   above 2²⁷ parameters; DTypeError for a dtype other than float32 or float64
   */
  static override mlp(mlpOptions: DSelectKMlpOptions): DSelectK {
    const op = 'DSelectK.mlp';
    const o = checkMlpOptions(op, mlpOptions, ['expertHidden', 'numExperts', 'k', 'gamma', 'towerHidden']);
    const { inputSize, expertHidden, numExperts, tasks, towerHidden } = checkExpertOptions(op, o, [
      'numExperts',
    ]);
    const k = checkInteger(op, 'k', o.k, {
      min: 1,
      max: MAX_EXPERTS,
      fix: 'the number of selectors per gate',
    });
    const gamma = checkNumber(op, 'gamma', o.gamma ?? 1, { min: 0, minExclusive: true });
    const { activation, dtype, generator } = checkCommon(op, o);
    const bits = Math.max(1, Math.ceil(Math.log2(numExperts)));
    checkParameterCount(
      op,
      numExperts * mlpParameterCount([inputSize, ...expertHidden]) +
        countTasks(tasks) * (inputSize + 1) * (k * bits + k) +
        towersParameterCount(tasks, expertHidden.at(-1)!, towerHidden),
    );
    const options = { activation, dtype, generator };
    const experts = expertMlps('DSelectK.mlp', numExperts, inputSize, expertHidden, options);
    const gates = perTask(
      tasks,
      () => new DSelectKGate(inputSize, numExperts, { k, gamma, dtype, generator }),
    );
    const towers = towerMlps(tasks, expertHidden, towerHidden, options);
    return new DSelectK({ experts, gates, towers });
  }

  protected override gate(task: string, x: VariableLike): Variable {
    return this.gates.get(task).forward(x);
  }
}
