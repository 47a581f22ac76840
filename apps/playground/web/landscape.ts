/**
 * The CAGrad toy's loss landscape, (L1 + L2)/2 over the plane, with each run's optimisation paths
 * from the paper's three starting points drawn on it.
 */
import { cagradToyParetoSet, cagradToyStarts } from '@mtl/multitask';
import { toyLandscape } from '../src/toy';

const GRID = 120;

/** Viridis-like colour stops from dark (low loss) to light (high). */
const STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Writes the ramp's colour at t ∈ [0, 1] into `rgba` at byte `at`. */
function ramp(t: number, rgba: Uint8ClampedArray, at: number): void {
  const x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
  const i = Math.min(Math.floor(x), STOPS.length - 2);
  const f = x - i;
  for (let k = 0; k < 3; k++)
    rgba[at + k] = Math.round(STOPS[i]![k]! + (STOPS[i + 1]![k]! - STOPS[i]![k]!) * f);
  rgba[at + 3] = 255;
}

/** The landscape and its coloured image: computed once, redrawn under the paths every frame. */
let background: { range: ReturnType<typeof toyLandscape>['range']; image: OffscreenCanvas } | null = null;

function landscapeBackground(): NonNullable<typeof background> {
  if (background === null) {
    const { values, range } = toyLandscape(GRID);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const pixels = new ImageData(GRID, GRID);
    values.forEach((v, i) => {
      ramp((v - lo) / (hi - lo), pixels.data, i * 4);
    });
    const image = new OffscreenCanvas(GRID, GRID);
    image.getContext('2d')!.putImageData(pixels, 0, 0);
    background = { range, image };
  }
  return background;
}

export function drawLandscape(
  canvas: HTMLCanvasElement,
  paths: { color: string; points: [number, number][][] }[],
): void {
  const { range, image } = landscapeBackground();
  const size = canvas.width;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(image, 0, 0, size, size);

  const px = (x1: number) => ((x1 - range.x1[0]) / (range.x1[1] - range.x1[0])) * size;
  const py = (x2: number) => ((range.x2[1] - x2) / (range.x2[1] - range.x2[0])) * size;
  // The Pareto set (white) and the starting points (white rings).
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(px(cagradToyParetoSet.x1[0]), py(cagradToyParetoSet.x2));
  ctx.lineTo(px(cagradToyParetoSet.x1[1]), py(cagradToyParetoSet.x2));
  ctx.stroke();
  ctx.lineWidth = 2;
  for (const [x1, x2] of cagradToyStarts) {
    ctx.beginPath();
    ctx.arc(px(x1), py(x2), 5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  for (const { color, points } of paths) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    for (const path of points) {
      if (path.length === 0) continue;
      ctx.beginPath();
      ctx.moveTo(px(path[0]![0]), py(path[0]![1]));
      for (const [x1, x2] of path) ctx.lineTo(px(x1), py(x2));
      ctx.stroke();
      const [x1, x2] = path.at(-1)!;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(px(x1), py(x2), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}
