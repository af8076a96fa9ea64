#!/usr/bin/env node
// Bundles the CLI, the language server, the extension client and the webviews with esbuild.
// Entry points that do not exist yet are skipped, so a partial tree still builds.
import { build } from 'esbuild';
import { existsSync, mkdirSync, cpSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // DuckDB is a native module: it stays in node_modules and ships beside the bundle.
  external: ['@duckdb/node-api', '@duckdb/node-bindings', 'vscode'],
  logLevel: 'warning',
};

const targets = [
  { ...node, entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning',
    entryPoints: ['client/src/webview/grid.ts', 'client/src/webview/runResults.ts', 'client/src/webview/lineage.ts'],
    outdir: 'dist/webview',
  },
];

mkdirSync('dist', { recursive: true });
for (const t of targets) {
  const entries = t.entryPoints.filter((e) => existsSync(e));
  if (entries.length === 0) continue;
  await build({ ...t, entryPoints: entries, ...(watch ? {} : {}) });
}
// The pipeline.yml JSON Schema is read at run time by the loader and the server.
if (existsSync('runtime/project/pipeline.schema.json')) cpSync('runtime/project/pipeline.schema.json', 'dist/pipeline.schema.json');
