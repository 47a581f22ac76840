/**
 * The sweep's report as one self-contained HTML page (inline CSS and SVG, no script), written
 * next to its JSON: each method at its chosen setting with its test metrics, how the validation
 * criterion moved with each swept field (one chart per field), the tuned single-task baselines,
 * the run times, the failed runs with their errors, and the config.
 */

import type { ExperimentConfig } from '../config';
import { methodLabel } from '../methods';
import { escapeHtml } from '../report/escapeHtml';
import { color, REPORT_CSS } from '../report/htmlReport';
import { lineChart } from '../report/lineChart';
import { formatSetting, type Setting } from './expandSweep';
import { canonicalJson } from './runKey';
import type { MethodChoice, SweepSelection } from './selectSettings';

export interface SweepReportInput {
  name: string;
  config: ExperimentConfig;
  selection: SweepSelection;
  /** Runs trained now, reused from the store, and the sweep's wall time in seconds. */
  trained: number;
  reused: number;
  seconds: number;
  /** Where the runs ran: `2 worker processes`, `the queue on redis://…`. */
  where: string;
}

const stat = (s: { mean: number; std: number } | null | undefined, digits = 3) =>
  s == null ? '—' : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
const settingText = (s: Setting | null) => (s === null ? 'none' : formatSetting(s));

export function sweepReport({
  name,
  config,
  selection,
  trained,
  reused,
  seconds,
  where,
}: SweepReportInput): string {
  const criterion = selection.select === 'deltaM' ? 'validation Δm (%)' : `validation ${selection.select}`;
  const better = selection.higherIsBetter ? 'higher is better' : 'lower is better';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${name} — sweep report`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(name)}</h1>
<p class="note">Sweep report: ${selection.runs} runs (${trained} trained now, ${reused} reused) on ${escapeHtml(where)}, ${seconds.toFixed(1)} s; ${escapeHtml(config.data.dataset)}, ${config.seeds.length} seed${config.seeds.length === 1 ? '' : 's'}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'}.</p>
<p>Each method is shown at the setting with the best ${escapeHtml(criterion)} (${better}), mean over the seeds, and measured on the test split. The single-task baselines are tuned the same way (each task at its lowest validation loss); every Δm, validation and test, is against them (LibMTL's sign: positive is better).</p>
</header>
<section aria-labelledby="s-chosen">
<h2 id="s-chosen">Each method at its chosen setting</h2>
${chosenTable(selection, criterion)}
</section>
<section aria-labelledby="s-sensitivity">
<h2 id="s-sensitivity">Sensitivity</h2>
<p class="note">The ${escapeHtml(criterion)} of each value of a swept field, the method's other fields at their chosen values (mean over seeds).</p>
<div class="grid">${sensitivityCharts(selection, criterion)}</div>
</section>
${baselinesSection(selection)}
${failedSection(selection)}
<section aria-labelledby="s-config">
<h2 id="s-config">Config</h2>
<details>
<summary>Sweep config (JSON)</summary>
<pre><code>${escapeHtml(JSON.stringify(config, null, 2))}</code></pre>
</details>
</section>
</main>
</body>
</html>
`;
}

function chosenTable(selection: SweepSelection, criterion: string): string {
  const shown = selection.methods.filter((m) => m.test !== null);
  const columns = Object.entries(shown[0]?.test ?? {}).flatMap(([task, ms]) =>
    Object.keys(ms)
      .filter((k) => k !== 'loss')
      .map((k) => [task, k] as const),
  );
  // Δm and the time first, the columns a comparison is read by; the metrics after them.
  const head = [
    'method',
    'setting',
    criterion,
    'test Δm %',
    'ms/step',
    ...columns.map(([t, m]) => `${t}.${m}`),
    'settings tried',
  ];
  const rows = selection.methods.map((m) => {
    const chosen = m.settings.find(
      (s) => m.chosen !== null && canonicalJson(s.setting) === canonicalJson(m.chosen),
    );
    const cells = [
      `<th scope="row">${escapeHtml(methodLabel(m.method))}</th>`,
      `<td class="text">${escapeHtml(settingText(m.chosen))}</td>`,
      `<td>${stat(chosen?.criterion)}</td>`,
      `<td>${m.testDeltaM === null ? '—' : `${m.testDeltaM.mean >= 0 ? '+' : ''}${stat(m.testDeltaM, 2)}`}</td>`,
      `<td>${m.msPerStep === null ? '—' : m.msPerStep.toFixed(1)}</td>`,
      ...columns.map(([t, k]) => `<td>${stat(m.test?.[t]?.[k])}</td>`),
      `<td>${m.settings.length}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  const th = (h: string) => `<th scope="col"${h === 'setting' ? ' class="text"' : ''}>${escapeHtml(h)}</th>`;
  return `<div class="table-wrap"><table><thead><tr>${head.map(th).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** One chart per swept field: x its values (sorted), y the criterion of each method's slice through its chosen setting. */
function sensitivityCharts(selection: SweepSelection, criterion: string): string {
  const fields = [
    ...new Set(selection.methods.flatMap((m) => m.settings.flatMap((s) => Object.keys(s.setting)))),
  ];
  if (fields.length === 0) return '<p class="note">No field was varied.</p>';
  return fields
    .map((field) => {
      const values = [
        ...new Map(
          selection.methods.flatMap((m) =>
            m.settings
              .filter((s) => field in s.setting)
              .map((s) => [canonicalJson(s.setting[field]), s.setting[field]]),
          ),
        ).values(),
      ].sort((a, b) =>
        typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
      );
      const series = selection.methods
        .filter((m) => m.chosen !== null && field in m.chosen)
        .map((m, i) => ({
          name: methodLabel(m.method),
          color: color(i),
          values: values.map((v) => slice(m, field, v)?.criterion?.mean ?? Number.NaN),
        }));
      if (series.length === 0) return '';
      return `<figure>${lineChart({
        title: field,
        series,
        xLabels: values.map((v) =>
          typeof v === 'number' ? String(Number(v.toPrecision(4))) : JSON.stringify(v),
        ),
        xLabel: field,
        yLabel: criterion,
      })}</figure>`;
    })
    .join('');
}

/** The method's setting with `field` = `value` and every other field as in its chosen setting. */
function slice(m: MethodChoice, field: string, value: unknown) {
  const want = canonicalJson({ ...m.chosen, [field]: value });
  return m.settings.find((s) => canonicalJson(s.setting) === want);
}

function baselinesSection(selection: SweepSelection): string {
  if (selection.baselines === null) return '';
  const rows = Object.entries(selection.baselines).map(([task, b]) => {
    const metrics = Object.entries(b.test)
      .filter(([k]) => k !== 'loss')
      .map(([k, v]) => `${k} ${v.toFixed(3)}`)
      .join(', ');
    return `<tr><th scope="row">${escapeHtml(task)}</th><td class="text">${escapeHtml(settingText(b.setting))}</td><td>${(b.validation.loss ?? Number.NaN).toFixed(4)}</td><td class="text">${escapeHtml(metrics)}</td></tr>`;
  });
  return `<section aria-labelledby="s-baselines">
<h2 id="s-baselines">Single-task baselines</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">task</th><th scope="col" class="text">setting</th><th scope="col">validation loss</th><th scope="col" class="text">test metrics (mean over seeds)</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
</section>`;
}

function failedSection(selection: SweepSelection): string {
  const training = `<p>Training took ${selection.seconds.toFixed(1)} s over ${selection.runs} runs (summed over workers).</p>`;
  if (selection.failed.length === 0)
    return `<section aria-labelledby="s-runs"><h2 id="s-runs">Runs</h2>${training}<p>No run failed.</p></section>`;
  const items = selection.failed.map(
    (f) =>
      `<li><strong>${escapeHtml(methodLabel(f.name))}</strong> ${escapeHtml(settingText(f.setting))}, seed ${f.seed}: ${escapeHtml(f.error)}</li>`,
  );
  return `<section aria-labelledby="s-runs"><h2 id="s-runs">Runs</h2>${training}<p>${selection.failed.length} run${selection.failed.length === 1 ? '' : 's'} failed:</p><ul>${items.join('')}</ul></section>`;
}
