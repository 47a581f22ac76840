/**
 * The packages as an npm user gets them: packs every published package (run after `pnpm build`),
 * installs the tarballs into an empty npm project, and runs each package's first README example
 * there — type-checked (`tsc --strict`, NodeNext), as an ES module and as CommonJS — comparing
 * what it prints with its `console.log(...); // expected` comments. First it lists every file of
 * every tarball (what publishing would upload) and fails on anything but the build, the README,
 * the licence notices and package.json. Prints one line per package and exits 1 on any failure.
 * `.ci/run` runs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['tensor', 'autograd', 'optim', 'nn', 'multitask'];
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' });

const tarballs = mkdtempSync(join(tmpdir(), 'mtl-tarballs-'));
const project = mkdtempSync(join(tmpdir(), 'mtl-user-'));
// The tarballs and the user's project go when the script ends, however it ends.
process.once('exit', () => {
  for (const dir of [tarballs, project]) rmSync(dir, { recursive: true, force: true });
});
run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], root);
const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));

// What each tarball holds, file by file (what `npm publish` would upload); anything but the
// build, the README, the licence notices and package.json (source maps, sources, tests) fails.
const SHIPPED =
  /^package\/(LICENSE|README\.md|THIRD_PARTY_NOTICES\.md|package\.json|dist\/[\w.-]+\.(js|cjs|d\.ts|d\.cts))$/;
let failed = 0;
for (const f of files) {
  const entries = run('tar', ['-tzvf', join(tarballs, f)], root)
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      return { size: Number(fields[2]), path: fields.at(-1) };
    });
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  console.log(`${f}: ${entries.length} files, ${(total / 1024).toFixed(0)} KB unpacked`);
  for (const e of entries) console.log(`  ${String(e.size).padStart(8)}  ${e.path.slice('package/'.length)}`);
  const stray = entries.filter((e) => !SHIPPED.test(e.path));
  if (stray.length > 0) {
    failed++;
    console.log(`${f}: ships what it should not: ${stray.map((e) => e.path).join(', ')}`);
  }
}

writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
run('npm', ['install', '--no-audit', '--no-fund', ...files.map((f) => join(tarballs, f))], project);
writeFileSync(
  join(project, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      noEmit: true,
      skipLibCheck: false,
      types: [],
    },
  }),
);
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const ts = (await import(join(root, 'node_modules/typescript/lib/typescript.js'))).default;

for (const name of PACKAGES) {
  const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
  const code = readme.match(/```ts\n([\s\S]*?)```/)?.[1] ?? '';
  const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  const file = join(project, `${name}.mts`);
  writeFileSync(file, code);
  const problems = [];
  try {
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
  } catch (e) {
    problems.push(`tsc: ${String(e.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
  }
  for (const [kind, module, ext] of [
    ['ESM', ts.ModuleKind.ESNext, 'mjs'],
    ['CommonJS', ts.ModuleKind.CommonJS, 'cjs'],
  ]) {
    const js = ts.transpileModule(code, {
      compilerOptions: { module, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const out = join(project, `${name}.${ext}`);
    // CommonJS has no top-level await: run the body in an async function.
    writeFileSync(
      out,
      ext === 'cjs'
        ? `(async () => {\n${js}\n})().catch((e) => { console.error(e); process.exit(1); });\n`
        : js,
    );
    try {
      const printed = run(process.execPath, [out], project).trimEnd().split('\n');
      const same = printed.length === promised.length && printed.every((line, i) => line === promised[i]);
      if (!same)
        problems.push(
          `${kind} printed ${JSON.stringify(printed)}, the README promises ${JSON.stringify(promised)}`,
        );
    } catch (e) {
      problems.push(`${kind}: ${String(e.stderr).trim().split('\n').slice(0, 3).join(' | ')}`);
    }
  }
  // One example per project pass: the next README gets its own file, checked with the rest.
  run('rm', ['-f', file], project);
  if (problems.length > 0) failed++;
  console.log(
    `@mtl/${name}: ${problems.length === 0 ? 'installed from its tarball, README example type-checks and runs as ESM and CommonJS' : problems.join('; ')}`,
  );
}
console.log(
  failed === 0
    ? `tarball smoke test: all ${PACKAGES.length} packages ok`
    : `tarball smoke test: ${failed} failure${failed === 1 ? '' : 's'}`,
);
process.exit(failed === 0 ? 0 : 1);
