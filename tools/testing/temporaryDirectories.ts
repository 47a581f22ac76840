/**
 * Temporary directories for one test file, removed after its tests: a test that writes files
 * leaves nothing in the OS temp folder (runs of the suite had left thousands there, 266 MB here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Call at a test file's top level: returns a function making a fresh directory named
 * `<prefix>XXXXXX` in the OS temp folder; every one it made is removed after the file's tests.
 */
export function temporaryDirectories(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
