import { formatCount, ValueError } from '@mtl/tensor';
import { MAX_GENERATED_VALUES } from '../data/check';

/** At most this many tasks in a generated dataset. */
export const MAX_TASKS = 1024;

/** At most this many features, input or output dimensions, or latent factors. */
export const MAX_WIDTH = 65_536;

/** At most this many multiply-adds to generate one dataset: 2³⁰ (about a second). */
export const MAX_WORK = 2 ** 30;

/** Each `[what, count, fix]` must stay within {@link MAX_GENERATED_VALUES} values. */
export function checkSize(op: string, sizes: readonly (readonly [string, number, string])[]): void {
  for (const [what, count, fix] of sizes) {
    if (count > MAX_GENERATED_VALUES) {
      throw new ValueError(
        `${op}: ${what} = ${formatCount(count)} values is over the limit of ` +
          `${formatCount(MAX_GENERATED_VALUES)} (2^26) per generated tensor (${fix})`,
      );
    }
  }
}

/** Each `[what, count, fix]` must stay within {@link MAX_WORK} multiply-adds. */
export function checkWork(op: string, work: readonly (readonly [string, number, string])[]): void {
  for (const [what, count, fix] of work) {
    if (count > MAX_WORK) {
      throw new ValueError(
        `${op}: ${what} = ${formatCount(count)} multiply-adds is over the limit of ` +
          `${formatCount(MAX_WORK)} (2^30) for a generated dataset (${fix})`,
      );
    }
  }
}
