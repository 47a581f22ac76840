import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensorsFile } from '@mtl/nn';
import { Generator } from '@mtl/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { generationsOf, generationTensors, makeCrashTrainer } from './generation';

/**
 * Kills a process at random points while it saves (SIGKILL: no cleanup runs), then loads what
 * is on disk: it must be exactly the last checkpoint saved or the one being saved — never a mix
 * of two, never a truncated file, never nothing.
 */

const writer = fileURLToPath(new URL('./checkpointWriter.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'mtl-crash-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const random = new Generator(2026);

interface Trial {
  /** The generation in the last `saved` line, or null when none finished in this process. */
  saved: number | null;
  /** The generation being saved when the kill came, or null when it came between saves. */
  saving: number | null;
}

/**
 * Starts the writer, lets one save finish to learn how long a save takes, then kills it at a
 * random moment within the next save (or just after it).
 */
function killDuringSave(mode: 'trainer' | 'safetensors', path: string, first: number): Promise<Trial> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@mtl/source', writer, mode, path, String(first)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const trial: Trial = { saved: null, saving: null };
    let stderr = '';
    let started = 0;
    let saveMs: number | null = null;
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
          started = performance.now();
          if (saveMs !== null && !armed) {
            armed = true;
            setTimeout(() => child.kill('SIGKILL'), random.uniform() * saveMs * 1.2);
          }
        } else if (word === 'saved') {
          trial.saved = Number(k);
          trial.saving = null;
          saveMs ??= performance.now() - started;
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

describe('checkpoints survive a process killed while saving', () => {
  it('Trainer.save: every kill leaves the old checkpoint or the new one, exactly', {
    timeout: 600_000,
  }, async () => {
    const path = join(folder, 'run.safetensors');
    const verifier = makeCrashTrainer();
    const tally = { kills: 0, midSave: 0, intact: 0, mixed: 0, lost: 0 };
    let lastSaved: number | null = null;
    for (let trial = 0; trial < 12; trial++) {
      const { saved, saving } = await killDuringSave('trainer', path, (trial + 1) * 100);
      tally.kills++;
      if (saving !== null) tally.midSave++;
      if (saved !== null) lastSaved = saved;
      const allowed = [lastSaved, saving].filter((k) => k !== null);
      try {
        await verifier.load(path);
      } catch (error) {
        tally.lost++;
        throw new Error(
          `after kill ${trial} (saving ${saving}, saved ${lastSaved}) the checkpoint would not load: ${error}`,
        );
      }
      const found = new Set(generationsOf(generationTensors(verifier)));
      found.add(verifier.epoch).add(verifier.stepCount);
      if (found.size === 1 && allowed.includes([...found][0]!)) {
        tally.intact++;
        lastSaved = [...found][0]!;
      } else {
        tally.mixed++;
      }
    }
    console.log(
      `crash Trainer.save: ${tally.kills} kills (${tally.midSave} during a save), ${tally.intact} old-or-new intact, ${tally.mixed} mixed, ${tally.lost} lost`,
    );
    expect(tally).toEqual({ kills: 12, midSave: tally.midSave, intact: 12, mixed: 0, lost: 0 });
    expect(tally.midSave).toBeGreaterThanOrEqual(6);
    // The temporary files of killed writers are swept by the next save.
    await verifier.save(path);
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('saveSafetensorsFile: every kill leaves the old file or the new one, exactly', {
    timeout: 600_000,
  }, async () => {
    const path = join(folder, 'weights.safetensors');
    const names = [...makeCrashTrainer().model.namedParameters()].map(([name]) => name);
    const tally = { kills: 0, midSave: 0, intact: 0, mixed: 0, lost: 0 };
    let lastSaved: number | null = null;
    for (let trial = 0; trial < 6; trial++) {
      const { saved, saving } = await killDuringSave('safetensors', path, (trial + 1) * 100);
      tally.kills++;
      if (saving !== null) tally.midSave++;
      if (saved !== null) lastSaved = saved;
      const allowed = [lastSaved, saving].filter((k) => k !== null);
      const tensors = await loadSafetensorsFile(path).catch(() => null);
      if (tensors === null) {
        tally.lost++;
        continue;
      }
      const found = new Set(generationsOf(names.map((name) => tensors[name]!)));
      if (found.size === 1 && allowed.includes([...found][0]!)) {
        tally.intact++;
        lastSaved = [...found][0]!;
      } else {
        tally.mixed++;
      }
    }
    console.log(
      `crash saveSafetensorsFile: ${tally.kills} kills (${tally.midSave} during a save), ${tally.intact} old-or-new intact, ${tally.mixed} mixed, ${tally.lost} lost`,
    );
    expect(tally).toEqual({ kills: 6, midSave: tally.midSave, intact: 6, mixed: 0, lost: 0 });
  });
});
