// A side-by-side training thread's entry (plain JavaScript: worker threads do not inherit tsx's
// hooks). It registers tsx's ES module hooks for this thread, then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./sideBySideWorker.ts');
