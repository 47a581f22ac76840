import { checkOptions, formatValue, optionKeys, ValueError } from '@mtl/tensor';
import { nodeBuiltin } from './nodeBuiltin';
import { SaveError } from './SaveError';

const WRITE_FILE_ATOMIC_OPTIONS = optionKeys<{ op?: string }>({ op: true });

/**
 * Node only: writes `data` to `path` so that a reader — or the next run after a crash, a kill or
 * a full disk — finds the old file or the new one, never a mix or a truncated file. The bytes go
 * to a temporary file in the same folder, are flushed to disk (fsync), and the temporary file is
 * renamed over `path` (atomic on POSIX file systems); the folder is then flushed so the rename
 * itself survives a power cut. On failure the temporary file is removed and a `SaveError` names
 * `op`, the file and the reason.
 */
export async function writeFileAtomic(
  path: string | URL,
  data: Uint8Array | string,
  options: { op?: string } = {},
): Promise<void> {
  const { op = 'writeFileAtomic' } = checkOptions('writeFileAtomic', options, WRITE_FILE_ATOMIC_OPTIONS);
  if (!(typeof path === 'string' && path !== '') && !(path instanceof URL)) {
    throw new ValueError(`${op}: path must be a non-empty string or a file URL — got ${formatValue(path)}`);
  }
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new ValueError(`${op}: data must be a Uint8Array or a string — got ${formatValue(data)}`);
  }
  let fs: typeof import('node:fs/promises');
  let pathModule: typeof import('node:path');
  let url: typeof import('node:url');
  try {
    [fs, pathModule, url] = await Promise.all([
      nodeBuiltin<typeof import('node:fs/promises')>('fs/promises'),
      nodeBuiltin<typeof import('node:path')>('path'),
      nodeBuiltin<typeof import('node:url')>('url'),
    ]);
  } catch {
    throw new SaveError(
      `${op}: writing files needs Node's fs module, which this runtime lacks — in a browser, offer the bytes as a Blob download instead`,
    );
  }
  const target = typeof path === 'string' ? path : url.fileURLToPath(path);
  const folder = pathModule.dirname(target);
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const temporary = pathModule.join(folder, `.${pathModule.basename(target)}.${unique}.tmp`);
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await fs.open(temporary, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(temporary, { force: true }).catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new SaveError(
      `${op}: could not write ${target} — ${reason}; the file that was there before is unchanged`,
      {
        cause: error,
      },
    );
  }
  await syncFolder(fs, folder);
  await sweepStale(fs, folder, pathModule.basename(target));
}

/**
 * Removes the temporary files that writers of the same file left when they were killed
 * mid-write (their process is gone), so repeated crashes do not fill the disk.
 */
async function sweepStale(
  fs: typeof import('node:fs/promises'),
  folder: string,
  base: string,
): Promise<void> {
  const prefix = `.${base}.`;
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    await fs.rm(`${folder}/${name}`, { force: true }).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a folder's entries (the rename) to disk; some file systems refuse, which is harmless. */
async function syncFolder(fs: typeof import('node:fs/promises'), folder: string): Promise<void> {
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch {
    // Not every file system lets a folder be opened or synced (Windows, some network mounts).
  } finally {
    await handle?.close().catch(() => {});
  }
}
