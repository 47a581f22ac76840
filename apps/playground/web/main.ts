/**
 * The playground page: the config form (mirrored in the URL), runs side by side (one worker
 * each), live charts, the results table and downloads.
 */
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
import { runSpecs } from '../src/prepare';
import { PRESETS } from '../src/presets';
import { escapeHtml } from '../src/report/escapeHtml';
import { heatmap } from '../src/report/heatmap';
import { LiveChart, PALETTE } from './charts';
import { readForm, renderForm } from './controls';
import { download, resultsCsv, resultsJson } from './downloads';
import { loadImageData } from './imageData';
import { drawImagePanel } from './imagePanel';
import { drawLandscape } from './landscape';
import type { FromWorker } from './protocol';
import { type RunView, runProgress } from './runs';
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
let selected = 0;
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

function createRuns(): void {
  runConfig = structuredClone(config);
  selected = 0;
  const images = isImageDataset(runConfig.data.dataset);
  runs = runSpecs(runConfig).map((spec, i) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const run: RunView = {
      spec,
      color: PALETTE[i % PALETTE.length]!,
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
    case 'progress':
      run.done = message.done;
      run.steps.push(...message.steps);
      run.epochs.push(...message.epochs);
      for (const s of message.steps) {
        for (const [i, x] of (s.xs ?? []).entries()) run.paths[i]!.push(x);
      }
      break;
    case 'finished':
      run.status = 'finished';
      run.metrics = message.metrics;
      run.msPerStep = message.msPerStep;
      run.images = message.images ?? null;
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

function command(type: 'play' | 'pause' | 'step'): void {
  for (const run of runs) {
    if (run.status === 'finished' || run.status === 'error') continue;
    run.worker.postMessage({ type });
    run.status = type === 'play' ? 'running' : 'paused';
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

/** The per-task loss charts and the learning-rate chart, one series per run. */
function buildCharts(): void {
  for (const c of charts) c.destroy();
  charts = [];
  const tasks = runs[0]?.tasks ?? [];
  if (tasks.length === 0) return;
  const grid = $('charts');
  grid.replaceChildren();
  const x = isToy() ? 'step' : 'epoch';
  for (const task of tasks) {
    const series = runs.flatMap((r) =>
      isToy()
        ? [{ label: r.spec.label, color: r.color }]
        : [
            { label: `${r.spec.label} train`, color: r.color },
            { label: `${r.spec.label} val`, color: r.color, dashed: true },
          ],
    );
    charts.push(new LiveChart(chartBox(grid), `Loss — ${task}`, x, series));
  }
  charts.push(
    new LiveChart(
      chartBox(grid),
      'Learning rate',
      x,
      runs.map((r) => ({ label: r.spec.label, color: r.color })),
    ),
  );
  $('landscape-section').hidden = !isToy();
  $('loss-note').textContent = isToy()
    ? 'Each loss is the mean over the three starting points, per step.'
    : 'Solid: training loss (mean over the epoch). Dashed: validation loss.';
  buildFocusCharts();
}

/** Task weights and gradient norms of the selected run, one series per task. */
function buildFocusCharts(): void {
  for (const c of focusCharts) c.destroy();
  focusCharts = [];
  const run = runs[selected];
  if (!run || run.tasks.length === 0) return;
  const grid = $('focus-charts');
  grid.replaceChildren();
  const series = run.tasks.map((t, i) => ({ label: t, color: PALETTE[i % PALETTE.length]! }));
  focusCharts.push(new LiveChart(chartBox(grid), `Task weights — ${run.spec.label}`, 'step', series));
  focusCharts.push(new LiveChart(chartBox(grid), `Gradient norms — ${run.spec.label}`, 'step', series));
  $('focus-title').textContent = `Selected run: ${run.spec.label}`;
}

function updateCharts(): void {
  if (charts.length === 0) return;
  const tasks = runs[0]!.tasks;
  if (isToy()) {
    // The recorded steps (every k-th of a long run), the same ones in every run.
    const longest = runs.reduce((a, r) => (r.steps.length > a.steps.length ? r : a), runs[0]!);
    const stride = Math.max(1, Math.ceil(longest.steps.length / 600));
    const indices: number[] = [];
    for (let i = 0; i < longest.steps.length; i += stride) indices.push(i);
    const xs = indices.map((i) => longest.steps[i]!.step + 1);
    const column = (r: RunView, f: (i: number) => number | undefined) =>
      indices.map((i) => (i < r.steps.length ? (f(i) ?? null) : null));
    tasks.forEach((task, t) => {
      charts[t]!.update(
        xs,
        runs.map((r) => column(r, (i) => r.steps[i]!.losses[task])),
      );
    });
    charts[tasks.length]!.update(
      xs,
      runs.map((r) => column(r, (i) => r.steps[i]!.lr)),
    );
    drawLandscape(
      $<HTMLCanvasElement>('landscape'),
      runs.map((r) => ({ color: r.color, points: r.paths })),
    );
  } else {
    const length = Math.max(...runs.map((r) => r.epochs.length));
    const xs = Array.from({ length }, (_, i) => i + 1);
    const column = (r: RunView, f: (i: number) => number | undefined) =>
      xs.map((x) => (x - 1 < r.epochs.length ? (f(x - 1) ?? null) : null));
    tasks.forEach((task, t) => {
      charts[t]!.update(
        xs,
        runs.flatMap((r) => [
          column(r, (i) => r.epochs[i]!.train[task]),
          column(r, (i) => r.epochs[i]!.validation?.[task]),
        ]),
      );
    });
    charts[tasks.length]!.update(
      xs,
      runs.map((r) => column(r, (i) => r.epochs[i]!.lr)),
    );
  }
  const run = runs[selected];
  if (run && focusCharts.length === 2) {
    const steps = run.steps;
    const stride = Math.max(1, Math.ceil(steps.length / 800));
    const sampled = steps.filter((_, i) => i % stride === 0);
    focusCharts[0]!.update(
      sampled.map((s) => s.step + 1),
      run.tasks.map((t) => sampled.map((s) => s.weights[t] ?? null)),
    );
    const withNorms = steps.filter((s) => s.gradNorms !== undefined);
    const normStride = Math.max(1, Math.ceil(withNorms.length / 800));
    const norms = withNorms.filter((_, i) => i % normStride === 0);
    focusCharts[1]!.update(
      norms.map((s) => s.step + 1),
      run.tasks.map((t) => norms.map((s) => s.gradNorms![t] ?? null)),
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

function metricColumns(): [string, string][] {
  const done = runs.find((r) => r.metrics !== null);
  if (!done) return [];
  return Object.entries(done.metrics!).flatMap(([task, ms]) =>
    Object.keys(ms)
      .filter((k) => k !== 'loss')
      .map((k) => [task, k] as [string, string]),
  );
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

function renderTable(): void {
  // Task names and error messages can come from a shared link or a user's file: escape them.
  const columns = metricColumns();
  setHtml(
    $('results-head'),
    `<tr><th scope="col">Show</th><th scope="col">Run</th><th scope="col">Progress</th>${columns
      .map(([t, m]) => `<th scope="col">${escapeHtml(`${t} ${m}`)}</th>`)
      .join('')}<th scope="col">ms/step</th><th scope="col">Model</th></tr>`,
  );
  const rows = runs.map((r, i) => {
    const label = escapeHtml(r.spec.label);
    const cells = columns.map(([t, m]) => {
      const v = r.metrics?.[t]?.[m];
      return `<td>${v === undefined ? '' : v.toFixed(3)}</td>`;
    });
    const progress =
      r.status === 'error' ? `error: ${r.error}` : `${r.status} ${Math.round(100 * runProgress(r))}%`;
    const radio = `<input type="radio" name="show" value="${i}" data-focus-key="show-${i}" aria-label="Show ${label}"${
      i === selected ? ' checked' : ''
    }>`;
    const model = isToy()
      ? ''
      : `<button type="button" data-model="${i}" data-focus-key="model-${i}" aria-label="Download the ${label} model as safetensors">safetensors</button>`;
    return `<tr data-run="${i}"><td>${radio}</td><th scope="row"><span class="swatch" style="background:${r.color}"></span>${label}</th><td>${escapeHtml(
      progress,
    )}</td>${cells.join('')}<td>${r.msPerStep === null ? '' : r.msPerStep.toFixed(1)}</td><td>${model}</td></tr>`;
  });
  setHtml($('results-body'), rows.join(''));
  const finished = runs.filter((r) => r.status === 'finished').length;
  status.textContent =
    runs.length === 0
      ? 'Ready. Press Start to train every method of the config side by side.'
      : loadingImages
        ? `Loading ${runConfig?.data.dataset} (the library builds every image of the training file once, then the runs use the first ones: a few seconds)…`
        : `${finished} of ${runs.length} runs finished — ${Math.round(
            (100 * runs.reduce((s, r) => s + runProgress(r), 0)) / runs.length,
          )}%`;
  for (const id of ['download-json', 'download-csv']) $<HTMLButtonElement>(id).disabled = runs.length === 0;
}

$('results-body').addEventListener('change', (e) => {
  selected = Number((e.target as HTMLInputElement).value);
  buildFocusCharts();
  scheduleRender();
});
$('results-body').addEventListener('click', (e) => {
  const index = (e.target as HTMLElement).dataset.model;
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
  showPageError(
    `This link's config could not be used — ${reason.length > 300 ? `${reason.slice(0, 300)}…` : reason}. Showing the default experiment instead.`,
  );
}
drawForm();
renderTable();
document.body.dataset.ready = 'true';
