import { describe, expect, it } from 'vitest';
import { resultsCsv } from '../web/downloads';
import type { RunView } from '../web/runs';

describe('resultsCsv', () => {
  it('has a column per task and metric, also for a task whose name has a dot', () => {
    const run = (label: string, metrics: RunView['metrics']) =>
      ({ spec: { label }, status: 'done', metrics, msPerStep: 1.5 }) as unknown as RunView;
    const csv = resultsCsv([
      run('EW', { 'body.mass': { mae: 0.25 }, species: { accuracy: 0.9 } }),
      run('PCGrad, "fixed"', null),
    ]);
    expect(csv).toBe(
      'run,status,body.mass.mae,species.accuracy,msPerStep\nEW,done,0.25,0.9,1.5\n"PCGrad, ""fixed""",done,,,1.5\n',
    );
  });
});
