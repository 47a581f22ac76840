/** One of the side-by-side trainings (sideBySide.ts): times `steps` steps, posts steps/s. */
import { parentPort, workerData } from 'node:worker_threads';
import { timeSteps } from './sideBySide';

parentPort!.postMessage(timeSteps((workerData as { steps: number }).steps));
