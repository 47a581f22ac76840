import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensorsFile } from '@mtl/nn';
import { Generator } from '@mtl/tensor';
import { describe, expect, it } from 'vitest';
import { temporaryDirectories } from '../../../../tools/testing/temporaryDirectories';
import { generationsOf, generationTensors, makeCrashTrainer } from './generation';

/**
 * Kills a process at random points while it saves (SIGKILL: no cleanup runs), then loads what
 * is on disk: it must be exactly the last checkpoint saved or the one being saved — never a mix
 * of two, never a truncated file, never nothing.
 */

const writer = fileURLToPath(new URL('./checkpointWriter.ts', import.meta.url));
const folder = temporaryDirectories('mtl-crash-')();
const random = new Generator(2026);

interface Trial {
  /** The generation in the last `saved` line, or null when none finished in this process. */
  saved: number | null;
  /** The generation being saved when the kill came, or null when it came between saves. */
  saving: number | null;
  /** Whether the kill came while the bytes were being written to a file. */
  writing: boolean;
}

/**
 * Starts the writer, lets one save finish to learn how long writing the file takes, then kills
 * it at a random moment while the next save writes its file (or just after).
 */
function killDuringSave(mode: 'trainer' | 'safetensors', path: string, first: number): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@mtl/source', writer, mode, path, String(first)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const trial: Trial = { saved: null, saving: null, writing: false };
    let stderr = '';
    let started = 0;
    let writeMs: number | null = null;
    let armed = false;
    let buffered = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [word, k] = line.split(' ') as [string, string];
        if (word === 'saving') {
          trial.saving = Number(k);
        } else if (word === 'writing') {
          trial.writing = true;
          started = performance.now();
          if (writeMs !== null && !armed) {
            armed = true;
            setTimeout(() => child.kill('SIGKILL'), random.uniform() * writeMs * 1.1);
          }
        } else if (word === 'saved') {
          trial.saved = Number(k);
          trial.saving = null;
          trial.writing = false;
          writeMs ??= performance.now() - started;
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(trial);
      else reject(new Error(`the writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

interface Tally {
  kills: number;
  midWrite: number;
  intact: number;
  mixed: number;
  lost: number;
}

/**
 * Kills the writer `kills` times and after each kill reads the file back with `read`, which
 * returns the generation of every number in it (null: the file would not load). The file must
 * hold one generation: the last one saved, or the one being saved when the kill came.
 */
async function killRepeatedly(
  mode: 'trainer' | 'safetensors',
  path: string,
  kills: number,
  read: () => Promise<number[] | null>,
): Promise<Tally> {
  const tally: Tally = { kills: 0, midWrite: 0, intact: 0, mixed: 0, lost: 0 };
  let lastSaved: number | null = null;
  for (let trial = 0; trial < kills; trial++) {
    const { saved, saving, writing } = await killDuringSave(mode, path, (trial + 1) * 100);
    tally.kills++;
    if (writing) tally.midWrite++;
    if (saved !== null) lastSaved = saved;
    const allowed = [lastSaved, saving].filter((k) => k !== null);
    const generations = await read();
    if (generations === null) {
      tally.lost++;
      continue;
    }
    const found = new Set(generations);
    if (found.size === 1 && allowed.includes([...found][0]!)) {
      tally.intact++;
      lastSaved = [...found][0]!;
    } else {
      tally.mixed++;
    }
  }
  const { midWrite, intact, mixed, lost } = tally;
  console.log(
    `crash ${mode === 'trainer' ? 'Trainer.save' : 'saveSafetensorsFile'}: ${kills} kills (${midWrite} while writing the file), ${intact} old-or-new intact, ${mixed} mixed, ${lost} lost`,
  );
  return tally;
}

describe('checkpoints survive a process killed while saving', () => {
  it('Trainer.save: every kill leaves the old checkpoint or the new one, exactly', {
    timeout: 600_000,
  }, async () => {
    const path = join(folder, 'run.safetensors');
    const verifier = makeCrashTrainer();
    const tally = await killRepeatedly('trainer', path, 12, async () => {
      const loaded = await verifier.load(path).then(
        () => true,
        () => false,
      );
      if (!loaded) return null;
      return [...generationsOf(generationTensors(verifier)), verifier.epoch, verifier.stepCount];
    });
    expect(tally).toEqual({ kills: 12, midWrite: tally.midWrite, intact: 12, mixed: 0, lost: 0 });
    expect(tally.midWrite).toBeGreaterThanOrEqual(6);
    // The temporary files of killed writers are swept by the next save.
    await verifier.save(path);
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('saveSafetensorsFile: every kill leaves the old file or the new one, exactly', {
    timeout: 600_000,
  }, async () => {
    const path = join(folder, 'weights.safetensors');
    const names = [...makeCrashTrainer().model.namedParameters()].map(([name]) => name);
    const tally = await killRepeatedly('safetensors', path, 6, async () => {
      const tensors = await loadSafetensorsFile(path).catch(() => null);
      return tensors === null ? null : generationsOf(names.map((name) => tensors[name]!));
    });
    expect(tally).toEqual({ kills: 6, midWrite: tally.midWrite, intact: 6, mixed: 0, lost: 0 });
  });
});
