/**
 * Train a small hard-sharing model, save it as safetensors, and print the PyTorch code that
 * loads it into the equivalent torch.nn modules.
 */
import { writeFileSync } from 'node:fs';
import { EW, HardSharing, MultiTaskDataset, relatedTasks, Trainer } from '@mtl/multitask';
import { saveSafetensors } from '@mtl/nn';
import { Adam } from '@mtl/optim';
import { Generator } from '@mtl/tensor';

export function saveForPyTorch({ path = 'model.safetensors', log = console.log } = {}) {
  const data = relatedTasks({
    tasks: 2,
    samples: 256,
    features: 8,
    sharedFactors: 2,
    taskFactors: 1,
    seed: 0,
  });
  const model = HardSharing.mlp({
    inputSize: 8,
    hidden: [16],
    tasks: { task0: 1, task1: 1 },
    generator: new Generator(0),
  });
  const trainer = new Trainer({
    model,
    tasks: [
      { name: 'task0', type: 'regression' },
      { name: 'task1', type: 'regression' },
    ],
    optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
    weighting: new EW(),
    progress: false,
  });
  trainer.fit(new MultiTaskDataset({ features: data.features, labels: data.labels }), { epochs: 5 });
  const bytes = saveSafetensors(model.stateDict(), { format: 'pt' });
  writeFileSync(path, bytes);
  log(`wrote ${path}: ${Object.keys(model.stateDict()).join(', ')}`);
  log(`In PyTorch:
import torch, torch.nn as nn, safetensors.torch
class HardSharing(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
        self.heads = nn.ModuleDict({"task0": nn.Sequential(nn.Linear(16, 1)), "task1": nn.Sequential(nn.Linear(16, 1))})
model = HardSharing()
model.load_state_dict(safetensors.torch.load_file("${path}"))`);
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) saveForPyTorch();
