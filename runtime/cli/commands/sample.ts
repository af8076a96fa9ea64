// `medallion sample --events N`: writes reproducible app-log events (seeded) into the bronze zone of
// the project's local lake, or of any folder given with --out; --clean first removes what it wrote before.
import * as path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { realInside } from '../../lake/within.js';
import { NodeFileSystem } from '../../project/fs.js';
import { loadConfig } from '../../project/load.js';
import { generateSample, SAMPLE_DEFAULTS } from '../../sample/generate.js';
import { SampleManifest } from '../../sample/manifest.js';
import { action, displayPath, findProjectRoot, plural, stdio, UserError, type Io, type ProjectOptions } from '../context.js';
import { formatDiagnostics } from '../diagnostics.js';

export interface SampleCommandOptions extends ProjectOptions {
  events: number;
  seed: number;
  days: number;
  start: string;
  malformed: number;
  source: string;
  out?: string;
  clean?: boolean;
}

export function register(program: Command): void {
  program
    .command('sample')
    .description('generate reproducible web-app log events (NDJSON, partitioned year=/month=/day=) into the bronze zone of the lake')
    .requiredOption('-n, --events <n>', 'distinct events to generate (about 0.5% are delivered twice on top)', count)
    .option('--seed <n>', 'seed of the generator: the same seed gives the same bytes', count, SAMPLE_DEFAULTS.seed)
    .option('--days <n>', 'days the events spread over', positive, SAMPLE_DEFAULTS.days)
    .option('--start <date>', 'the first day, YYYY-MM-DD (UTC)', date, SAMPLE_DEFAULTS.start)
    .option('--malformed <n>', 'records to break on purpose (bad JSON, bad timestamp, missing or non-numeric user_id)', count, SAMPLE_DEFAULTS.malformed)
    .option('--source <name>', 'the pipeline.yml source whose folder receives the files', 'app_logs')
    .option('--out <dir>', "the lake folder to write into (default: the project's local lake)")
    .option('--clean', "delete the files earlier sample runs generated in the source's folder first (nothing else)")
    .option('--project <dir>', 'the project whose lake receives the events (default: the nearest folder upwards with pipeline.yml)')
    .action(action((options: SampleCommandOptions) => sample(options)));
}

function count(value: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

function positive(value: string): number {
  const n = count(value);
  if (n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return value;
}

export async function sample(options: SampleCommandOptions, io: Io = stdio): Promise<number> {
  const { lakeDir, prefix, owner } = await destination(options, io);
  const folder = path.join(lakeDir, prefix);
  if (!(await realInside(lakeDir, folder))) throw new UserError(`${folder} leads outside the lake ${lakeDir} (through '..' or a symlink); nothing was written or deleted`);
  const manifest = new SampleManifest(owner);
  if (options.clean) await manifest.clean(lakeDir, folder);
  const started = performance.now();
  const r = await generateSample(lakeDir, { events: options.events, seed: options.seed, days: options.days, start: options.start, malformed: options.malformed, prefix });
  await manifest.record(r.files.map((key) => path.join(lakeDir, key)));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const shown = displayPath(io.cwd, folder) || '.';
  io.out(`Wrote ${plural(r.records, 'record')} (${plural(r.events, 'event')}, ${plural(r.duplicates, 'duplicate')}, ${r.malformed.toLocaleString('en-US')} malformed) from ${plural(r.users, 'user')} in ${plural(r.sessions, 'session')}`);
  io.out(`  ${plural(r.files.length, 'file')}, ${(r.bytes / 1048576).toFixed(1)} MiB, under ${shown}/ in ${seconds} s (seed ${options.seed})`);
  return 0;
}

/**
 * The lake folder, the source's folder in it (from --out, else from the project's pipeline.yml) and
 * the folder whose .medallion/ keeps the manifest (the project, else the --out folder).
 */
async function destination(options: SampleCommandOptions, io: Io): Promise<{ lakeDir: string; prefix: string; owner: string }> {
  const fallback = `bronze/${options.source}`;
  let root: string | undefined;
  const fs = new NodeFileSystem();
  try {
    root = await findProjectRoot(fs, options.project, io.cwd);
  } catch (err) {
    if (!(err instanceof UserError) || options.out === undefined || options.project !== undefined) throw err;
  }
  if (root === undefined) return { lakeDir: path.resolve(io.cwd, options.out!), prefix: fallback, owner: path.resolve(io.cwd, options.out!) };
  const { value, diagnostics } = await loadConfig(fs, root.split(path.sep).join('/'));
  const outside = diagnostics.filter((d) => d.code === 'path-outside');
  if (outside.length > 0) {
    for (const line of await formatDiagnostics(fs, root, outside, displayPath(io.cwd, root))) io.err(line);
    throw new UserError(`${value.config.file} names paths outside the project; nothing was written or deleted`);
  }
  const source = value.sources.find((s) => s.table === options.source);
  if (!source && value.sources.length > 0) throw new UserError(`no source '${options.source}' in ${value.config.file} (sources: ${value.sources.map((s) => s.table).join(', ')})`);
  const prefix = source?.path ? globBase(source.path, fallback) : fallback;
  if (options.out !== undefined) return { lakeDir: path.resolve(io.cwd, options.out), prefix, owner: root };
  const lake = value.config.lake;
  if (lake.kind !== 'local') throw new UserError('the lake of this project is on S3: generate into a folder with --out DIR, then land the files with `medallion ingest`');
  return { lakeDir: path.resolve(root, lake.path), prefix, owner: root };
}

/** The folder part of a glob before its first wildcard: 'bronze/app_logs/**\/*.json' → 'bronze/app_logs'. */
function globBase(glob: string, fallback: string): string {
  const clean = glob.replace(/^\.?\//, '');
  const first = clean.search(/[*?[{]/);
  const base = first < 0 ? path.posix.dirname(clean) : clean.slice(0, Math.max(0, clean.lastIndexOf('/', first)));
  // A source reading the lake's root directly gets the conventional folder instead, so the
  // generated files sit in a folder of their own.
  return base === '.' || base === '' ? fallback : base;
}
