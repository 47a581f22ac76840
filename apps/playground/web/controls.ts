/**
 * The config form: one labelled control per config field, drawn from a config and read back into
 * a raw object for `parseConfig` (which reports the bad field). Sections whose fields depend on a
 * choice (the dataset's knobs, the chosen methods' hyperparameters, the architecture's sizes)
 * are redrawn when that choice changes.
 */
import {
  ACTIVATIONS,
  ARCHITECTURES,
  DATASET_OPTIONS,
  DATASETS,
  type ExperimentConfig,
  METHODS,
  OPTIMIZERS,
  SCHEDULES,
} from '../src/config';
import { METHOD_TABLE } from '../src/methods';
import { OPTIMIZER_LABELS } from '../src/optimizers';
import { escapeHtml } from '../src/report/escapeHtml';

const ARCHITECTURE_LABELS: Record<string, string> = {
  hps: 'Hard parameter sharing',
  mmoe: 'MMoE',
  cgc: 'CGC',
  ple: 'PLE',
  crossstitch: 'Cross-stitch',
};

const DATASET_LABELS: Record<string, string> = {
  penguins: 'Penguins (3 tasks)',
  relatedTasks: 'Related tasks (conflict knob)',
  gradNormToy: 'GradNorm toy',
  cagradToy: 'CAGrad toy (2-D)',
  file: 'Your CSV/JSON file',
};

function field(id: string, label: string, input: string, hint = ''): string {
  return `<div class="field"><label for="${id}">${escapeHtml(label)}</label>${input}${
    hint ? `<small id="${id}-hint">${escapeHtml(hint)}</small>` : ''
  }</div>`;
}

function select(id: string, options: readonly string[], value: string, labels: Record<string, string> = {}) {
  return `<select id="${id}">${options
    .map(
      (o) => `<option value="${o}"${o === value ? ' selected' : ''}>${escapeHtml(labels[o] ?? o)}</option>`,
    )
    .join('')}</select>`;
}

function number(id: string, value: number | undefined, step = 'any', placeholder = ''): string {
  return `<input id="${id}" type="number" step="${step}" value="${value ?? ''}" placeholder="${escapeHtml(placeholder)}">`;
}

/** A text input; `hinted` links it to the hint its field prints below it. */
function text(id: string, value: string, hinted = false): string {
  return `<input id="${id}" type="text" value="${escapeHtml(value)}"${hinted ? ` aria-describedby="${id}-hint"` : ''}>`;
}

function checkboxes(
  name: string,
  options: readonly string[],
  checked: readonly string[],
  labels: Record<string, string>,
) {
  return options
    .map(
      (o) =>
        `<label class="check"><input type="checkbox" name="${name}" value="${o}"${
          checked.includes(o) ? ' checked' : ''
        }> ${escapeHtml(labels[o] ?? o)}</label>`,
    )
    .join('');
}

const list = (xs: readonly number[]) => xs.join(', ');

/** The form's HTML for a config. */
export function renderForm(config: ExperimentConfig): string {
  const { data, architecture: a, optimizer: o } = config;
  const knobs = DATASET_OPTIONS[data.dataset];
  const methodLabels = Object.fromEntries(METHODS.map((m) => [m, METHOD_TABLE[m].label]));
  const hyper = config.methods.flatMap((m) =>
    Object.entries(METHOD_TABLE[m].hyperparameters as Record<string, number>).map(([k, d]) =>
      field(
        `f-hp-${m}-${k}`,
        `${METHOD_TABLE[m].label} ${k}`,
        number(`f-hp-${m}-${k}`, config.methodOptions[m]?.[k], 'any', String(d)),
      ),
    ),
  );
  const file = data.file;
  return `
<fieldset><legend>Experiment</legend>
  ${field('f-name', 'Name', text('f-name', config.name))}
</fieldset>
<fieldset><legend>Data</legend>
  ${field('f-dataset', 'Dataset', select('f-dataset', DATASETS, data.dataset, DATASET_LABELS))}
  ${knobs
    .map((k) => {
      const v = data.options[k];
      return k === 'sigmas'
        ? field(
            `f-opt-${k}`,
            'sigmas',
            text(`f-opt-${k}`, Array.isArray(v) ? list(v) : '', true),
            'One scale per task, comma-separated; empty: 1 to 100, log-spaced.',
          )
        : field(
            `f-opt-${k}`,
            k,
            number(`f-opt-${k}`, typeof v === 'number' ? v : undefined, 'any', 'default'),
          );
    })
    .join('')}
  ${
    data.dataset === 'file'
      ? `${field('f-file', 'Table file (.csv or .json)', '<input id="f-file" type="file" accept=".csv,.json,text/csv,application/json">', file ? `Current: ${file.path}` : 'Pick a file from your computer; it stays in this browser.')}
  ${field('f-file-features', 'Feature columns', text('f-file-features', file?.features.join(', ') ?? '', true), 'Comma-separated; text columns are one-hot encoded.')}
  ${field(
    'f-file-tasks',
    'Task columns',
    text(
      'f-file-tasks',
      file
        ? Object.entries(file.tasks)
            .map(([c, t]) => `${c}:${t}`)
            .join(', ')
        : '',
      true,
    ),
    'column:type, … with type regression, binary or multiclass.',
  )}`
      : ''
  }
  ${data.dataset === 'cagradToy' ? '' : field('f-split', 'Train, validation, test fractions', text('f-split', list(data.split)))}
</fieldset>
${
  data.dataset === 'cagradToy'
    ? ''
    : `<fieldset><legend>Architecture</legend>
  ${field('f-arch', 'Type', select('f-arch', ARCHITECTURES, a.type, ARCHITECTURE_LABELS))}
  ${field('f-hidden', a.type === 'hps' ? 'Shared layer sizes' : a.type === 'crossstitch' ? 'Column layer sizes' : 'Expert layer sizes', text('f-hidden', list(a.hidden)))}
  ${field('f-activation', 'Activation', select('f-activation', ACTIVATIONS, a.activation))}
  ${['mmoe', 'cgc', 'ple'].includes(a.type) ? field('f-experts', 'Shared experts', number('f-experts', a.experts, '1')) : ''}
  ${['cgc', 'ple'].includes(a.type) ? field('f-task-experts', 'Experts per task', number('f-task-experts', a.taskExperts, '1')) : ''}
  ${a.type === 'ple' ? field('f-levels', 'Extraction levels', number('f-levels', a.levels, '1')) : ''}
</fieldset>`
}
<fieldset><legend>Optimizer</legend>
  ${field('f-optimizer', 'Optimizer', select('f-optimizer', OPTIMIZERS, o.name, OPTIMIZER_LABELS))}
  ${field('f-lr', 'Learning rate', number('f-lr', o.lr))}
  ${field('f-optimizer-options', 'Other options (JSON)', text('f-optimizer-options', JSON.stringify(o.options), true), 'e.g. {"weightDecay": 0.0001}')}
  ${field('f-schedule', 'LR schedule (per epoch)', select('f-schedule', SCHEDULES, o.schedule.type))}
  ${o.schedule.type === 'step' ? field('f-step-size', 'Step size (epochs)', number('f-step-size', o.schedule.stepSize, '1')) : ''}
  ${['step', 'exponential'].includes(o.schedule.type) ? field('f-gamma', 'Gamma', number('f-gamma', o.schedule.gamma)) : ''}
  <div class="field"><span id="f-optimizers-label">Compare optimizers</span>
    <div class="checks" role="group" aria-labelledby="f-optimizers-label">${checkboxes('f-optimizers', OPTIMIZERS, config.optimizers, OPTIMIZER_LABELS)}</div></div>
</fieldset>
<fieldset><legend>Methods</legend>
  <div class="checks" role="group" aria-label="Weighting methods">${checkboxes('f-methods', METHODS, config.methods, methodLabels)}</div>
  ${hyper.join('')}
</fieldset>
<fieldset><legend>Training</legend>
  ${field('f-epochs', data.dataset === 'cagradToy' ? 'Steps' : 'Epochs', number('f-epochs', config.epochs, '1'))}
  ${data.dataset === 'cagradToy' ? '' : field('f-batch', 'Batch size', number('f-batch', config.batchSize, '1'))}
  ${field('f-seeds', 'Seeds', text('f-seeds', list(config.seeds), true), 'The page trains the first seed; the CLI averages over all.')}
</fieldset>`;
}

/** Reads the form into a raw config (unparsed: `parseConfig` names what is wrong). */
export function readForm(form: HTMLElement, previous: ExperimentConfig): Record<string, unknown> {
  const value = (id: string) => form.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)?.value;
  const num = (id: string, fallback: number | undefined) => {
    const v = value(id);
    if (v === undefined) return fallback;
    return v.trim() === '' ? undefined : Number(v);
  };
  const nums = (id: string, fallback: number[]) => {
    const v = value(id);
    if (v === undefined) return fallback;
    return v
      .split(',')
      .filter((x) => x.trim() !== '')
      .map(Number);
  };
  const checked = (name: string) =>
    [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((c) => c.value);
  const dataset = value('f-dataset') ?? previous.data.dataset;
  const options: Record<string, number | number[]> = {};
  for (const k of DATASET_OPTIONS[dataset as ExperimentConfig['data']['dataset']] ?? []) {
    const v = k === 'sigmas' ? nums(`f-opt-${k}`, []) : num(`f-opt-${k}`, undefined);
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) options[k] = v;
  }
  const methods = checked('f-methods');
  const methodOptions: Record<string, Record<string, number>> = {};
  for (const m of methods) {
    for (const k of Object.keys(METHOD_TABLE[m as keyof typeof METHOD_TABLE]?.hyperparameters ?? {})) {
      const v = num(`f-hp-${m}-${k}`, previous.methodOptions[m as keyof typeof METHOD_TABLE]?.[k]);
      if (v !== undefined) methodOptions[m] = { ...methodOptions[m], [k]: v };
    }
  }
  let optimizerOptions: unknown = previous.optimizer.options;
  const optionsText = value('f-optimizer-options');
  if (optionsText !== undefined) {
    try {
      optimizerOptions = optionsText.trim() === '' ? {} : JSON.parse(optionsText);
    } catch {
      optimizerOptions = `not JSON: ${optionsText}`;
    }
  }
  return {
    name: value('f-name') ?? previous.name,
    data: {
      dataset,
      split: nums('f-split', previous.data.split),
      options,
      file: dataset === 'file' ? readFile(form, previous) : null,
    },
    architecture: {
      type: value('f-arch') ?? previous.architecture.type,
      hidden: nums('f-hidden', previous.architecture.hidden),
      activation: value('f-activation') ?? previous.architecture.activation,
      experts: num('f-experts', previous.architecture.experts),
      taskExperts: num('f-task-experts', previous.architecture.taskExperts),
      levels: num('f-levels', previous.architecture.levels),
    },
    optimizer: {
      name: value('f-optimizer'),
      lr: num('f-lr', undefined),
      options: optimizerOptions,
      schedule: {
        type: value('f-schedule'),
        stepSize: num('f-step-size', previous.optimizer.schedule.stepSize),
        gamma: num('f-gamma', previous.optimizer.schedule.gamma),
      },
    },
    methods,
    methodOptions,
    optimizers: checked('f-optimizers'),
    epochs: num('f-epochs', undefined),
    batchSize: num('f-batch', previous.batchSize),
    seeds: nums('f-seeds', previous.seeds),
  };
}

function readFile(form: HTMLElement, previous: ExperimentConfig): Record<string, unknown> {
  const value = (id: string) => form.querySelector<HTMLInputElement>(`#${id}`)?.value ?? '';
  // Null prototype: a column may be called "__proto__".
  const tasks: Record<string, string> = Object.create(null);
  for (const part of value('f-file-tasks').split(',')) {
    const [column, type] = part.split(':').map((s) => s.trim());
    if (column) tasks[column] = type ?? '';
  }
  return {
    path: form.dataset.fileName ?? previous.data.file?.path ?? '',
    features: value('f-file-features')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    tasks,
    // Not a control of its own: kept from the config (a link or a preset).
    ...(previous.data.file?.dropBadRows ? { dropBadRows: true } : {}),
  };
}
