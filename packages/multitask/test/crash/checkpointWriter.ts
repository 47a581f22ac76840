/**
 * The process the crash tests kill: saves generation after generation of a checkpoint (or of a
 * plain safetensors file) to one path, printing `saving K` before and `saved K` after each save.
 * Generation K's every number is `generationValue(K, i)`, so the test can tell which generation
 * (or which mix) a file holds. Usage: checkpointWriter.ts trainer|safetensors <path> <first K>
 */
import { saveSafetensorsFile } from '@mtl/nn';
import { fillGeneration, makeCrashTrainer } from './generation';

const [mode, path, first] = process.argv.slice(2) as [string, string, string];
const trainer = makeCrashTrainer();

for (let k = Number(first); ; k++) {
  fillGeneration(trainer, k);
  process.stdout.write(`saving ${k}\n`);
  if (mode === 'trainer') await trainer.save(path);
  else await saveSafetensorsFile(path, trainer.model.stateDict(), { generation: String(k) });
  process.stdout.write(`saved ${k}\n`);
}
