/** Live line charts (uPlot): a fixed set of series, redrawn with new data as training advances. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Distinct, colour-blind-friendly run colours (Okabe–Ito, then Tableau). */
export const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#7f7f7f',
  '#8c564b',
  '#bcbd22',
  '#17becf',
];

export interface SeriesSpec {
  label: string;
  color: string;
  dashed?: boolean;
  /** A dash pattern of its own (a line lying on an earlier one). */
  dash?: number[];
}

/** Options of a {@link LiveChart}. */
export interface LiveChartOptions {
  /** A log y axis (task weights that span orders of magnitude). */
  logY?: boolean;
  /** uPlot's legend under the chart; false where one legend serves a group of charts. Default true. */
  legend?: boolean;
}

/** Characters of a y tick label → the axis width, so long ticks (31,000) clear the axis label. */
const axisWidth = (values: string[] | null) =>
  values === null ? 50 : Math.max(50, 24 + 7 * Math.max(0, ...values.map((v) => v.length)));

export class LiveChart {
  private readonly plot: uPlot;
  private readonly observer: ResizeObserver;
  private readonly note: HTMLElement;

  constructor(
    readonly container: HTMLElement,
    title: string,
    xLabel: string,
    readonly series: SeriesSpec[],
    readonly options: LiveChartOptions = {},
  ) {
    const { logY = false, legend = true } = options;
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', `${title}: ${series.map((s) => s.label).join(', ')}`);
    this.plot = new uPlot(
      {
        title: logY ? `${title} (log scale)` : title,
        width: Math.max(container.clientWidth, 240),
        height: 220,
        scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
        axes: [{ label: xLabel }, { size: (_self, values) => axisWidth(values) }],
        series: [
          { label: xLabel },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            dash: s.dash ?? (s.dashed ? [6, 4] : undefined),
            spanGaps: true,
            points: { show: false },
          })),
        ],
        legend: { show: legend, live: false },
      },
      [[], ...series.map(() => [])] as unknown as uPlot.AlignedData,
      container,
    );
    // A line inside the box: why a chart is empty, or which lines lie on one another.
    this.note = document.createElement('p');
    this.note.className = 'chart-note';
    this.note.hidden = true;
    container.append(this.note);
    this.observer = new ResizeObserver(() =>
      this.plot.setSize({ width: Math.max(container.clientWidth, 240), height: 220 }),
    );
    this.observer.observe(container);
  }

  /** x and one y column per series (null where a series has no value). */
  update(x: number[], ys: (number | null)[][]): void {
    this.plot.setData([x, ...ys] as unknown as uPlot.AlignedData);
    this.container.dataset.points = String(x.length); // how far the chart has drawn (read by tests)
  }

  /** Shows `text` inside the chart's box (null hides it). */
  setNote(text: string | null): void {
    this.note.hidden = text === null;
    if (this.note.textContent !== (text ?? '')) this.note.textContent = text ?? '';
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
    this.container.replaceChildren();
  }
}
