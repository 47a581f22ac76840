/**
 * What an image run shows besides its metrics: a few test images with each head's prediction,
 * and a per-task confusion matrix over the whole test split. The images and their true classes
 * are the same for every run (`imageSamples`, stored once); each run adds its predictions
 * (`imagePredictions`).
 */
import { noGrad } from '@mtl/autograd';
import type { MultiTaskDataset, MultiTaskModel } from '@mtl/multitask';
import type { SplitColumns } from './images';

/** How many test images a report shows. */
export const SAMPLE_IMAGES = 8;
/** Test images per forward pass when predicting (bounds the activations' memory). */
const BATCH = 500;

/** The first test images, as a report draws them. */
export interface ImageSamples {
  /** Class names per task, indexed by label. */
  classes: Record<string, string[]>;
  height: number;
  width: number;
  images: {
    /** Row of the test split. */
    index: number;
    /** Grey levels 0–255 (0 black), row-major, height × width bytes, base64-encoded (compact in JSON). */
    pixels: string;
    /** The true class per task. */
    labels: Record<string, number>;
  }[];
}

/** A run's predictions: per sample image and per task, and the confusion over the test split. */
export interface ImagePredictions {
  /** Per task, the predicted class of each of the ImageSamples' images, in their order. */
  predicted: Record<string, number[]>;
  /** Per task, counts[true class][predicted class] over the whole test split (rows sum to the class's images). */
  confusion: Record<string, number[][]>;
}

/** The first `count` test images of image columns, with their true classes (from the raw pixels in [0, 1]). */
export function imageSamples(data: SplitColumns, count = SAMPLE_IMAGES): ImageSamples {
  const [, , height = 28, width = 28] = data.features.shape;
  const size = height * width;
  const offset = data.split.train + data.split.validation;
  const pixels = data.features.data;
  const tasks = Object.keys(data.labels);
  return {
    classes: Object.fromEntries(tasks.map((t) => [t, data.tasks[t]!.classes ?? []])),
    height,
    width,
    images: Array.from({ length: Math.min(count, data.split.test) }, (_, index) => {
      const row = offset + index;
      return {
        index,
        pixels: toBase64(
          Uint8Array.from({ length: size }, (_, k) => Math.round(255 * Number(pixels[row * size + k]))),
        ),
        labels: Object.fromEntries(tasks.map((t) => [t, Number(data.labels[t]!.data[row])])),
      };
    }),
  };
}

/**
 * A trained model's predicted class (arg max of the logits) for every test image: the first
 * `count` per task, and each task's confusion matrix (`classes` per task).
 */
export function imagePredictions(
  model: MultiTaskModel,
  test: MultiTaskDataset,
  classes: Record<string, number>,
  count = SAMPLE_IMAGES,
): ImagePredictions {
  const tasks = Object.keys(classes);
  const confusion = Object.fromEntries(
    tasks.map((t) => [t, Array.from({ length: classes[t]! }, () => new Array<number>(classes[t]!).fill(0))]),
  );
  const predicted: Record<string, number[]> = Object.fromEntries(tasks.map((t) => [t, []]));
  const wasTraining = model.training;
  model.eval();
  try {
    for (let start = 0; start < test.length; start += BATCH) {
      const end = Math.min(test.length, start + BATCH);
      const out = noGrad(() => model.forward(test.features.slice(0, start, end)));
      for (const t of tasks) {
        const logits = out[t]!.value.data;
        const k = classes[t]!;
        const truth = test.labels[t]!.data;
        for (let i = 0; i < end - start; i++) {
          let best = 0;
          for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
          const label = Number(truth[start + i]);
          // A missing label (−1) counts in no row.
          if (label >= 0) confusion[t]![label]![best]!++;
          if (start + i < count) predicted[t]!.push(best);
        }
      }
    }
  } finally {
    model.train(wasTraining);
  }
  return { predicted, confusion };
}

/** The grey levels of a sample image (decoded from {@link ImageSamples}' base64). */
export function samplePixels(image: ImageSamples['images'][number]): Uint8Array {
  return Uint8Array.from(atob(image.pixels), (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
