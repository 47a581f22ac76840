/**
 * The playground page: the config form (mirrored in the URL), runs side by side (one worker
 * each), live charts, the results table and downloads.
 */

import { deltaM, withoutLoss } from '@mtl/multitask';
import { ValueError } from '@mtl/tensor';
import {
  ARCHITECTURES,
  ConfigError,
  DATASETS,
  type ExperimentConfig,
  isImageDataset,
  METHODS,
  parseConfig,
  SCHEDULES,
} from '../src/config';
import { type ImageSamples, imageSamples } from '../src/imageResults';
import { unpackImages } from '../src/images';
import type { MethodName } from '../src/methods';
import { OPTIMIZER_LABELS } from '../src/optimizers';
import { baselineSpecs, runSpecs } from '../src/prepare';
import { PRESETS } from '../src/presets';
import { escapeHtml } from '../src/report/escapeHtml';
import { heatmap } from '../src/report/heatmap';
import { dashesFor, identicalNote, identicalTo, needsLogScale } from '../src/report/lineChart';
import { LiveChart, PALETTE } from './charts';
import { readForm, renderForm } from './controls';
import { download, resultsCsv, resultsJson } from './downloads';
import { loadImageData } from './imageData';
import { drawImagePanel } from './imagePanel';
import { drawLandscape } from './landscape';
import type { FromWorker } from './protocol';
import { progressText, type RunView, runProgress } from './runs';
import { configFromSearch, configToSearch } from './urlConfig';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('config-form');
const formError = $('form-error');
const pageError = $('page-error');
const status = $('status');
const startButton = $<HTMLButtonElement>('start');

let config: ExperimentConfig;
let valid = true;
/** The config the current runs were started with. */
let runConfig: ExperimentConfig | null = null;
let runs: RunView[] = [];
/** The run whose weights and cosines are shown (an index into `runs`; never a baselines run). */
let selected = 0;
/** Whether the user picked `selected`; until then the first run with task gradients is shown. */
let chosen = false;
let fileText: string | undefined;
let charts: LiveChart[] = [];
let focusCharts: LiveChart[] = [];
/** The image dataset of the runs: its sample test images, and whether it is still loading. */
let samples: ImageSamples | null = null;
let loadingImages = false;

function showPageError(message: string | null): void {
  pageError.hidden = message === null;
  pageError.textContent = message ?? '';
}

// ---- config: form ↔ config ↔ URL ----

/** The form is drawn for a config; choices that add or remove fields redraw it. */
function drawForm(shown: ExperimentConfig = config): void {
  const focused = document.activeElement?.id;
  form.innerHTML = renderForm(shown);
  drawnShape = shape(shown);
  if (focused) document.getElementById(focused)?.focus();
}

let drawnShape = '';
// biome-ignore lint/suspicious/noExplicitAny: a raw, unvalidated config read from the form
const shape = (c: any) =>
  JSON.stringify([c.data?.dataset, c.architecture?.type, c.optimizer?.schedule?.type, c.methods]);

/** A form edit: parse, report the bad field or take the config (and the URL); redraw dependent sections. */
function onFormChange(event: Event): void {
  const raw = readForm(form, config);
  try {
    config = parseConfig(raw);
    valid = true;
    formError.textContent = '';
    history.replaceState(null, '', `${location.pathname}${configToSearch(config)}`);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    valid = false;
    formError.textContent = `Config: ${e.message}`;
  }
  startButton.disabled = !valid;
  if (event.type === 'change' && shape(raw) !== drawnShape) drawForm(valid ? config : draft(raw));
}

/** The last valid config with the form's structural choices, to draw the fields a new choice needs. */
// biome-ignore lint/suspicious/noExplicitAny: a raw, unvalidated config read from the form
function draft(raw: any): ExperimentConfig {
  const pick = <T extends string>(v: unknown, options: readonly T[], fallback: T): T =>
    options.includes(v as T) ? (v as T) : fallback;
  return {
    ...config,
    data: { ...config.data, dataset: pick(raw.data.dataset, DATASETS, config.data.dataset) },
    architecture: {
      ...config.architecture,
      type: pick(raw.architecture.type, ARCHITECTURES, config.architecture.type),
    },
    optimizer: {
      ...config.optimizer,
      schedule: {
        ...config.optimizer.schedule,
        type: pick(raw.optimizer.schedule.type, SCHEDULES, config.optimizer.schedule.type),
      },
    },
    methods: (raw.methods as string[]).filter((m): m is MethodName => (METHODS as string[]).includes(m)),
  };
}

form.addEventListener('input', onFormChange);
form.addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  if (input.type === 'file' && input.files?.[0]) {
    const file = input.files[0];
    fileText = await file.text();
    form.dataset.fileName = file.name;
  }
  onFormChange(event);
});
form.addEventListener('submit', (e) => e.preventDefault());

const presetSelect = $<HTMLSelectElement>('preset');
presetSelect.innerHTML = `<option value="">Choose a preset…</option>${Object.entries(PRESETS)
  .map(([key, p]) => `<option value="${key}">${p.label}</option>`)
  .join('')}`;
presetSelect.addEventListener('change', () => {
  const preset = PRESETS[presetSelect.value];
  if (!preset) return;
  reset();
  config = parseConfig(preset.config);
  valid = true;
  formError.textContent = '';
  startButton.disabled = false;
  history.replaceState(null, '', `${location.pathname}${configToSearch(config)}`);
  drawForm();
});

// ---- runs ----

/** The colour of the single-task baselines' rows. */
const BASELINE_COLOR = '#9a9a9a';

/** The methods' runs (the baselines' runs draw no curves). */
const methodRuns = () => runs.filter((r) => !r.spec.baselines);

function createRuns(): void {
  runConfig = structuredClone(config);
  selected = 0;
  chosen = false;
  const images = isImageDataset(runConfig.data.dataset);
  runs = [...runSpecs(runConfig), ...baselineSpecs(runConfig)].map((spec, i) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const run: RunView = {
      spec,
      color: spec.baselines ? BASELINE_COLOR : PALETTE[i % PALETTE.length]!,
      worker,
      status: 'starting',
      tasks: [],
      totalSteps: 0,
      done: 0,
      steps: [],
      epochs: [],
      metrics: null,
      msPerStep: null,
      paths: [[], [], []],
      images: null,
    };
    worker.onmessage = (e: MessageEvent<FromWorker>) => onWorkerMessage(run, e.data);
    worker.onerror = (e) =>
      onWorkerMessage(run, { type: 'error', message: e.message || 'the worker failed' });
    if (!images) worker.postMessage({ type: 'init', config: runConfig, run: spec, fileText });
    return run;
  });
  if (images) startWithImages(runConfig, runs);
  buildCharts();
}

/** Loads the images once, then hands them to every run's worker (commands sent meanwhile wait in its queue). */
function startWithImages(c: ExperimentConfig, mine: RunView[]): void {
  loadingImages = true;
  samples = null;
  loadImageData(c).then(
    (packed) => {
      if (runs !== mine) return; // Reset while loading.
      loadingImages = false;
      samples = imageSamples(unpackImages(packed));
      for (const run of mine)
        run.worker.postMessage({ type: 'init', config: c, run: run.spec, images: packed });
      scheduleRender();
    },
    (error: Error) => {
      if (runs !== mine) return;
      loadingImages = false;
      for (const run of mine) {
        run.worker.terminate();
        run.status = 'error';
        run.error = error.message;
      }
      showPageError(`${c.data.dataset}: ${error.message}`);
      scheduleRender();
    },
  );
}

function onWorkerMessage(run: RunView, message: FromWorker): void {
  switch (message.type) {
    case 'ready':
      run.tasks = message.tasks;
      run.totalSteps = message.totalSteps;
      if (run.status === 'starting') run.status = 'ready';
      if (charts.length === 0 && runs.every((r) => r.tasks.length > 0)) buildCharts();
      break;
    case 'paused':
      if (run.status === 'pausing') run.status = 'paused';
      break;
    case 'progress':
      run.done = message.done;
      run.steps.push(...message.steps);
      run.epochs.push(...message.epochs);
      for (const s of message.steps) {
        for (const [i, x] of (s.xs ?? []).entries()) run.paths[i]!.push(x);
      }
      // Until the user picks a run, show the first (in the table's order) whose method computes task gradients.
      if (!chosen && message.steps.some((s) => s.cosine !== undefined)) {
        const first = runs.findIndex((r) => !r.spec.baselines && hasCosine(r));
        if (first !== selected) {
          selected = first;
          buildFocusCharts();
        }
      }
      break;
    case 'finished':
      run.status = 'finished';
      run.metrics = message.metrics;
      run.msPerStep = message.msPerStep;
      run.images = message.images ?? null;
      updateDeltas();
      break;
    case 'model':
      download(`${runConfig!.name}-${run.spec.label}.safetensors`, message.bytes, 'application/octet-stream');
      break;
    case 'error':
      run.status = 'error';
      run.error = message.message;
      showPageError(`${run.spec.label}: ${message.message}`);
      break;
  }
  scheduleRender();
}

const hasCosine = (run: RunView | undefined) => run?.steps.some((s) => s.cosine !== undefined) ?? false;

/** Δm of each finished method run against its optimizer's and architecture's finished baselines. */
function updateDeltas(): void {
  for (const run of methodRuns()) {
    const base = runs.find(
      (r) =>
        r.spec.baselines &&
        r.spec.optimizer === run.spec.optimizer &&
        r.spec.architecture === run.spec.architecture,
    );
    run.deltaM = null;
    run.deltaMUnavailable = undefined;
    if (run.metrics === null || base?.metrics == null || base.status !== 'finished') continue;
    try {
      run.deltaM = deltaM(withoutLoss(run.metrics), withoutLoss(base.metrics));
    } catch (e) {
      // A baseline metric of 0 (an R² on a constant column) leaves Δm undefined: say why.
      if (!(e instanceof ValueError)) throw e;
      run.deltaMUnavailable = e.message.replace(/^deltaM: /, '');
    }
  }
}

function command(type: 'play' | 'pause' | 'step'): void {
  for (const run of runs) {
    if (run.status === 'finished' || run.status === 'error') continue;
    run.worker.postMessage({ type });
    run.status = type === 'play' ? 'running' : type === 'pause' ? 'pausing' : 'paused';
  }
  scheduleRender();
}

function reset(): void {
  for (const run of runs) run.worker.terminate();
  runs = [];
  runConfig = null;
  samples = null;
  loadingImages = false;
  for (const c of [...charts, ...focusCharts]) c.destroy();
  charts = [];
  focusCharts = [];
  $('charts').replaceChildren();
  $('focus-charts').replaceChildren();
  $('cosine').replaceChildren();
  $('landscape-section').hidden = true;
  $('images-section').hidden = true;
  $('loss-note').textContent = '';
  showPageError(null);
  scheduleRender();
}

startButton.addEventListener('click', () => {
  if (runs.length === 0) createRuns();
  command('play');
});
$('pause').addEventListener('click', () => command('pause'));
$('step').addEventListener('click', () => {
  if (runs.length === 0) createRuns();
  command('step');
});
$('reset').addEventListener('click', reset);

// ---- charts ----

const isToy = () => runConfig?.data.dataset === 'cagradToy';

function chartBox(parent: HTMLElement): HTMLElement {
  const box = document.createElement('div');
  box.className = 'chart';
  parent.append(box);
  return box;
}

/** The runs the learning-rate chart draws: one per optimizer (a rate depends on nothing else). */
let lrRuns: RunView[] = [];

/** The per-task loss charts and the learning-rate chart; one legend for them all. */
function buildCharts(): void {
  for (const c of charts) c.destroy();
  charts = [];
  const shown = methodRuns();
  const tasks = shown[0]?.tasks ?? [];
  if (tasks.length === 0) return;
  const grid = $('charts');
  grid.replaceChildren();
  const x = isToy() ? 'step' : 'epoch';
  for (const task of tasks) {
    const series = shown.flatMap((r) =>
      isToy()
        ? [{ label: r.spec.label, color: r.color }]
        : [
            { label: `${r.spec.label} train`, color: r.color },
            { label: `${r.spec.label} val`, color: r.color, dashed: true },
          ],
    );
    charts.push(new LiveChart(chartBox(grid), `Loss — ${task}`, x, series, { legend: false }));
  }
  lrRuns = [...new Map(shown.map((r) => [r.spec.optimizer, r])).values()];
  const single = lrRuns.length === 1;
  const lr = new LiveChart(
    chartBox(grid),
    'Learning rate',
    x,
    lrRuns.map((r) => ({
      label: single ? `all ${shown.length} runs` : OPTIMIZER_LABELS[r.spec.optimizer],
      color: single ? '#555' : r.color,
    })),
    { legend: !single },
  );
  if (single && shown.length > 1) lr.setNote(`One line: the rate is the same for all ${shown.length} runs.`);
  charts.push(lr);
  $('charts-legend').innerHTML = shown
    .map(
      (r) => `<li><span class="swatch" style="background:${r.color}"></span>${escapeHtml(r.spec.label)}</li>`,
    )
    .join('');
  $('landscape-section').hidden = !isToy();
  $('loss-note').textContent = isToy()
    ? 'Each loss is the mean over the three starting points, per step; one colour per run.'
    : 'One colour per run. Solid: training loss (mean over the epoch). Dashed: validation loss.';
  buildFocusCharts();
}

/** How the weight chart is drawn: a log axis, and which lines lie on earlier ones. */
let focusShape = '';

/** Task weights and gradient norms of the selected run, one series per task. */
function buildFocusCharts(weights: number[][] = []): void {
  for (const c of focusCharts) c.destroy();
  focusCharts = [];
  const run = runs[selected];
  if (!run || run.tasks.length === 0) return;
  const grid = $('focus-charts');
  grid.replaceChildren();
  const series = run.tasks.map((t, i) => ({ label: t, color: PALETTE[i % PALETTE.length]! }));
  const shape = weightShape(run.tasks, weights);
  focusShape = JSON.stringify(shape);
  const dashes = dashesFor(shape.same);
  focusCharts.push(
    new LiveChart(
      chartBox(grid),
      `Task weights — ${run.spec.label}`,
      'step',
      series.map((s, i) => (dashes[i] ? { ...s, dash: dashes[i]! } : s)),
      { logY: shape.log },
    ),
  );
  focusCharts[0]!.setNote(shape.note || null);
  focusCharts.push(new LiveChart(chartBox(grid), `Gradient norms — ${run.spec.label}`, 'step', series));
  $('focus-title').textContent = `Selected run: ${run.spec.label}`;
}

/** Whether weights need a log axis (spikes of 10⁴), and which lines are identical (EW's, or equal tasks'). */
function weightShape(tasks: string[], weights: number[][]) {
  const lines = tasks.map((name, i) => ({ name, color: '', values: weights[i] ?? [] }));
  const same = identicalTo(lines);
  return {
    log: needsLogScale(weights.flat()),
    same,
    note: weights.length > 0 && weights[0]!.length > 0 ? identicalNote(lines, same) : '',
  };
}

function updateCharts(): void {
  if (charts.length === 0) return;
  const shown = methodRuns();
  const tasks = shown[0]!.tasks;
  const lrColumn = (f: (r: RunView) => (number | null)[]) => lrRuns.map(f);
  if (isToy()) {
    // The recorded steps (every k-th of a long run), the same ones in every run.
    const longest = shown.reduce((a, r) => (r.steps.length > a.steps.length ? r : a), shown[0]!);
    const stride = Math.max(1, Math.ceil(longest.steps.length / 600));
    const indices: number[] = [];
    for (let i = 0; i < longest.steps.length; i += stride) indices.push(i);
    const xs = indices.map((i) => longest.steps[i]!.step + 1);
    const column = (r: RunView, f: (i: number) => number | undefined) =>
      indices.map((i) => (i < r.steps.length ? (f(i) ?? null) : null));
    tasks.forEach((task, t) => {
      charts[t]!.update(
        xs,
        shown.map((r) => column(r, (i) => r.steps[i]!.losses[task])),
      );
    });
    charts[tasks.length]!.update(
      xs,
      lrColumn((r) => column(r, (i) => r.steps[i]!.lr)),
    );
    drawLandscape(
      $<HTMLCanvasElement>('landscape'),
      shown.map((r) => ({ color: r.color, points: r.paths })),
    );
  } else {
    const length = Math.max(...shown.map((r) => r.epochs.length));
    const xs = Array.from({ length }, (_, i) => i + 1);
    const column = (r: RunView, f: (i: number) => number | undefined) =>
      xs.map((x) => (x - 1 < r.epochs.length ? (f(x - 1) ?? null) : null));
    tasks.forEach((task, t) => {
      charts[t]!.update(
        xs,
        shown.flatMap((r) => [
          column(r, (i) => r.epochs[i]!.train[task]),
          column(r, (i) => r.epochs[i]!.validation?.[task]),
        ]),
      );
    });
    charts[tasks.length]!.update(
      xs,
      lrColumn((r) => column(r, (i) => r.epochs[i]!.lr)),
    );
  }
  const run = runs[selected];
  if (run && focusCharts.length === 2) {
    const steps = run.steps;
    const stride = Math.max(1, Math.ceil(steps.length / 800));
    const sampled = steps.filter((_, i) => i % stride === 0);
    const weights = run.tasks.map((t) => sampled.map((s) => s.weights[t] ?? Number.NaN));
    // A log axis once weights spike, dashes once lines coincide: the chart is redrawn when that changes.
    if (JSON.stringify(weightShape(run.tasks, weights)) !== focusShape) buildFocusCharts(weights);
    focusCharts[0]!.update(
      sampled.map((s) => s.step + 1),
      weights.map((w) => w.map((v) => (Number.isFinite(v) ? v : null))),
    );
    const withNorms = steps.filter((s) => s.gradNorms !== undefined);
    const normStride = Math.max(1, Math.ceil(withNorms.length / 800));
    const norms = withNorms.filter((_, i) => i % normStride === 0);
    focusCharts[1]!.update(
      norms.map((s) => s.step + 1),
      run.tasks.map((t) => norms.map((s) => s.gradNorms![t] ?? null)),
    );
    focusCharts[1]!.setNote(
      steps.length > 0 && withNorms.length === 0
        ? `${run.spec.label} does not compute task gradients, so there are no gradient norms to draw.`
        : null,
    );
    let last = steps.length - 1;
    while (last >= 0 && steps[last]!.cosine === undefined) last--;
    const cosine = steps[last]?.cosine;
    setHtml(
      $('cosine'),
      cosine
        ? heatmap({ title: `Gradient cosine — ${run.spec.label}`, labels: run.tasks, values: cosine })
        : `<p class="muted">${escapeHtml(run.spec.label)} does not compute task gradients, so there is no cosine matrix.</p>`,
    );
  }
}

// ---- results table ----

/** A metric in the table: 3 significant decimals, fewer for large values (294.5 g, 1203 g). */
const tableNumber = (v: number) =>
  Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);

/** Per task (in the runs' task order), its metrics other than the loss, from every run that finished. */
function metricColumns(): { task: string; metrics: string[] }[] {
  const tasks = runs.find((r) => r.tasks.length > 0)?.tasks ?? [];
  return tasks
    .map((task) => {
      const metrics: string[] = [];
      for (const r of runs)
        for (const m of Object.keys(r.metrics?.[task] ?? {}))
          if (m !== 'loss' && !metrics.includes(m)) metrics.push(m);
      return { task, metrics };
    })
    .filter((g) => g.metrics.length > 0);
}

/** The markup each element was last given (the browser's own serialisation differs). */
const drawn = new WeakMap<HTMLElement, string>();

/**
 * Sets an element's markup only when it changed, keeping keyboard focus on the control that had
 * it (a run's radio or download button), so a redraw every frame does not throw the user out.
 */
function setHtml(element: HTMLElement, html: string): void {
  if (drawn.get(element) === html) return;
  drawn.set(element, html);
  const focused = element.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
  const key = focused?.dataset.focusKey;
  element.innerHTML = html;
  if (key) element.querySelector<HTMLElement>(`[data-focus-key="${key}"]`)?.focus();
}

/** The markup each table cell was last given. */
const cellMarkup = new WeakMap<Element, string>();

/**
 * Redraws a table body cell by cell: a cell is replaced only when its markup changed, so a run's
 * name cell with its radio stays the same element while the progress ticks several times a
 * second — a click spanning a redraw still lands (redrawing whole rows lost half of them), and
 * keyboard focus stays where it was. Rows coming or going redraw the body.
 */
function patchRows(body: HTMLElement, rows: string[][]): void {
  const fits =
    body.children.length === rows.length &&
    rows.every((cells, i) => body.children[i]!.children.length === cells.length);
  if (!fits) {
    body.innerHTML = rows.map((cells) => `<tr>${cells.join('')}</tr>`).join('');
    rows.forEach((cells, i) => {
      cells.forEach((html, k) => {
        cellMarkup.set(body.children[i]!.children[k]!, html);
      });
    });
    return;
  }
  rows.forEach((cells, i) => {
    const tr = body.children[i]!;
    cells.forEach((html, k) => {
      const cell = tr.children[k]!;
      if (cellMarkup.get(cell) === html) return;
      const focused = cell.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
      const template = document.createElement('template');
      template.innerHTML = html;
      const fresh = template.content.firstElementChild!;
      cell.replaceWith(fresh);
      cellMarkup.set(fresh, html);
      const key = focused?.dataset.focusKey;
      if (key) fresh.querySelector<HTMLElement>(`[data-focus-key="${key}"]`)?.focus();
    });
  });
}

function renderTable(): void {
  // Task names and error messages can come from a shared link or a user's file: escape them.
  const groups = metricColumns();
  const toy = isToy();
  setHtml(
    $('results-head'),
    `<tr><th scope="col" rowspan="2">Run</th><th scope="col" rowspan="2">Progress</th>${
      toy
        ? ''
        : '<th scope="col" rowspan="2" title="Against the single-task baselines, in %: positive = better">Δm %</th>'
    }<th scope="col" rowspan="2">ms/step</th>${groups
      .map((g) => `<th scope="colgroup" colspan="${g.metrics.length}">${escapeHtml(g.task)}</th>`)
      .join('')}${toy ? '' : '<th scope="col" rowspan="2">Model</th>'}</tr><tr>${groups
      .flatMap((g) =>
        g.metrics.map((m) => `<th scope="col" title="${escapeHtml(`${g.task} ${m}`)}">${escapeHtml(m)}</th>`),
      )
      .join('')}</tr>`,
  );
  const cells = (r: RunView, only?: string) =>
    groups.flatMap((g) =>
      g.metrics.map((m) => {
        const v = only === undefined || only === g.task ? r.metrics?.[g.task]?.[m] : undefined;
        return `<td>${v === undefined ? '' : tableNumber(v)}</td>`;
      }),
    );
  const ms = (r: RunView) => `<td>${r.msPerStep === null ? '' : r.msPerStep.toFixed(1)}</td>`;
  const rows = runs.flatMap((r, i) => {
    if (r.spec.baselines) return [];
    const label = escapeHtml(r.spec.label);
    // Which run is shown is not in the markup (see syncSelection): the page's own pick would
    // otherwise replace two name cells, and a click held across that would be lost.
    const radio = `<input type="radio" name="show" value="${i}" data-focus-key="show-${i}" aria-label="Show ${label}">`;
    const delta =
      r.deltaM != null
        ? `${r.deltaM >= 0 ? '+' : ''}${r.deltaM.toFixed(2)}`
        : r.deltaMUnavailable !== undefined
          ? 'n/a'
          : '';
    const deltaCell = toy
      ? ''
      : r.deltaMUnavailable !== undefined
        ? `<td title="${escapeHtml(r.deltaMUnavailable)}">n/a</td>`
        : `<td>${delta}</td>`;
    const model = toy
      ? ''
      : `<td><button type="button" data-model="${i}" data-focus-key="model-${i}" aria-label="Download the ${label} model as safetensors" title="Download the model (safetensors)">save</button></td>`;
    return [
      [
        `<th scope="row"><label>${radio}<span class="swatch" style="background:${r.color}"></span>${label}</label></th>`,
        `<td>${escapeHtml(progressText(r))}</td>`,
        ...(toy ? [] : [deltaCell]),
        ms(r),
        ...cells(r),
        ...(toy ? [] : [model]),
      ],
    ];
  });
  patchRows($('results-body'), rows);
  syncSelection();
  // The baselines: one row per task once their worker knows the tasks, each with its own task's metrics.
  const baselineRows = runs.flatMap((r) => {
    if (!r.spec.baselines) return [];
    const row = (label: string, only?: string) => [
      `<th scope="row"><span class="swatch" style="background:${r.color}"></span>${escapeHtml(label)}</th>`,
      `<td>${escapeHtml(progressText(r))}</td>`,
      '<td>ref</td>',
      ms(r),
      ...cells(r, only),
      '<td></td>',
    ];
    return r.tasks.length === 0
      ? [row(r.spec.label)]
      : r.tasks.map((t) => row(r.spec.label.replace('Single-task baselines', `${t} alone`), t));
  });
  patchRows($('baselines-body'), baselineRows);
  const finished = runs.filter((r) => r.status === 'finished').length;
  status.textContent =
    runs.length === 0
      ? 'Ready. Press Start to train every method of the config side by side.'
      : loadingImages
        ? `Loading ${runConfig?.data.dataset} (the library builds every image of the training file once, then the runs use the first ones: a few seconds)…`
        : `${finished} of ${runs.length} runs finished — ${Math.round(
            (100 * runs.reduce((s, r) => s + runProgress(r), 0)) / runs.length,
          )}%`;
  const seeds = (runConfig ?? config).seeds;
  $('runs-note').textContent = [
    seeds.length > 1
      ? `The page trains seed ${seeds[0]} (the config lists ${seeds.join(', ')}); the CLI trains every seed and reports mean ± std.`
      : '',
    runs.length > 1
      ? `These ${runs.length} runs share this computer’s cores (one worker each), so their ms/step is several times what the CLI measures training one run at a time.`
      : '',
  ]
    .filter((t) => t !== '')
    .join(' ');
  for (const id of ['download-json', 'download-csv']) $<HTMLButtonElement>(id).disabled = runs.length === 0;
}

/** Checks the selected run's radio (a property, so no cell is replaced). */
function syncSelection(): void {
  for (const input of $('results-body').querySelectorAll<HTMLInputElement>('input[name="show"]')) {
    const shown = Number(input.value) === selected;
    if (input.checked !== shown) input.checked = shown;
  }
}

/** The user shows run `index`: from now on the page no longer picks one itself. */
function showRun(index: number): void {
  chosen = true;
  if (index === selected) return;
  selected = index;
  buildFocusCharts();
  scheduleRender();
}

// 'change' for the keyboard; 'click' too, since pressing the radio already checked (the run shown
// before the user picked any) fires no 'change', and that press is a pick all the same.
$('results-body').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  if (input.name === 'show') showRun(Number(input.value));
});
$('results-body').addEventListener('click', (e) => {
  const target = e.target as HTMLInputElement;
  if (target.name === 'show') showRun(Number(target.value));
  const index = target.dataset.model;
  if (index !== undefined) runs[Number(index)]!.worker.postMessage({ type: 'exportModel' });
});
$('download-json').addEventListener('click', () =>
  download(`${runConfig!.name}-results.json`, resultsJson(runConfig!, runs, samples), 'application/json'),
);
$('download-csv').addEventListener('click', () =>
  download(`${runConfig!.name}-results.csv`, resultsCsv(runs), 'text/csv'),
);

let pending = false;
function scheduleRender(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    renderTable();
    updateCharts();
    renderImages();
  });
}

/** The sample images with the selected run's predictions, and its confusion matrices. */
function renderImages(): void {
  const section = $('images-section');
  section.hidden = samples === null;
  if (samples === null) return;
  const run = runs[selected];
  $('images-title').textContent = `Test images and predictions${run ? ` — ${run.spec.label}` : ''}`;
  drawImagePanel($('images'), samples, run ? { label: run.spec.label, images: run.images } : null);
}

// ---- start ----

try {
  config = configFromSearch(location.search);
} catch (e) {
  // Whatever a link holds, the page starts: with the defaults and the reason in the banner.
  config = parseConfig({});
  const reason =
    e instanceof ConfigError ? e.message : `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? e}`;
  const shown = reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
  showPageError(
    `This link’s config could not be used — ${shown}${/[.?!…]$/.test(shown) ? '' : '.'} Showing the default experiment instead.`,
  );
}
drawForm();
renderTable();
document.body.dataset.ready = 'true';
