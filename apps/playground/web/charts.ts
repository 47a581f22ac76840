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
}

export class LiveChart {
  private readonly plot: uPlot;
  private readonly observer: ResizeObserver;

  constructor(
    readonly container: HTMLElement,
    title: string,
    xLabel: string,
    series: SeriesSpec[],
    { logY = false }: { logY?: boolean } = {},
  ) {
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', `${title}: ${series.map((s) => s.label).join(', ')}`);
    this.plot = new uPlot(
      {
        title,
        width: Math.max(container.clientWidth, 240),
        height: 220,
        scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
        axes: [{ label: xLabel }, {}],
        series: [
          { label: xLabel },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            dash: s.dashed ? [6, 4] : undefined,
            spanGaps: true,
            points: { show: false },
          })),
        ],
        legend: { live: false },
      },
      [[], ...series.map(() => [])] as unknown as uPlot.AlignedData,
      container,
    );
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

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
    this.container.replaceChildren();
  }
}
