// `medallion ingest --source app_logs FILE…`: lands raw files in bronze (local folder or S3 lake),
// one line per file and a summary; exit code 1 when a file could not be landed or the lake failed.
import * as path from 'node:path';
import type { Command } from 'commander';
import { findSource, ingestFiles } from '../../ingest/ingest.js';
import { LakeError } from '../../lake/lake.js';
import { openLake } from '../../lake/open.js';
import { action, openProject, projectOption, stdio, UserError, type Io, type ProjectOptions } from '../context.js';

interface IngestOptions extends ProjectOptions {
  source: string;
}

export function register(program: Command): void {
  const command = program
    .command('ingest')
    .description('land raw files in the bronze zone of the lake: partitioned by day, named by content hash, never duplicated')
    .requiredOption('-s, --source <name>', 'the pipeline.yml source to land the files for, e.g. app_logs')
    .argument('<files...>', 'files, or folders to take every file of the source format from');
  projectOption(command).action(action((files: string[], options: IngestOptions) => ingest(files, options)));
}

export async function ingest(files: string[], options: IngestOptions, io: Io = stdio): Promise<number> {
  const { project } = await openProject(options, io, { allowErrors: true });
  const source = findSource(project, options.source);
  if (!source) {
    const known = [...project.sources.values()].filter((s) => s.path !== undefined).map((s) => s.table);
    throw new UserError(`no source '${options.source}' in ${project.config.file}${known.length ? ` (sources: ${known.join(', ')})` : ''}`);
  }
  const lake = openLake(project);
  try {
    const result = await ingestFiles(lake, source, files.map((f) => path.resolve(io.cwd, f)));
    for (const o of result.outcomes) {
      const file = path.relative(io.cwd, o.file) || o.file;
      if (o.status === 'landed') io.out(`landed  ${file} → ${o.key}`);
      else if (o.status === 'skipped') io.out(`skipped ${file}: ${o.reason} at ${o.key}`);
      else io.err(`failed  ${file}: ${o.reason}`);
    }
    io.out(`${result.landed} landed, ${result.skipped} skipped, ${result.failed} failed (source ${result.source}, lake ${lake.describe})`);
    return result.failed > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof LakeError) throw new UserError(`${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
    throw err;
  }
}
