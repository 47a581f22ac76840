import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../src/report/ExperimentResults';
import { escapeHtml } from '../src/report/escapeHtml';
import { divergingColor, heatmap } from '../src/report/heatmap';
import { htmlReport } from '../src/report/htmlReport';
import { lineChart, logTickLabel, logTicks, needsLogScale } from '../src/report/lineChart';
import { metricDirection } from '../src/report/metricDirection';
import { formatTick, niceTicks } from '../src/report/niceTicks';

const curves = (loss: number, w: number, cos: number | null) => ({
  epochLoss: { species: [loss, loss * 0.6, loss * 0.4], mass: [loss * 2, loss, loss * 0.5] },
  weights: { species: [1, w, w], mass: [1, 2 - w, 2 - w] },
  cosine:
    cos === null
      ? null
      : [
          [1, cos],
          [cos, 1],
        ],
});

const fixture: ExperimentResults = {
  name: 'penguins',
  createdAt: '2025-01-02T03:04:05.000Z',
  config: {
    name: 'penguins',
    data: { dataset: 'penguins' },
    seeds: [0, 1, 2],
    epochs: 3,
    note: '</pre><b>x</b>',
  },
  tasks: [
    { name: 'species', type: 'multiclass' },
    { name: 'mass', type: 'regression' },
  ],
  methods: [
    {
      method: 'EW',
      metrics: { species: { accuracy: { mean: 0.95, std: 0.01 } }, mass: { mae: { mean: 300, std: 12 } } },
      deltaM: { mean: 0, std: 0 },
      msPerStep: 1.5,
      curves: curves(1, 1, 0.25),
    },
    {
      method: 'PCGrad',
      metrics: { species: { accuracy: { mean: 0.97, std: 0.02 } }, mass: { mae: { mean: 310, std: 5 } } },
      deltaM: { mean: 1.234, std: 0.5 },
      msPerStep: 3.25,
      curves: curves(0.9, 0.8, -0.75),
    },
    {
      method: '<script>alert(1)</script>',
      metrics: { species: { accuracy: { mean: 0.9, std: 0 } }, mass: { mae: { mean: 280.5, std: 1 } } },
      deltaM: { mean: -2.5, std: 1 },
      msPerStep: 2,
      curves: curves(1.1, 1.2, null),
    },
  ],
};

const html = htmlReport(fixture);
const rows = [...html.matchAll(/<tr><th scope="row">(.*?)<\/th>(.*?)<\/tr>/g)].map((m) => ({
  method: m[1],
  cells: [...m[2]!.matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]),
}));

describe('htmlReport', () => {
  it('is a self-contained page: doctype, title, no script tag, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>penguins — multi-task experiment report</title>');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('name="viewport"');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html.match(/<svg/g)?.length).toBe(html.match(/<\/svg>/g)?.length);
    expect(html.match(/<h2/g)?.length).toBe(5);
  });

  it('summarises the dataset, tasks, methods and seeds from the config', () => {
    expect(html).toContain('<dt>Dataset</dt><dd>penguins</dd>');
    expect(html).toContain('species (multiclass), mass (regression)');
    expect(html).toContain('<dt>Seeds</dt><dd>3 (0, 1, 2)</dd>');
    expect(html).toMatch(/<dt>Methods<\/dt><dd>3: EW, PCGrad/);
  });

  it('renders the comparison table with mean ± std cells, Δm, ms/step and the best per column in bold', () => {
    expect(html).toMatch(/<table class="comparison">\n<caption>[^<]*LibMTL[^<]*positive = better/);
    expect(html).toContain('<th scope="colgroup" colspan="1">species</th>');
    expect(html).toContain('<th scope="col">accuracy ↑</th>');
    expect(html).toContain('<th scope="col">mae ↓</th>');
    // Δm and ms/step first, so they are in view however many metric columns follow.
    expect(html).toMatch(
      /<th scope="col" rowspan="2">Method<\/th><th scope="col" rowspan="2">Δm % ↑<\/th><th scope="col" rowspan="2">ms\/step ↓<\/th><th scope="colgroup"/,
    );
    expect(rows).toEqual([
      {
        method: 'EW',
        cells: [
          '+0.00<small>± 0.00</small>',
          '<strong>1.50</strong>',
          '0.950<small>± 0.010</small>',
          '300.000<small>± 12.000</small>',
        ],
      },
      {
        method: 'PCGrad',
        cells: [
          '<strong>+1.23<small>± 0.50</small></strong>',
          '3.25',
          '<strong>0.970<small>± 0.020</small></strong>',
          '310.000<small>± 5.000</small>',
        ],
      },
      {
        method: '&lt;script&gt;alert(1)&lt;/script&gt;',
        cells: [
          '-2.50<small>± 1.00</small>',
          '2.00',
          '0.900<small>± 0.000</small>',
          '<strong>280.500<small>± 1.000</small></strong>',
        ],
      },
    ]);
  });

  it('shows the single-task baselines as rows of their own, and means alone for one seed', () => {
    const withBaselines = htmlReport({
      ...fixture,
      config: { ...(fixture.config as object), seeds: [4] },
      baselines: [
        {
          task: 'species',
          label: 'species alone',
          metrics: { accuracy: { mean: 0.96, std: 0 } },
          msPerStep: 1,
        },
        { task: 'mass', metrics: { mae: { mean: 290, std: 0 } }, msPerStep: 0.5 },
      ],
    });
    expect(withBaselines).toContain('Test metrics per task (seed 4)');
    expect(withBaselines).toContain('the baselines are the last rows');
    const tbody = withBaselines.split('<tbody class="baselines">')[1]!.split('</tbody>')[0]!;
    const baselineRows = [...tbody.matchAll(/<tr><th scope="row">(.*?)<\/th>(.*?)<\/tr>/g)].map((m) => [
      m[1],
      ...[...m[2]!.matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]),
    ]);
    expect(baselineRows).toEqual([
      ['species alone', 'ref', '1.00', '0.960', ''],
      ['mass alone', 'ref', '0.50', '', '290.000'],
    ]);
    expect(withBaselines).toContain('<td><strong>+1.23</strong></td>');
    expect(withBaselines).not.toContain(' ± ');
  });

  it('draws weights that span orders of magnitude on a log scale, and dashes identical lines', () => {
    const spiky = htmlReport({
      ...fixture,
      methods: [
        {
          ...fixture.methods[0]!,
          method: 'Nash-MTL',
          curves: { ...curves(1, 1, 0.5), weights: { species: [1, 31_000, 2], mass: [1, 0.5, 3] } },
        },
        {
          ...fixture.methods[1]!,
          curves: { ...curves(1, 1, 0.5), weights: { species: [1, 1, 1], mass: [1, 1, 1] } },
        },
      ],
    });
    const charts = spiky.split('<figure class="weights-chart">').slice(1);
    expect(charts[0]).toContain('(log scale)');
    // Ticks at powers of ten, the largest as "100k"; the axis label clear of them (a wider margin).
    expect(charts[0]).toMatch(/text-anchor="end">100k<\/text>/);
    expect(charts[0]).toMatch(/text-anchor="end">0\.1<\/text>/);
    expect(charts[1]).not.toContain('(log scale)');
    expect(charts[1]).toContain('stroke-dasharray="7 5"');
    expect(charts[1]).toContain('2 identical lines (dashed): species, mass');
    // One legend for the group, none in each chart.
    expect(spiky).toContain('<ul class="legend"><li><i style="background:#4e79a7"></i>species</li>');
    expect(charts[0]).not.toContain('class="legend-item"');
    expect(needsLogScale([1, 2, 30])).toBe(true);
    expect(needsLogScale([1, 2, 15])).toBe(false);
    expect(needsLogScale([-1, 2, 3000])).toBe(false);
  });

  it('places log ticks at powers of ten, with 2 and 5 inside two decades', () => {
    expect(logTicks(0.5, 31_000)).toEqual([0.1, 1, 10, 100, 1000, 10_000, 100_000]);
    expect(logTicks(0.3, 4)).toEqual([0.1, 1, 10]);
    expect(logTicks(1.5, 8)).toEqual([1, 2, 5, 10]);
    expect(logTicks(3, 3)).toEqual([2, 5]);
    expect(logTickLabel(20_000)).toBe('20k');
    expect(logTickLabel(1e6)).toBe('1e6');
    expect(logTickLabel(0.01)).toBe('0.01');
  });

  it('draws one loss chart per task, one weight chart per method and a heatmap per method with cosines', () => {
    expect(html.match(/<figure class="loss-chart">/g)?.length).toBe(2);
    expect(html.match(/<figure class="weights-chart">/g)?.length).toBe(3);
    expect(html).toContain('<title id="loss-0-t">species (multiclass)</title>');
    expect(html).toContain('<title id="loss-1-t">mass (regression)</title>');
    const maps = html.split('<figure class="cosine-map">').slice(1);
    expect(maps).toHaveLength(2);
    expect(maps[0]).toContain('<title id="cosine-0-t">EW</title>');
    expect(maps[0]).toContain('>0.25</text>');
    expect(maps[0]).toContain('>1.00</text>');
    expect(maps[1]).toContain('>-0.75</text>');
    expect(maps[1]).toContain(`fill="${divergingColor(-0.75)}"`);
    // A method without task gradients says so in a box of its own.
    expect(html).toMatch(
      /<figure class="cosine-map empty-chart"><h3>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h3><p class="muted">[^<]* does not compute task gradients, so there is no cosine matrix\./,
    );
  });

  it('escapes every name and the config', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('copes with no methods, missing curves and a config without the usual fields', () => {
    const empty = htmlReport({ ...fixture, config: null, methods: [] });
    expect(empty).toContain('<title>');
    expect(empty).not.toContain('<dt>Seeds</dt>');
    const nan = htmlReport({
      ...fixture,
      methods: [
        { ...fixture.methods[0]!, deltaM: null, curves: { epochLoss: {}, weights: {}, cosine: null } },
      ],
    });
    expect(nan).toContain('<td>—</td>');
    expect(nan).not.toContain('NaN');
  });
});

describe('niceTicks', () => {
  it.each([
    [0, 1, 5, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0, 10, 5, [0, 2, 4, 6, 8, 10]],
    [0.13, 0.87, 5, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [1, 50, 5, [0, 10, 20, 30, 40, 50]],
    [-3.2, 7.9, 5, [-5, -2.5, 0, 2.5, 5, 7.5, 10]],
    [250, 1240, 4, [250, 500, 750, 1000, 1250]],
    [0.001, 0.0042, 4, [0.001, 0.002, 0.003, 0.004, 0.005]],
  ])('niceTicks(%d, %d, %d)', (min, max, count, expected) => {
    expect(niceTicks(min, max, count)).toEqual(expected);
  });

  it('widens a degenerate range and survives non-finite input', () => {
    expect(niceTicks(2, 2)).toEqual([1.8, 1.9, 2, 2.1, 2.2].map((v) => Number(v.toPrecision(12))));
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(Number.NaN, 1)).toEqual([0, 1]);
    expect(niceTicks(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toEqual([0, 1]);
  });

  it('formats tick labels with the digits the step needs', () => {
    const ticks = niceTicks(0, 1, 4);
    expect(ticks.map((t) => formatTick(t, ticks))).toEqual(['0', '0.25', '0.50', '0.75', '1.00']);
    const big = niceTicks(0, 2e6, 4);
    expect(formatTick(big[1]!, big)).toBe('5.0e5');
    expect(formatTick(20, [0, 10, 20])).toBe('20');
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    id: 'x',
    title: 'a < b',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [
      { name: 'one', values: [3, 2, 1], color: '#123456' },
      { name: 'two', values: [2, Number.NaN, 1.5, 1.2], color: '#abcdef' },
    ],
  });

  it('draws a titled SVG with ticks, a legend and lines broken at gaps', () => {
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('<title id="x-t">a &lt; b</title>');
    expect(svg).toContain('>one</text>');
    expect(svg).toContain('>two</text>');
    for (const tick of ['1.0', '1.5', '2.0', '2.5', '3.0']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg.match(/<polyline[^>]*stroke="#123456"/g)).toHaveLength(1);
    expect(svg.match(/<polyline[^>]*stroke="#abcdef"/g)).toHaveLength(1);
    expect(svg).toMatch(/<circle [^>]*fill="#abcdef"/);
  });

  it('thins long series to about maxPoints points', () => {
    const long = lineChart({
      title: 't',
      maxPoints: 100,
      series: [{ name: 's', values: Array.from({ length: 10_000 }, (_, i) => Math.sin(i)), color: '#000' }],
    });
    const points = /points="([^"]*)"/.exec(long)![1]!.split(' ');
    expect(points.length).toBeLessThanOrEqual(101);
  });
});

describe('heatmap', () => {
  it('maps −1 to blue, 0 to white, +1 to red, clamping and greying the rest', () => {
    expect(divergingColor(-1)).toBe('#2166ac');
    expect(divergingColor(0)).toBe('#ffffff');
    expect(divergingColor(1)).toBe('#b2182b');
    expect(divergingColor(2)).toBe('#b2182b');
    expect(divergingColor(-0.5)).toBe('#90b3d6');
    expect(divergingColor(Number.NaN)).toBe('#cccccc');
  });

  it('prints every value in its cell, with escaped labels', () => {
    const svg = heatmap({
      id: 'h',
      title: 'cos',
      labels: ['a&b', 'c'],
      values: [
        [1, -0.333],
        [-0.333, 1],
      ],
    });
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg.match(/>-0\.33<\/text>/g)).toHaveLength(2);
    expect(svg).toContain('>a&amp;b</text>');
    expect(svg).toContain('a&amp;b vs c: -0.33');
  });
});

describe('metricDirection', () => {
  it('reads the direction from the metric name', () => {
    expect(['accuracy', 'f1', 'macroF1', 'auc', 'r2'].map(metricDirection)).toEqual(Array(5).fill('higher'));
    expect(['mse', 'mae', 'rmse', 'loss'].map(metricDirection)).toEqual(Array(4).fill('lower'));
    expect(metricDirection('throughput')).toBeNull();
  });
});
