// `medallion ingest --source app_logs FILE…`: lands raw files in bronze (local folder or S3 lake),
// one line per file and a summary; exit code 1 when a file could not be landed or the lake failed.
import * as path from 'node:path';
import type { Command } from 'commander';
import { findSource, ingestFiles } from '../../ingest/ingest.js';
import { LakeError } from '../../lake/lake.js';
import { openLake } from '../../lake/open.js';
import { NodeFileSystem } from '../../project/fs.js';
import { loadProject } from '../../project/load.js';

interface Options {
  source: string;
  project: string;
}

export function register(program: Command): void {
  program
    .command('ingest')
    .description('land raw files in the bronze zone of the lake: partitioned by day, named by content hash, never duplicated')
    .requiredOption('-s, --source <name>', 'the pipeline.yml source to land the files for, e.g. app_logs')
    .option('--project <dir>', 'the project folder', '.')
    .argument('<files...>', 'files, or folders to take every file of the source format from')
    .action(async (files: string[], options: Options) => {
      process.exitCode = await ingest(files, options);
    });
}

async function ingest(files: string[], options: Options): Promise<number> {
  const root = path.resolve(options.project).split(path.sep).join('/');
  const project = await loadProject(new NodeFileSystem(), root);
  if (project.state === 'failed') {
    for (const d of project.diagnostics.filter((d) => d.severity === 'error')) console.error(`${d.file}: ${d.message}`);
    return 1;
  }
  const source = findSource(project, options.source);
  if (!source) {
    const known = [...project.sources.values()].filter((s) => s.path !== undefined).map((s) => s.table);
    console.error(`error: no source '${options.source}' in ${project.config.file}${known.length ? ` (sources: ${known.join(', ')})` : ''}`);
    return 1;
  }
  const lake = openLake(project);
  try {
    const result = await ingestFiles(lake, source, files.map((f) => path.resolve(f)));
    for (const o of result.outcomes) {
      const file = path.relative(process.cwd(), o.file) || o.file;
      if (o.status === 'landed') console.log(`landed  ${file} → ${o.key}`);
      else if (o.status === 'skipped') console.log(`skipped ${file}: ${o.reason} at ${o.key}`);
      else console.error(`failed  ${file}: ${o.reason}`);
    }
    console.log(`${result.landed} landed, ${result.skipped} skipped, ${result.failed} failed (source ${result.source}, lake ${lake.describe})`);
    return result.failed > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof LakeError)) throw err;
    console.error(`error: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
    return 1;
  }
}
