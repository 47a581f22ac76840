/**
 * The image datasets' results on the page: the sample test images on small canvases with the
 * selected run's prediction per head (the true classes while it trains), and its confusion
 * matrix per task once it has finished.
 */
import { type ImagePredictions, type ImageSamples, samplePixels } from '../src/imageResults';
import { confusionMatrix } from '../src/report/confusionMatrix';
import { escapeHtml } from '../src/report/escapeHtml';

/** What the panel last drew, so a redraw every frame costs nothing until the run or its results change. */
const drawn = new WeakMap<
  HTMLElement,
  { samples: ImageSamples; label: string | undefined; images: ImagePredictions | null | undefined }
>();

export function drawImagePanel(
  container: HTMLElement,
  samples: ImageSamples,
  run: { label: string; images: ImagePredictions | null } | null,
): void {
  const last = drawn.get(container);
  if (last?.samples === samples && last.label === run?.label && last.images === run?.images) return;
  drawn.set(container, { samples, label: run?.label, images: run?.images });
  const tasks = Object.keys(samples.classes);
  const predictions = run?.images ?? null;
  const name = (t: string, c: number | undefined) =>
    escapeHtml(c === undefined ? '?' : (samples.classes[t]![c] ?? String(c)));
  const cards = samples.images.map((image, i) => {
    const lines = tasks.map((t) => {
      const truth = image.labels[t];
      if (predictions === null) return `<span>${escapeHtml(t)}: ${name(t, truth)}</span>`;
      const predicted = predictions.predicted[t]?.[i];
      return predicted === truth
        ? `<span class="ok">${escapeHtml(t)}: ${name(t, predicted)} ✓</span>`
        : `<span class="bad">${escapeHtml(t)}: ${name(t, predicted)} ✗ <small>(${name(t, truth)})</small></span>`;
    });
    const alt = tasks.map((t) => `${t} ${samples.classes[t]![image.labels[t]!] ?? ''}`).join(', ');
    return `<figure class="sample"><canvas width="${samples.width}" height="${samples.height}" role="img" aria-label="${escapeHtml(`Test image ${i + 1}: ${alt}`)}"></canvas><figcaption>${lines.join('')}</figcaption></figure>`;
  });
  const matrices =
    predictions === null
      ? `<p class="muted">The confusion matrices appear when ${escapeHtml(run?.label ?? 'a run')} finishes.</p>`
      : tasks
          .map(
            (t, k) =>
              `<figure>${confusionMatrix({ id: `page-confusion-${k}`, title: `${run!.label}: ${t}`, classes: samples.classes[t]!, counts: predictions.confusion[t] ?? [] })}</figure>`,
          )
          .join('');
  container.innerHTML = `<p class="muted">${
    predictions === null
      ? 'The first test images and their true classes'
      : `The first test images and ${escapeHtml(run!.label)}’s prediction per head (✓ right; ✗ wrong, the true class in brackets)`
  }.</p><div class="samples">${cards.join('')}</div><div class="confusion">${matrices}</div>`;
  container.querySelectorAll('canvas').forEach((canvas, i) => {
    const pixels = samplePixels(samples.images[i]!);
    const image = new ImageData(samples.width, samples.height);
    pixels.forEach((v, k) => {
      image.data.set([v, v, v, 255], 4 * k);
    });
    canvas.getContext('2d')!.putImageData(image, 0, 0);
  });
}
