#!/usr/bin/env node
// The test command. With no argument: type check, lint, install the test tools (MinIO, Chromium,
// code-server, Trino; each installer is idempotent and cached under .tools/), then every suite.
// With suite names (unit, hardening, lsp, integration, conformance, e2e) it runs just those, installing only what they need.
// The conformance suite installs its pinned dbt-core + dbt-duckdb from PyPI into .bench/dbt-venv on first use.
// Tests run on node's own test runner, TypeScript through tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const all = args.length === 0;
const suites = all ? ['unit', 'hardening', 'lsp', 'integration', 'conformance', 'e2e'] : args;

function step(title, command, commandArgs) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

function findTests(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

if (all) {
  step('type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('lint', 'npx', ['eslint', '.']);
}
step('build', process.execPath, ['scripts/build.mjs']);
// The lsp suite needs them too: test/lsp/trino.test.ts runs the language server against MinIO and a Trino cluster.
const lake = suites.includes('integration') || suites.includes('lsp');
if (lake) step('install MinIO', 'bash', ['scripts/install-minio.sh']);
// The Trino suites (test/integration/trino, test/lsp/trino.test.ts) start a coordinator and a worker from this install (Java 24+ found by the suite).
if (lake) step('install Trino', 'bash', ['scripts/install-trino.sh']);
if (suites.includes('e2e')) step('install code-server and Chromium', 'bash', ['scripts/install-code-server.sh']);
// Packaged here, once: the e2e files run in parallel and would each package a stale .vsix at the same time.
if (suites.includes('e2e')) step('package the extension', 'npm', ['run', 'package']);

const files = suites.flatMap((suite) => findTests(join('test', suite)));
if (files.length === 0) {
  console.error(`no test files found for: ${suites.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
console.log(`\n▶ ${files.length} test files (${suites.join(', ')})`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
