// npm run lint:electron: @doyensec/electronegativity over the Electron-facing code,
// failing on any finding or parse error. What it reads is staged in a temp folder:
// src/main and src/preload without their tests and the electron stand-in (their fake
// windows and events are not the app), package.json (the Electron version), and the
// renderer's index.html with the CSP written in as the build does (the source has a
// placeholder). Its folder scan would walk all of node_modules; the stage is small.
//
// Two things the tool does on every run are cut off here: it downloads translations
// (electronegativity-i18n on S3) and Electron's release list through `got`. Both are
// optional for it (it falls back to its bundled English texts and to the version we
// give), and a lint must not need, or phone, the network. So `got` is answered with an
// immediate failure before the tool loads.
//
// A finding that is a false positive is disabled where it is, with the tool's own
// comment (`// eng-disable CHECK_ID`) and a sentence why; see src/main/window.ts.
// Checks excluded for the whole run are listed in EXCLUDED below, each with its reason.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cspMetaPlugin } from '../vite.renderer.config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Checks turned off for the whole run: none. Add one only with the reason beside it. */
const EXCLUDED: ReadonlyArray<{ check: string; why: string }> = [];

/**
 * CSP_GLOBAL_CHECK flags a policy when Google's csp-evaluator reports anything of
 * medium severity or "maybe" worse. The policy is re-evaluated here and these findings
 * alone are accepted; any other one (an 'unsafe-inline', a wildcard, a missing
 * object-src, ...) still fails the lint.
 */
const ACCEPTED_CSP_FINDINGS: ReadonlyArray<{ directive: string; value: string; why: string }> = [
  {
    directive: 'script-src',
    value: "'self'",
    // The evaluator's warning: 'self' is a risk on an origin that also serves JSONP,
    // Angular templates or user uploads. Our origin (app://resdash, and the browser
    // shell's loopback server) serves only the files of the built renderer.
    why: "'self' serves only our own bundle: no JSONP, no Angular, no uploads",
  },
];

interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description: string;
  manualReview?: boolean;
  severity: { name: string };
  confidence: { name: string };
}

interface RunResult {
  globalChecks: number;
  atomicChecks: number;
  errors: Array<{ file: string; message: string; tolerable?: boolean }>;
  issues: Finding[];
}

type Run = (options: Record<string, unknown>, forCli: boolean) => Promise<RunResult>;

interface CspEvaluatorModule {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (
    csp: unknown,
    version: unknown,
  ) => {
    evaluate(): Array<{ severity: number; directive: string; value?: string; description: string }>;
  };
  Version: { CSP3: unknown };
  severities: Record<'HIGH' | 'MEDIUM' | 'HIGH_MAYBE' | 'MEDIUM_MAYBE', number>;
}

/** True when every finding that made the tool flag this policy is an accepted one. */
function onlyAcceptedCspFindings(policy: string, evaluator: CspEvaluatorModule): boolean {
  const { HIGH, MEDIUM, HIGH_MAYBE, MEDIUM_MAYBE } = evaluator.severities;
  const counted = [HIGH, MEDIUM, HIGH_MAYBE, MEDIUM_MAYBE];
  const findings = new evaluator.CspEvaluator(
    new evaluator.CspParser(policy).csp,
    evaluator.Version.CSP3,
  ).evaluate();
  const open = findings.filter(
    (f) =>
      counted.includes(f.severity) &&
      !ACCEPTED_CSP_FINDINGS.some((a) => a.directive === f.directive && a.value === f.value),
  );
  for (const f of open)
    console.error(`  csp-evaluator: ${f.directive} ${f.value ?? ''}: ${f.description}`);
  return open.length === 0;
}

function isAppSource(file: string): boolean {
  return /\.(ts|tsx|js|cjs|mjs)$/.test(file) && !/\.test\.tsx?$/.test(file);
}

async function stage(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-electronegativity-'));
  for (const folder of ['src/main', 'src/preload']) {
    await mkdir(path.join(dir, folder), { recursive: true });
    for (const name of await readdir(path.join(ROOT, folder))) {
      if (!isAppSource(name) || name === 'electron-stand-in.ts') continue;
      await cp(path.join(ROOT, folder, name), path.join(dir, folder, name));
    }
  }
  await cp(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  const html = await readFile(path.join(ROOT, 'src/renderer/index.html'), 'utf8');
  const hook = cspMetaPlugin().transformIndexHtml;
  if (typeof hook !== 'function') throw new Error('cspMetaPlugin has no transformIndexHtml');
  const built = (hook as unknown as (h: string) => string)(html);
  if (built.includes('__RESDASH_CSP__')) throw new Error('the CSP placeholder was not replaced');
  await mkdir(path.join(dir, 'src/renderer'), { recursive: true });
  await writeFile(path.join(dir, 'src/renderer/index.html'), built);
  return dir;
}

/** The tool's network calls fail at once (see the top of this file). */
function cutOffNetwork(toolRequire: NodeJS.Require): void {
  const gotPath = toolRequire.resolve('got');
  const offline = (): Promise<never> =>
    Promise.reject(new Error('resdash lint:electron runs offline'));
  const module = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  (toolRequire.cache as Record<string, unknown>)[gotPath] = module;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const toolRequire = createRequire(path.join(toolDir, 'dist/locales/i18n.js'));
  cutOffNetwork(toolRequire);
  const run = toolRequire(path.join(toolDir, 'dist/runner.js')) as Run;

  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const electronVersion = pkg.devDependencies.electron!.replace(/^[^\d]*/, '');

  const dir = await stage();
  const started = Date.now();
  // The tool's own chatter (its "could not fetch" lines) is noise here.
  const log = console.log;
  console.log = () => undefined;
  let result: RunResult;
  try {
    result = await run(
      {
        input: dir,
        isRelative: true,
        electronVersionOverride: electronVersion,
        excludeFromScan: EXCLUDED.map((e) => e.check),
      },
      false,
    );
  } finally {
    console.log = log;
    await rm(dir, { recursive: true, force: true });
  }

  const evaluator = toolRequire('@doyensec/csp-evaluator') as CspEvaluatorModule;
  const accepted: Finding[] = [];
  const open = result.issues.filter((f) => {
    const acceptable =
      f.id === 'CSP_GLOBAL_CHECK' &&
      typeof f.sample === 'string' &&
      f.sample.length > 0 &&
      onlyAcceptedCspFindings(f.sample, evaluator);
    if (acceptable) accepted.push(f);
    return !acceptable;
  });
  for (const f of accepted) {
    console.log(
      `accepted: ${f.id} ${f.file}:${f.location.line}: ${ACCEPTED_CSP_FINDINGS.map((a) => `${a.directive} ${a.value} (${a.why})`).join('; ')}`,
    );
  }

  const parseErrors = result.errors.filter((e) => !e.tolerable);
  for (const e of result.errors) {
    console.error(`${e.tolerable ? 'warning' : 'error'}: ${e.file}: ${e.message}`);
  }
  for (const f of open) {
    const where = f.file === 'N/A' ? '(whole app)' : `${f.file}:${f.location.line}`;
    console.error(
      `${f.id} ${f.severity.name}/${f.confidence.name}${f.manualReview ? ' (review)' : ''} ${where}`,
    );
    console.error(`  ${f.description}`);
    if (f.sample) console.error(`  > ${f.sample.trim().slice(0, 160)}`);
  }
  const checks = result.globalChecks + result.atomicChecks;
  const summary = `electronegativity ${checks} checks on Electron ${electronVersion}, ${Date.now() - started} ms`;
  if (open.length > 0 || parseErrors.length > 0) {
    console.error(`${summary}: ${open.length} finding(s), ${parseErrors.length} parse error(s).`);
    console.error(
      'Fix it, or disable a false positive where it is with `// eng-disable CHECK_ID` and why.',
    );
    process.exitCode = 1;
    return;
  }
  console.log(
    `${summary}: no findings${EXCLUDED.length ? ` (excluded: ${EXCLUDED.map((e) => e.check).join(', ')})` : ''}.`,
  );
}

await main();
