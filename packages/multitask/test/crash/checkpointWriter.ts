/**
 * The process the crash tests kill: saves generation after generation of a checkpoint (or of a
 * plain safetensors file) to one path, printing `saving K` before each save, `writing` when the
 * bytes start to go to a file, and `saved K` after. Generation K's every number is
 * `generationValue(K, i)`, so the test can tell which generation (or which mix) a file holds.
 * Usage: checkpointWriter.ts trainer|safetensors <path> <first K>
 */
import { open } from 'node:fs/promises';
import { saveSafetensorsFile } from '@mtl/nn';
import { fillGeneration, makeCrashTrainer } from './generation';

// A slow disk: FileHandle.writeFile writes 256 KiB at a time with a pause between, so that a
// kill can land in the middle of writing a file (a page-cache write of the whole file takes a
// few milliseconds, and a kill after it loses nothing).
const probe = await open(process.argv[1]!, 'r');
const fileHandle = Object.getPrototypeOf(probe) as {
  writeFile(data: Uint8Array | string): Promise<void>;
  write(data: Uint8Array): Promise<unknown>;
};
await probe.close();
fileHandle.writeFile = async function (this: typeof fileHandle, data) {
  process.stdout.write('writing\n');
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (let i = 0; i < bytes.length; i += 1 << 18) {
    await this.write(bytes.subarray(i, i + (1 << 18)));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
};

const [mode, path, first] = process.argv.slice(2) as [string, string, string];
const trainer = makeCrashTrainer();

for (let k = Number(first); ; k++) {
  fillGeneration(trainer, k);
  process.stdout.write(`saving ${k}\n`);
  if (mode === 'trainer') await trainer.save(path);
  else await saveSafetensorsFile(path, trainer.model.stateDict(), { generation: String(k) });
  process.stdout.write(`saved ${k}\n`);
}
