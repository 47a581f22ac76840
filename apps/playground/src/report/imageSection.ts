import { samplePixels } from '../imageResults';
import { confusionMatrix } from './confusionMatrix';
import type { ExperimentResults } from './ExperimentResults';
import { escapeHtml } from './escapeHtml';
import { grayPngDataUrl } from './grayPng';

/** Styles of the image section (added to the report's CSS). */
export const IMAGE_CSS = `
.samples{display:grid;grid-template-columns:repeat(auto-fill,minmax(132px,1fr));gap:12px;margin:8px 0 16px}
.sample img{display:block;width:84px;height:84px;image-rendering:pixelated;border-radius:4px}
.sample figcaption{font-size:13px;line-height:1.35;margin-top:4px}
.sample .ok{color:#1a7f37}.sample .bad{color:#b42318}
.confusion-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,420px),1fr));gap:16px 24px}
.confusion-grid svg{max-width:520px}
`;

/**
 * The image datasets' section: per method, the sample test images (inline PNGs) with each head's
 * prediction, and each task's confusion matrix. Empty when the results hold no images.
 */
export function imageSection(results: ExperimentResults): string {
  const samples = results.images;
  if (samples === undefined) return '';
  const tasks = Object.keys(samples.classes);
  const pngs = samples.images.map((image) =>
    grayPngDataUrl(samplePixels(image), samples.width, samples.height),
  );
  const testImages = results.methods
    .map((m) => Object.values(m.images?.confusion ?? {})[0])
    .find((c) => c !== undefined)
    ?.flat()
    .reduce((s, n) => s + n, 0);
  const blocks = results.methods.map((m, k) => {
    const images = m.images;
    if (images === undefined)
      return `<h3>${escapeHtml(m.method)}</h3><p class="muted">No predictions were recorded for this method.</p>`;
    const figures = samples.images.map((image, i) => {
      const truth = tasks.map((t) => `${t} ${samples.classes[t]![image.labels[t]!] ?? '?'}`).join(', ');
      const lines = tasks.map((t) => {
        const predicted = images.predicted[t]?.[i];
        const right = predicted === image.labels[t];
        const name = (c: number | undefined) =>
          c === undefined ? '?' : (samples.classes[t]![c] ?? String(c));
        return `<span class="${right ? 'ok' : 'bad'}">${escapeHtml(t)}: ${escapeHtml(name(predicted))} ${right ? '✓' : `✗ (${escapeHtml(name(image.labels[t]))})`}</span>`;
      });
      return `<figure class="sample"><img src="${pngs[i]}" width="${samples.width}" height="${samples.height}" alt="${escapeHtml(`Test image ${image.index + 1}: ${truth}`)}"><figcaption>${lines.join('<br>')}</figcaption></figure>`;
    });
    const matrices = tasks.map((t) =>
      images.confusion[t] === undefined
        ? ''
        : `<figure>${confusionMatrix({ id: `confusion-${k}-${tasks.indexOf(t)}`, title: `${m.method}: ${t}`, classes: samples.classes[t]!, counts: images.confusion[t]! })}</figure>`,
    );
    return `<h3>${escapeHtml(m.method)}</h3>\n<div class="samples">${figures.join('')}</div>\n<div class="confusion-grid">${matrices.join('\n')}</div>`;
  });
  return `<section aria-labelledby="s-images">
<h2 id="s-images">Test images and predictions</h2>
<p class="note">The first ${samples.images.length} test images with each head's prediction, first seed (✓ right; ✗ wrong, the true class in brackets), and each task's confusion matrix over the ${testImages?.toLocaleString('en-US') ?? ''} test images: rows are the true classes, columns the predicted ones; the shade is the share of the row.</p>
${blocks.join('\n')}
</section>`;
}
