/**
 * A folder of run results, one JSON file per run named by its key (`<key>.json`), each written
 * atomically (a reader finds the whole file or none: a run killed while writing leaves nothing).
 * Keys are content hashes of the runs, so one folder can serve every sweep: a run finished by one
 * sweep is not trained again by the next, and rerunning an interrupted sweep trains only what is
 * missing.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@mtl/nn';
import type { RunResult } from './trainRun';

export class ResultStore {
  constructor(readonly dir: string) {}

  /** Makes the folder (and its parents) if needed. */
  async open(): Promise<this> {
    await mkdir(this.dir, { recursive: true });
    return this;
  }

  path(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  /** The stored result of a run, or null when there is none (or it is not a result of this key). */
  read(key: string): RunResult | null {
    let text: string;
    try {
      text = readFileSync(this.path(key), 'utf8');
    } catch {
      return null;
    }
    try {
      const result = JSON.parse(text) as RunResult;
      return result.key === key ? result : null;
    } catch {
      return null;
    }
  }

  /**
   * The stored result of a run that finished, or null — also for a stored failure, which a sweep
   * tries again (a missing file may have been fixed since; a diverging run diverges again).
   */
  finished(key: string): RunResult | null {
    const stored = this.read(key);
    return stored?.error === undefined ? stored : null;
  }

  async write(result: RunResult): Promise<void> {
    await writeFileAtomic(this.path(result.key), `${JSON.stringify(result, null, 1)}\n`, {
      op: 'sweep results',
    });
  }
}
