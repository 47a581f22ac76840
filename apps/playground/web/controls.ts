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
  defaultName,
  type ExperimentConfig,
  isImageDataset,
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
  multilenet: 'MultiLeNet (Sener & Koltun)',
};
/** The architectures for feature vectors (MultiLeNet takes the images, and only it does). */
const VECTOR_ARCHITECTURES = ARCHITECTURES.filter((a) => a !== 'multilenet');

const DATASET_LABELS: Record<string, string> = {
  penguins: 'Penguins (3 tasks)',
  relatedTasks: 'Related tasks (conflict knob)',
  gradNormToy: 'GradNorm toy',
  mmoeSynthetic: 'MMoE synthetic tasks (correlation knob)',
  multiFashion: 'MultiFashion (images, 2 tasks)',
  multiMnist: 'MultiMNIST (images; needs MNIST)',
  multiFashionMnist: 'Multi-(Fashion+MNIST) (images; needs MNIST)',
  cagradToy: 'CAGrad toy (2-D)',
  file: 'Your CSV/JSON file',
};

/** Options that are text: where the image files are. */
const FOLDER_OPTIONS: Record<string, string> = {
  dir: 'Folder URL of the IDX files (empty: this page’s server, which serves the folder the CLI would read)',
  fashionDir: 'Folder URL of the Fashion-MNIST files (empty: this page’s server)',
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
  const images = isImageDataset(data.dataset);
  const types = [a.type, ...config.architectures];
  const experts = types.some((t) => ['mmoe', 'cgc', 'ple'].includes(t));
  const taskExperts = types.some((t) => ['cgc', 'ple'].includes(t));
  return `
<fieldset><legend>Experiment</legend>
  ${field('f-name', 'Name', text('f-name', config.name))}
  ${sweepNote(config)}
</fieldset>
<fieldset><legend>Data</legend>
  ${field('f-dataset', 'Dataset', select('f-dataset', DATASETS, data.dataset, DATASET_LABELS))}
  ${knobs
    .map((k) => {
      const v = data.options[k];
      if (k === 'sigmas')
        return field(
          `f-opt-${k}`,
          'sigmas',
          text(`f-opt-${k}`, Array.isArray(v) ? list(v) : '', true),
          'One scale per task, comma-separated; empty: 1 to 100, log-spaced.',
        );
      if (Object.hasOwn(FOLDER_OPTIONS, k))
        return field(
          `f-opt-${k}`,
          k,
          text(`f-opt-${k}`, typeof v === 'string' ? v : '', true),
          FOLDER_OPTIONS[k],
        );
      return field(
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
  ${data.dataset === 'cagradToy' || images ? '' : field('f-split', 'Train, validation, test fractions', text('f-split', list(data.split)))}
</fieldset>
${
  data.dataset === 'cagradToy'
    ? ''
    : images
      ? `<fieldset><legend>Architecture</legend>
  ${field('f-arch', 'Type', select('f-arch', ['multilenet'], 'multilenet', ARCHITECTURE_LABELS), 'A shared LeNet encoder (two convolutions, 50 features) and a 50 → 50 → 10 head per task; fixed sizes.')}
</fieldset>`
      : `<fieldset><legend>Architecture</legend>
  ${field('f-arch', 'Type', select('f-arch', VECTOR_ARCHITECTURES, a.type, ARCHITECTURE_LABELS))}
  ${field('f-hidden', a.type === 'hps' ? 'Shared layer sizes' : a.type === 'crossstitch' ? 'Column layer sizes' : 'Expert layer sizes', text('f-hidden', list(a.hidden)))}
  ${field('f-activation', 'Activation', select('f-activation', ACTIVATIONS, a.activation))}
  ${experts ? field('f-experts', 'Shared experts', number('f-experts', a.experts, '1')) : ''}
  ${taskExperts ? field('f-task-experts', 'Experts per task', number('f-task-experts', a.taskExperts, '1')) : ''}
  ${a.type === 'ple' || config.architectures.includes('ple') ? field('f-levels', 'Extraction levels', number('f-levels', a.levels, '1')) : ''}
  <div class="field"><span id="f-architectures-label">Compare architectures (each with these sizes)</span>
    <div class="checks" role="group" aria-labelledby="f-architectures-label">${checkboxes('f-architectures', VECTOR_ARCHITECTURES, config.architectures, ARCHITECTURE_LABELS)}</div></div>
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

/**
 * A config with a sweep (a link or a preset can carry one): the page trains its base setting, and
 * says where the sweep runs. The section is kept through form edits.
 */
function sweepNote(config: ExperimentConfig): string {
  if (config.sweep === null) return '';
  const fields = [...Object.keys(config.sweep.grid), ...Object.keys(config.sweep.random?.ranges ?? {})];
  return `<p id="sweep-note" class="muted">This config has a sweep over ${escapeHtml(fields.join(', '))}: the page trains its base setting; the sweep itself runs from the terminal, <code>mtl-playground sweep config.json</code>, on every core or through a Redis queue.</p>`;
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
  const options: Record<string, number | number[] | string> = {};
  for (const k of DATASET_OPTIONS[dataset as ExperimentConfig['data']['dataset']] ?? []) {
    const v =
      k === 'sigmas'
        ? nums(`f-opt-${k}`, [])
        : k === 'dir' || k === 'fashionDir'
          ? value(`f-opt-${k}`)?.trim() || undefined
          : num(`f-opt-${k}`, undefined);
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
  // A name the user did not choose (blank, or the previous data's default) follows the data.
  const name = value('f-name')?.trim();
  return {
    name:
      name === undefined
        ? previous.name
        : name === '' || name === defaultName(previous.data)
          ? undefined
          : name,
    data: {
      dataset,
      // The images come with their own split (left out, the default; a table's split would be refused).
      split: isImageDataset(dataset) ? undefined : nums('f-split', previous.data.split),
      options,
      file: dataset === 'file' ? readFile(form, previous) : null,
    },
    architecture: {
      // A dataset switch keeps the other kind's choice in the form: the images take only MultiLeNet.
      type: isImageDataset(dataset)
        ? 'multilenet'
        : value('f-arch') === 'multilenet'
          ? 'hps'
          : (value('f-arch') ?? previous.architecture.type),
      hidden: nums('f-hidden', previous.architecture.hidden),
      // Not a form field: kept from the preset, the link or the config file.
      hiddenByType: previous.architecture.hiddenByType,
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
    architectures: isImageDataset(dataset) ? [] : checked('f-architectures'),
    epochs: num('f-epochs', undefined),
    batchSize: num('f-batch', previous.batchSize),
    seeds: nums('f-seeds', previous.seeds),
    // Not a form field: kept from the link or the preset.
    sweep: previous.sweep,
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
