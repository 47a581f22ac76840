import type { ExperimentResults, Stat } from './ExperimentResults';
import { escapeHtml } from './escapeHtml';
import { heatmap } from './heatmap';
import { IMAGE_CSS, imageSection } from './imageSection';
import { lineChart, needsLogScale } from './lineChart';
import { metricDirection } from './metricDirection';

type Method = ExperimentResults['methods'][number];

/** Tableau 10: distinct on white and for the common colour-vision deficiencies, in this order. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
export const color = (i: number) => PALETTE[i % PALETTE.length]!;

export const REPORT_CSS = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:1.6rem;margin:.4em 0 .2em}
h2{font-size:1.25rem;margin:1.6em 0 .4em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1rem;margin:.2em 0}
p.note,.muted{color:var(--muted)}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.summary dt{font-weight:600}
dl.summary dd{margin:0}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;min-width:100%}
caption{caption-side:top;text-align:left;color:var(--muted);padding:0 0 6px;position:sticky;left:0;max-width:min(100vw - 48px,1100px);white-space:normal}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:right;white-space:nowrap}
th{background:var(--soft)}
th[scope=row],thead th:first-child{text-align:left}
th[scope=row]{position:sticky;left:0;z-index:1}
td strong{font-weight:700}
td small{display:block;font-size:.8em;color:var(--muted);font-weight:400}
td.text,th.text{text-align:left;white-space:normal;min-width:12ch}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:16px 24px}
figure{margin:0}
svg{display:block;width:100%;height:auto;font:11px system-ui,sans-serif}
svg .chart-title{font-size:13px;font-weight:600;fill:var(--fg)}
svg .tick,svg .legend{fill:var(--muted)}
svg .label{fill:var(--muted);font-size:11px}
svg .cell{font-size:12px;font-variant-numeric:tabular-nums}
svg .grid{stroke:#eaeef2}
svg .axis{stroke:#8c959f}
svg .line{stroke-width:1.8;stroke-linejoin:round}
details{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 12px}
summary{cursor:pointer;font-weight:600}
pre{overflow-x:auto;margin:8px 0 0;font-size:13px}
ul.legend{display:flex;flex-wrap:wrap;gap:2px 16px;list-style:none;padding:0;margin:4px 0 10px;color:var(--muted);font-size:13px}
ul.legend i{display:inline-block;width:16px;height:3px;vertical-align:middle;margin-right:6px}
tbody.baselines th{font-weight:400;color:var(--muted)}
tbody.baselines tr:first-child>*{border-top:2px solid var(--line)}
.empty-chart{border:1px dashed var(--line);border-radius:6px;padding:12px;min-height:120px}
.empty-chart h3{font-size:13px;margin:0 0 6px}
@media (max-width:600px){main{padding:12px}th,td{padding:3px 6px}body{font-size:14px}}
`;

/** A table number: 3 decimals, no decimals from 1000 up, exponent form for tiny non-zero values. */
function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(3);
}

/** Reads `config[a][b]…` from an unknown config without trusting its shape. */
function pick(config: unknown, ...path: string[]): unknown {
  let v = config;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch (error) {
    return `(config not serialisable: ${error instanceof Error ? error.message : String(error)})`;
  }
}

function summary(results: ExperimentResults): string {
  const { config } = results;
  const rows: [string, string][] = [];
  const dataset = pick(config, 'data', 'dataset');
  if (typeof dataset === 'string') rows.push(['Dataset', dataset]);
  rows.push(['Tasks', results.tasks.map((t) => `${t.name} (${t.type})`).join(', ') || '—']);
  rows.push(['Methods', `${results.methods.length}: ${results.methods.map((m) => m.method).join(', ')}`]);
  const seeds = pick(config, 'seeds');
  if (Array.isArray(seeds)) rows.push(['Seeds', `${seeds.length} (${seeds.join(', ')})`]);
  const epochs = pick(config, 'epochs');
  if (typeof epochs === 'number') rows.push(['Epochs', String(epochs)]);
  const optimizer = pick(config, 'optimizer', 'name');
  const lr = pick(config, 'optimizer', 'lr');
  if (typeof optimizer === 'string')
    rows.push(['Optimizer', typeof lr === 'number' ? `${optimizer}, lr ${lr}` : optimizer]);
  rows.push(['Created', results.createdAt]);
  return `<dl class="summary">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

interface Column {
  header: string;
  direction: 'higher' | 'lower' | null;
  value: (m: Method) => Stat | null;
  /** The cell's markup (numbers only: nothing to escape). */
  format: (s: Stat) => string;
}

const arrow = (d: Column['direction']) => (d === 'higher' ? ' ↑' : d === 'lower' ? ' ↓' : '');

/** One legend for a group of charts that share their series. */
function legendList(items: readonly { name: string; color: string }[]): string {
  return `<ul class="legend">${items
    .map((it) => `<li><i style="background:${escapeHtml(it.color)}"></i>${escapeHtml(it.name)}</li>`)
    .join('')}</ul>`;
}

function comparisonTable(results: ExperimentResults): string {
  const groups = results.tasks.map((task) => {
    const metrics: string[] = [];
    for (const m of results.methods) {
      // The test loss stays out, as in the terminal's table and the page's: Δm compares metrics.
      for (const metric of Object.keys(m.metrics[task.name] ?? {}))
        if (metric !== 'loss' && !metrics.includes(metric)) metrics.push(metric);
    }
    return { task: task.name, metrics };
  });
  const seeds = pick(results.config, 'seeds');
  const single = Array.isArray(seeds) && seeds.length === 1;
  // A spread below 1e-9 of the mean is rounding between identical runs: show it as 0.
  const spread = (s: Stat) => (s.std <= 1e-9 * Math.max(1, Math.abs(s.mean)) ? 0 : s.std);
  // Markup: the spread goes under the mean, which keeps the columns narrow enough for a laptop's width.
  const meanStd = (s: Stat) =>
    single ? formatNumber(s.mean) : `${formatNumber(s.mean)}<small>± ${formatNumber(spread(s))}</small>`;
  // Δm and the time come first: the two columns a comparison is read by stay in view however many metrics follow.
  const columns: Column[] = [
    {
      header: 'Δm %',
      direction: 'higher',
      value: (m) => m.deltaM,
      format: (s) =>
        `${s.mean >= 0 ? '+' : ''}${s.mean.toFixed(2)}${single ? '' : `<small>± ${s.std.toFixed(2)}</small>`}`,
    },
    {
      header: 'ms/step',
      direction: 'lower',
      value: (m) => ({ mean: m.msPerStep, std: 0 }),
      format: (s) => (Number.isFinite(s.mean) ? s.mean.toFixed(2) : '—'),
    },
    ...groups.flatMap(({ task, metrics }) =>
      metrics.map(
        (metric): Column => ({
          header: metric,
          direction: metricDirection(metric),
          value: (m: Method) => m.metrics[task]?.[metric] ?? null,
          format: meanStd,
        }),
      ),
    ),
  ];
  const best = columns.map((c) => {
    const means = results.methods.map((m) => c.value(m)?.mean ?? Number.NaN).filter(Number.isFinite);
    if (c.direction === null || means.length === 0) return Number.NaN;
    return c.direction === 'higher' ? Math.max(...means) : Math.min(...means);
  });
  const over = Array.isArray(seeds)
    ? single
      ? ` (seed ${seeds[0]})`
      : `, mean ± std over ${seeds.length} seeds`
    : ', mean ± std over seeds';
  const baselines = results.baselines ?? [];
  const caption =
    `Test metrics per task${over}; the best value of each column is in bold ` +
    '(↑ higher is better, ↓ lower is better). Δm follows LibMTL’s convention: the mean relative ' +
    'improvement over the single-task baselines, in percent — positive = better than single-task' +
    (baselines.length > 0 ? ' (the baselines are the last rows: each task trained alone)' : '') +
    '. ms/step: mean wall-clock time per training step.';
  const head1 = [
    '<th scope="col" rowspan="2">Method</th>',
    '<th scope="col" rowspan="2">Δm % ↑</th>',
    '<th scope="col" rowspan="2">ms/step ↓</th>',
    ...groups
      .filter((g) => g.metrics.length > 0)
      .map((g) => `<th scope="colgroup" colspan="${g.metrics.length}">${escapeHtml(g.task)}</th>`),
  ].join('');
  const head2 = columns
    .slice(2)
    .map((c) => `<th scope="col">${escapeHtml(c.header + arrow(c.direction))}</th>`)
    .join('');
  const body = results.methods
    .map((m) => {
      const cells = columns.map((c, k) => {
        const s = c.value(m);
        if (k === 0 && s === null && m.deltaMUnavailable !== undefined)
          return `<td title="${escapeHtml(m.deltaMUnavailable)}">n/a</td>`;
        if (s === null || !Number.isFinite(s.mean)) return '<td>—</td>';
        const text = c.format(s);
        return s.mean === best[k] ? `<td><strong>${text}</strong></td>` : `<td>${text}</td>`;
      });
      return `<tr><th scope="row">${escapeHtml(m.method)}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  // A baseline fills its own task's columns; Δm is relative to these rows ("ref").
  const baselineBody = baselines
    .map((b) => {
      const cells = groups.flatMap(({ task, metrics }) =>
        metrics.map((metric) => {
          const s = task === b.task ? b.metrics[metric] : undefined;
          return `<td>${s === undefined ? '' : meanStd(s)}</td>`;
        }),
      );
      return `<tr><th scope="row">${escapeHtml(b.label ?? `${b.task} alone`)}</th><td>ref</td><td>${b.msPerStep.toFixed(2)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return [
    '<div class="table-wrap"><table class="comparison">',
    `<caption>${escapeHtml(caption)}</caption>`,
    `<thead><tr>${head1}</tr>${head2 ? `<tr>${head2}</tr>` : ''}</thead>`,
    `<tbody>\n${body}\n</tbody>`,
    ...(baselines.length > 0 ? [`<tbody class="baselines">\n${baselineBody}\n</tbody>`] : []),
    '</table></div>',
    ...results.methods
      .filter((m) => m.deltaM === null && m.deltaMUnavailable !== undefined)
      .map(
        (m) =>
          `<p class="note">Δm of ${escapeHtml(m.method)} is n/a: ${escapeHtml(m.deltaMUnavailable!)}</p>`,
      ),
  ].join('\n');
}

function lossCharts(results: ExperimentResults): string {
  // The 2-D toy's "epochs" are optimisation steps.
  const toy = pick(results.config, 'data', 'dataset') === 'cagradToy';
  const methods = results.methods.map((m, i) => ({ name: m.method, color: color(i) }));
  const figures = results.tasks.map((task, t) =>
    lineChart({
      id: `loss-${t}`,
      title: `${task.name} (${task.type})`,
      xLabel: toy ? 'step' : 'epoch',
      xStep: results.methods[0]?.curves.every ?? 1,
      yLabel: 'train loss',
      legend: false,
      series: results.methods.map((m, i) => ({
        name: m.method,
        values: m.curves.epochLoss[task.name] ?? [],
        color: methods[i]!.color,
      })),
    }),
  );
  return `${legendList(methods)}<div class="grid">${figures.map((f) => `<figure class="loss-chart">${f}</figure>`).join('\n')}</div>`;
}

function weightCharts(results: ExperimentResults): string {
  const tasks = results.tasks.map((task, t) => ({ name: task.name, color: color(t) }));
  const figures = results.methods.map((m, i) => {
    const series = results.tasks.map((task, t) => ({
      name: task.name,
      values: m.curves.weights[task.name] ?? [],
      color: tasks[t]!.color,
    }));
    return lineChart({
      id: `weights-${i}`,
      title: m.method,
      xLabel: 'step',
      xStep: m.curves.every ?? 1,
      yLabel: 'task weight',
      yScale: needsLogScale(series.flatMap((s) => s.values)) ? 'log' : 'linear',
      legend: false,
      series,
    });
  });
  return `${legendList(tasks)}<div class="grid">${figures.map((f) => `<figure class="weights-chart">${f}</figure>`).join('\n')}</div>`;
}

function cosineMaps(results: ExperimentResults): string {
  const labels = results.tasks.map((t) => t.name);
  const figures = results.methods.map((m, i) => {
    const { cosine } = m.curves;
    return cosine === null
      ? `<figure class="cosine-map empty-chart"><h3>${escapeHtml(m.method)}</h3><p class="muted">${escapeHtml(m.method)} does not compute task gradients, so there is no cosine matrix.</p></figure>`
      : `<figure class="cosine-map">${heatmap({ id: `cosine-${i}`, title: m.method, labels, values: cosine })}</figure>`;
  });
  return `<div class="grid">${figures.join('\n')}</div>`;
}

/**
 * The experiment report as one self-contained HTML page: inline CSS and SVG charts, no scripts
 * and no external resources, so it opens anywhere and can be attached or archived as is. Sections:
 * summary, comparison table, for image datasets the sample test images with each head's
 * prediction and the confusion matrices, per-task training-loss curves, task weights over steps,
 * the task-gradient cosine matrix per method, and the config.
 */
export function htmlReport(results: ExperimentResults): string {
  const title = `${results.name} — multi-task experiment report`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}${results.images === undefined ? '' : IMAGE_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(results.name)}</h1>
<p class="note">Multi-task experiment report: ${results.tasks.length} task${results.tasks.length === 1 ? '' : 's'}, ${results.methods.length} method${results.methods.length === 1 ? '' : 's'}.</p>
${summary(results)}
</header>
<section aria-labelledby="s-table">
<h2 id="s-table">Comparison</h2>
${comparisonTable(results)}
</section>
${imageSection(results)}
<section aria-labelledby="s-loss">
<h2 id="s-loss">Training loss per task</h2>
<p class="note">Mean training loss per epoch, first seed; one line per method.</p>
${lossCharts(results)}
</section>
<section aria-labelledby="s-weights">
<h2 id="s-weights">Task weights over training</h2>
<p class="note">The weight each method gave each task at every step, first seed; a chart whose weights span more than a factor of 20 has a log scale, and identical lines are dashed.</p>
${weightCharts(results)}
</section>
<section aria-labelledby="s-cosine">
<h2 id="s-cosine">Task-gradient cosine similarity</h2>
<p class="note">Pairwise cosine of the task gradients at the last recorded step, first seed: −1 (blue, conflicting) … 0 (white) … +1 (red, aligned).</p>
${cosineMaps(results)}
</section>
<section aria-labelledby="s-config">
<h2 id="s-config">Config</h2>
<details>
<summary>Experiment config (JSON)</summary>
<pre><code>${escapeHtml(prettyJson(results.config))}</code></pre>
</details>
</section>
</main>
</body>
</html>
`;
}
