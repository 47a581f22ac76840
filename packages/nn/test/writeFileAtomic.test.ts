import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tensor } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../tools/testing/temporaryDirectories';
import { loadSafetensorsFile, SaveError, saveSafetensorsFile, writeFileAtomic } from '../src/index';

const folder = temporaryDirectories('mtl-atomic-')();

describe('writeFileAtomic', () => {
  it('writes and replaces a file, bytes or text, by path or URL, leaving no temporary file', async () => {
    const path = join(folder, 'a.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await writeFileAtomic(pathToFileURL(path), 'text');
    expect(readFileSync(path, 'utf8')).toBe('text');
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a write that fails throws SaveError naming the call and the file, and changes nothing', async () => {
    const missing = join(folder, 'no-such-folder', 'b.bin');
    const error = await writeFileAtomic(missing, 'x', { op: 'Thing.save' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as Error).message).toMatch(
      /^Thing\.save: could not write .*no-such-folder\/b\.bin — ENOENT/,
    );
    // A folder where the file should be: rename fails after the temporary file was written.
    const blocked = join(folder, 'blocked');
    await writeFileAtomic(join(blocked, 'inside'), 'x').catch(() => {});
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    await expect(writeFileAtomic(join(blocked, 'inside'), 'new')).rejects.toThrow(SaveError);
    expect(readdirSync(blocked)).toEqual(['inside']);
  });

  it('refuses a path or data of the wrong kind before touching the disk', async () => {
    const { ValueError } = await import('@mtl/tensor');
    await expect(writeFileAtomic(null as never, 'x')).rejects.toThrow(ValueError);
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(
      /writeFileAtomic: path must be a non-empty string or a file URL — got ""/,
    );
    await expect(writeFileAtomic(join(folder, 'd.bin'), [1, 2] as never)).rejects.toThrow(
      /data must be a Uint8Array or a string — got \[1, 2\]/,
    );
    expect(readdirSync(folder)).not.toContain('d.bin');
  });

  it('sweeps temporary files left by writers that died, not those of live ones', async () => {
    const path = join(folder, 'c.bin');
    const dead = join(folder, '.c.bin.999999999-x-y.tmp');
    const alive = join(folder, `.c.bin.${process.ppid}-x-y.tmp`);
    writeFileSync(dead, 'partial');
    writeFileSync(alive, 'partial');
    await writeFileAtomic(path, 'done');
    const left = readdirSync(folder).filter((f) => f.startsWith('.c.bin.'));
    expect(left).toEqual([`.c.bin.${process.ppid}-x-y.tmp`]);
  });
});

describe('saveSafetensorsFile', () => {
  it('replaces the file atomically and reports a failed write as SaveError', async () => {
    const path = join(folder, 'w.safetensors');
    await saveSafetensorsFile(path, { w: tensor([1, 2]) });
    await saveSafetensorsFile(path, { w: tensor([3, 4]) });
    expect([...(await loadSafetensorsFile(path)).w!.data]).toEqual([3, 4]);
    await expect(
      saveSafetensorsFile(join(folder, 'nope', 'w.safetensors'), { w: tensor([1]) }),
    ).rejects.toThrow(/saveSafetensorsFile: could not write/);
  });
});
