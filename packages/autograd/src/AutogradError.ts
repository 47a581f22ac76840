import { MtlError } from '@mtl/tensor';

/** Misuse of the graph: backward through a freed graph, on a non-scalar without a gradient, … */
export class AutogradError extends MtlError {
  override name = 'AutogradError';
}
