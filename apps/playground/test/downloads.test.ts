import { describe, expect, it } from 'vitest';
import { resultsCsv } from '../web/downloads';
import type { RunView } from '../web/runs';

describe('resultsCsv', () => {
  it('has a column per task and metric, also for a task whose name has a dot', () => {
    const run = (label: string, metrics: RunView['metrics'], extra: object = {}) =>
      ({ spec: { label }, status: 'done', metrics, msPerStep: 1.5, ...extra }) as unknown as RunView;
    const csv = resultsCsv([
      run('EW', { 'body.mass': { mae: 0.25 }, species: { accuracy: 0.9 } }, { deltaM: -1.25 }),
      run('PCGrad, "fixed"', null),
      run(
        'Single-task baselines',
        { 'body.mass': { mae: 0.2 }, species: { accuracy: 0.95 } },
        { spec: { label: 'Single-task baselines', baselines: true } },
      ),
    ]);
    expect(csv).toBe(
      'run,status,body.mass.mae,species.accuracy,deltaM,msPerStep\nEW,done,0.25,0.9,-1.25,1.5\n"PCGrad, ""fixed""",done,,,,1.5\nSingle-task baselines,done,0.2,0.95,ref,1.5\n',
    );
  });
});
