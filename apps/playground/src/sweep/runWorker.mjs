// The pool's entry where the prebuilt bundle cannot be made (workerBundle.ts); plain JavaScript, so
// it loads without a TypeScript hook. piscina require()s a worker file first, and tsx's require
// hook would compile runWorker.ts to CommonJS, whose getter-based imports make training ~30%
// slower than in the CLI's own thread. Top-level await
// makes require() refuse this file, so piscina import()s it; tsx's ES module hooks, registered
// here for this thread, then load runWorker.ts as the ES module it is, like the rest of the CLI.
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./runWorker.ts');
export default run;
