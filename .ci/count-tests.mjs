// Totals the vitest JSON reports of every package and prints the closing line CI reads:
// "N passed, N failed". Exits non-zero if anything failed. A test file that fails before its
// tests run (an import or set-up error) counts as one failure, and so does a project with a
// `test` script but no report: neither may read as "0 failed".
//
// CI runs the suite once per Node version. `--save FILE` (an earlier run) prints its total in a
// form CI does not read as the closing line and keeps it in FILE; `--add FILE` adds that earlier
// total into this run's closing line.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const save = option('--save');
const add = option('--add');

let passed = 0;
let failed = 0;
let skipped = 0;
const projects = [
  ...['packages', 'apps'].flatMap((group) =>
    existsSync(group) ? readdirSync(group).map((name) => join(group, name)) : [],
  ),
  'examples',
].filter((project) => {
  const manifest = join(project, 'package.json');
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test !== undefined;
});
for (const project of projects) {
  const file = join(project, 'test-results', 'vitest.json');
  if (!existsSync(file)) {
    failed++;
    console.log(`${project}: no test report (${file}) — counted as 1 failed`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // Files that failed without a failing test among their results: they never ran their tests.
  const brokenFiles = report.testResults.filter(
    (r) => r.status === 'failed' && !r.assertionResults.some((a) => a.status === 'failed'),
  );
  for (const r of brokenFiles)
    console.log(`${project}: ${r.name} failed to run: ${r.message.split('\n')[0]}`);
  const projectFailed = report.numFailedTests + brokenFiles.length;
  const projectSkipped = report.numPendingTests + report.numTodoTests;
  passed += report.numPassedTests;
  failed += projectFailed;
  skipped += projectSkipped;
  console.log(
    `${project}: ${report.numPassedTests} passed, ${projectFailed} failed${projectSkipped > 0 ? `, ${projectSkipped} skipped` : ''}`,
  );
}
if (projects.length === 0) failed++;
if (skipped > 0) console.log(`(${skipped} skipped)`);
if (save !== undefined) {
  writeFileSync(save, JSON.stringify({ passed, failed, skipped }));
  console.log(`this run: ${passed} tests passed and ${failed} failed (${process.version})`);
} else {
  if (add !== undefined) {
    const earlier = JSON.parse(readFileSync(add, 'utf8'));
    console.log(
      `this run: ${passed} tests passed and ${failed} failed (${process.version}); with the earlier run:`,
    );
    passed += earlier.passed;
    failed += earlier.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
}
process.exit(failed > 0 ? 1 : 0);
