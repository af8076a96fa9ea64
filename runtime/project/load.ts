// Loads a project from a FileSystem: finds the config file, discovers and reads the project's
// files concurrently, parses each alone, then links them. Never throws: problems are diagnostics.
import { homedir } from 'node:os';
import * as path from 'node:path';
import { normalize, type FileSystem } from './fs.js';
import { checkPathLinks } from './paths.js';
import { readDbtProfile } from './profiles.js';
import { parseMacroFile, parseModelFile, parsePythonModelFile, parseSeedFile, parseSnapshotFile, parseTestFile } from './files.js';
import { linkProject } from './link.js';
import { discoverPackages, packageDirs, packageModelOf, packageOf } from './packages.js';
import { applyOverrides, defaultConfig, parseDbtProject, parsePipelineConfig, renderLimits, type ConfigOverrides } from './projectConfig.js';
import { parseSchemaFile } from './schemaFile.js';
import type { ParsedConfig, ParsedFile } from './summary.js';
import type { Project, ProjectConfig, Result } from './types.js';

export type FileKind = ParsedFile['kind'];

export const CONFIG_FILES = ['pipeline.yml', 'pipeline.yaml', 'dbt_project.yml'];
const SKIPPED_DIRS = new Set(['node_modules', 'target', 'dbt_packages', 'logs']);
const READ_CONCURRENCY = 64;

export interface LoadOptions {
  /** Where dbt's profiles.yml is looked up ($DBT_PROFILES_DIR, ~/.dbt); the process's own by default. */
  env?: Record<string, string | undefined>;
  home?: string;
  /** --vars, --target, --profiles-dir (or the editor's settings). */
  overrides?: ConfigOverrides;
}

export async function loadProject(fs: FileSystem, root: string, options: LoadOptions = {}): Promise<Project> {
  const base = normalize(root).replace(/\/$/, '') || '/';
  try {
    const parsed = await loadConfig(fs, base);
    const config = parsed.value.config;
    const overrides = options.overrides ?? {};
    if (config.format === 'dbt' && config.profile) {
      const where = { env: options.env ?? process.env, home: options.home ?? homedir(), target: overrides.target, profilesDir: overrides.profilesDir };
      const profile = await readDbtProfile(fs, base, config, config.profile, where);
      Object.assign(config, profile.settings);
      parsed.diagnostics.push(...profile.diagnostics);
    }
    parsed.diagnostics.push(...applyOverrides(config, overrides));
    const env = options.env ?? process.env;
    const fromEnv = renderLimits(env.MEDALLION_RENDER_TIMEOUT_SECONDS, env.MEDALLION_RENDER_MAX_OUTPUT_MB);
    if (Object.keys(fromEnv).length > 0) config.renderLimits = { ...config.renderLimits, ...fromEnv };
    parsed.value.config.packages = await discoverPackages(fs, base, parsed.value.config);
    const kinds = await discoverFiles(fs, base, parsed.value.config);
    const files = await mapLimit([...kinds], READ_CONCURRENCY, async ([file, kind]) => {
      const text = await fs.readFile(`${base}/${file}`);
      return text === undefined ? undefined : parseFile(kind, file, text);
    });
    return linkProject(base, parsed, files.filter((f): f is Result<ParsedFile> => f !== undefined));
  } catch (err) {
    // Only a bug (or a FileSystem breaking its never-throw contract) lands here.
    const config = defaultConfig('pipeline.yml', 'pipeline');
    const value: ParsedConfig = { config, sources: [], ok: false };
    const message = `internal: project not loaded: ${err instanceof Error ? err.message : String(err)}`;
    return linkProject(base, { value, diagnostics: [{ file: config.file, range: { start: 0, end: 0 }, severity: 'error', message, code: 'internal' }] }, []);
  }
}

/**
 * Reads and parses pipeline.yml, else dbt_project.yml, and checks on the disk that its paths do not
 * leave the project through symlinks; a project with neither file gets defaults and a diagnostic.
 */
export async function loadConfig(fs: FileSystem, root: string): Promise<Result<ParsedConfig>> {
  for (const name of CONFIG_FILES) {
    const text = await fs.readFile(`${root}/${name}`);
    if (text === undefined) continue;
    const parsed = name === 'dbt_project.yml' ? parseDbtProject(name, text) : parsePipelineConfig(name, text);
    const lake = parsed.value.config.lake;
    for (const ref of parsed.value.paths ?? []) {
      if (ref.base === 'lake' && lake.kind !== 'local') continue;
      const problem = await checkPathLinks(fs, ref, ref.base === 'lake' && lake.kind === 'local' ? path.posix.resolve(root, lake.path) : root);
      if (problem) parsed.diagnostics.push(problem);
    }
    return parsed;
  }
  const config = defaultConfig('pipeline.yml', 'pipeline');
  const message = `No pipeline.yml or dbt_project.yml in ${root}`;
  return { value: { config, sources: [], ok: false }, diagnostics: [{ file: 'pipeline.yml', range: { start: 0, end: 0 }, severity: 'error', message, code: 'no-project' }] };
}

/** Which parser a project-relative file goes to, or undefined when it is not part of the project. */
export function classify(config: ProjectConfig, file: string): FileKind | undefined {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const under = (paths: string[]): boolean => paths.some((p) => p === '.' || file.startsWith(p + '/'));
  const yaml = ext === 'yml' || ext === 'yaml';
  if (CONFIG_FILES.includes(file)) return undefined;
  if (file.startsWith(config.packagesInstallPath + '/')) {
    if (ext === 'sql' && packageOf(config, file)) return 'macro';
    return (ext === 'sql' || ext === 'py') && packageModelOf(config, file) ? 'model' : undefined;
  }
  if (under(config.modelPaths)) return ext === 'sql' || ext === 'py' ? 'model' : yaml ? 'schema' : undefined;
  if (under(config.macroPaths)) return ext === 'sql' ? 'macro' : yaml ? 'schema' : undefined;
  if (under(config.seedPaths)) return ext === 'csv' ? 'seed' : yaml ? 'schema' : undefined;
  if (under(config.snapshotPaths)) return ext === 'sql' ? 'snapshot' : yaml ? 'schema' : undefined;
  if (under(config.testPaths)) return ext === 'sql' ? (file.includes('/generic/') ? 'macro' : 'test') : yaml ? 'schema' : undefined;
  return undefined;
}

export function parseFile(kind: FileKind, file: string, text: string): Result<ParsedFile> {
  switch (kind) {
    case 'model':
      return file.endsWith('.py') ? parsePythonModelFile(file, text) : parseModelFile(file, text);
    case 'schema':
      return parseSchemaFile(file, text);
    case 'macro':
      return parseMacroFile(file, text);
    case 'seed':
      return parseSeedFile(file, text);
    case 'test':
      return parseTestFile(file, text);
    case 'snapshot':
      return parseSnapshotFile(file, text);
  }
}

/** Every project file under the configured paths (and installed packages' macro and model paths), project-relative, with its kind. */
export async function discoverFiles(fs: FileSystem, root: string, config: ProjectConfig): Promise<Map<string, FileKind>> {
  const out = new Map<string, FileKind>();
  const dirs = new Set([...config.modelPaths, ...config.macroPaths, ...config.seedPaths, ...config.testPaths, ...config.snapshotPaths, ...packageDirs(config)]);
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readDir(rel === '.' ? root : `${root}/${rel}`);
    const sub: Promise<void>[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel === '.' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) {
        if (!SKIPPED_DIRS.has(e.name)) sub.push(walk(path));
      } else {
        const kind = classify(config, path);
        if (kind) out.set(path, kind);
      }
    }
    await Promise.all(sub);
  };
  await Promise.all([...dirs].map(walk));
  return out;
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
