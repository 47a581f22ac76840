// The pool's entry where the prebuilt bundle cannot be made (workerBundle.ts); plain JavaScript, so
// it loads without a TypeScript hook. tsx's ES module hooks, registered here for this process,
// then load runWorker.ts as the ES module it is, like the rest of the CLI (the pool starts the
// process with `--conditions=@mtl/source`, so the packages resolve to their sources).
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./runWorker.ts');
export default run;
