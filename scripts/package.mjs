#!/usr/bin/env node
// `npm run package`: builds medallion.vsix with @vscode/vsce from a staging folder holding only what
// the extension needs at run time: dist/ (client, server, CLI, webviews, pipeline.yml schema),
// syntaxes/, and DuckDB's native binding for one platform (default: this machine's, linux-x64 here).
//   node scripts/package.mjs [--target darwin-arm64] [--out file.vsix]
// Other targets need that platform's binding in node_modules first: see docs/packaging.md.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { target: { type: 'string' }, out: { type: 'string' } } });
const target = values.target ?? `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
const out = resolve(values.out ?? (values.target ? `medallion-${target}.vsix` : 'medallion.vsix'));
// vsce's target names → the npm package that holds DuckDB's binding for it.
const bindings = {
  'linux-x64': 'node-bindings-linux-x64', 'linux-arm64': 'node-bindings-linux-arm64',
  'alpine-x64': 'node-bindings-linux-x64-musl', 'alpine-arm64': 'node-bindings-linux-arm64-musl',
  'darwin-x64': 'node-bindings-darwin-x64', 'darwin-arm64': 'node-bindings-darwin-arm64',
  'win32-x64': 'node-bindings-win32-x64', 'win32-arm64': 'node-bindings-win32-arm64',
};
const binding = bindings[target];
if (!binding) fail(`no DuckDB binding for target ${target}; one of: ${Object.keys(bindings).join(', ')}`);

const required = ['dist/client.js', 'dist/server.js', 'dist/cli.js', 'dist/pipeline.schema.json',
  'dist/webview/grid.js', 'dist/webview/runResults.js', 'dist/webview/lineage.js', 'syntaxes/jinja.injection.tmLanguage.json'];
for (const file of required) if (!existsSync(file)) fail(`${file} is missing: run npm run build first`);
const modules = ['@duckdb/node-api', '@duckdb/node-bindings', `@duckdb/${binding}`, 'detect-libc'];
for (const m of modules) {
  if (!existsSync(join('node_modules', m, 'package.json'))) fail(`node_modules/${m} is missing (see docs/packaging.md for other platforms)`);
}

const stage = resolve('target/vsix', target);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// The extension is bundled: DuckDB's native modules, copied below, are its only run-time dependency.
for (const key of ['scripts', 'devDependencies', 'bin']) delete pkg[key];
pkg.dependencies = { '@duckdb/node-api': JSON.parse(readFileSync('node_modules/@duckdb/node-api/package.json', 'utf8')).version };
writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
cpSync('docs/extension.md', join(stage, 'README.md'));
cpSync('.vscodeignore', join(stage, '.vscodeignore'));
cpSync('dist', join(stage, 'dist'), { recursive: true });
cpSync('syntaxes', join(stage, 'syntaxes'), { recursive: true });
for (const m of modules) cpSync(join('node_modules', m), join(stage, 'node_modules', m), { recursive: true, dereference: true });

const vsce = resolve('node_modules/@vscode/vsce/vsce');
const result = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '--skip-license', '--out', out],
  { cwd: stage, stdio: 'inherit' });
if (result.status !== 0) fail(`vsce failed (exit ${result.status ?? result.signal})`);

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}
