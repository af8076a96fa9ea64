// dbt-duckdb's connection settings from profiles.yml, so an existing dbt project builds into the same
// DuckDB file that dbt would: the profile dbt_project.yml names, its target (--target, DBT_TARGET, else
// the profile's `target:`), and that output's `path`, `threads`, `schema`, name and connection settings
// (duckdbProfile.ts: attach, settings, extensions, external_root). Looked up where dbt
// looks: --profiles-dir alone when given, else the project folder, $DBT_PROFILES_DIR, then ~/.dbt.
// A profiles.yml shipped in the project is the project's: its `path` must stay inside the project.
import type { FileSystem } from './fs.js';
import type { Diagnostic, ProjectConfig } from './types.js';
import { isObject } from './config.js';
import { readDuckdbProfile } from './duckdbProfile.js';
import { readTrinoTarget } from './targets.js';
import { checkPathLinks, checkPathText } from './paths.js';
import { nodeAt, parseYaml, rangeOf, toJs } from './yamlDoc.js';

export interface ProfileEnv {
  env: Record<string, string | undefined>;
  home?: string;
  /** --target: the output to use; naming one the profile does not have is an error. */
  target?: string;
  /** --profiles-dir: the only folder profiles.yml is read from (absolute). */
  profilesDir?: string;
}

export interface ProfileRead {
  settings: ProfileSettings;
  diagnostics: Diagnostic[];
  /** The profiles.yml read, when one was found. */
  file?: string;
}

export type ProfileSettings = Partial<Pick<ProjectConfig, 'warehouse' | 'threads' | 'target' | 'duckdb' | 'trino'>>;

/** What the profile's duckdb target sets (warehouse, threads, target); warnings say what was not usable. */
export async function readDbtProfile(fs: FileSystem, root: string, config: ProjectConfig, profile: string, where: ProfileEnv): Promise<ProfileRead> {
  const problem = (message: string, severity: 'warning' | 'error' = 'warning', file?: string): ProfileRead => ({
    settings: {},
    diagnostics: [{ file: config.file, range: { start: 0, end: 0 }, severity, message, code: 'dbt-profile' }],
    file,
  });
  const dirs = where.profilesDir !== undefined ? [where.profilesDir] : [root, where.env.DBT_PROFILES_DIR, where.home && `${where.home}/.dbt`].filter((d): d is string => typeof d === 'string' && d !== '');
  for (const dir of dirs) {
    const file = `${dir.replace(/\\/g, '/').replace(/\/$/, '')}/profiles.yml`;
    const text = await fs.readFile(file);
    if (text === undefined) continue;
    const { root: node, diagnostics } = parseYaml(file, text);
    const profiles = toJs(node);
    if (diagnostics.some((d) => d.severity === 'error') || !isObject(profiles)) return problem(`${file} could not be read as YAML; using ${config.warehouse}`, 'warning', file);
    const entry = profiles[profile];
    if (!isObject(entry)) return problem(`${file} has no profile '${profile}'; using ${config.warehouse}`, 'warning', file);
    const targetName = where.target || where.env.DBT_TARGET || (typeof entry.target === 'string' ? entry.target : 'dev');
    const outputs = isObject(entry.outputs) ? entry.outputs : {};
    const output = outputs[targetName];
    if (!isObject(output)) {
      const available = Object.keys(outputs).join(', ') || 'none';
      // A target named on the command line (or in the editor's settings) must exist, as in dbt.
      if (where.target) return problem(`Unknown target '${targetName}': profile '${profile}' in ${file} has the targets ${available}`, 'error', file);
      return problem(`Profile '${profile}' in ${file} has no output '${targetName}' (its targets: ${available}); using ${config.warehouse}`, 'warning', file);
    }
    const type = withEnv(output.type, where.env);
    if (type === 'trino') return trinoOutput(config, profile, targetName, withEnvDeep(output, where.env), file);
    if (type !== 'duckdb') return problem(`Profile '${profile}' target '${targetName}' is of type '${String(type)}'; Medallion runs on DuckDB and uses ${config.warehouse}`, 'warning', file);
    const settings: ProfileSettings = {};
    const path = withEnv(output.path, where.env);
    if (typeof path === 'string' && path !== '' && path !== ':memory:' && !path.startsWith('md:')) {
      if (dir === root) {
        const ref = { key: 'path', value: path, file: 'profiles.yml', range: rangeOf(nodeAt(node, [profile, 'outputs', targetName, 'path']).node), base: 'project' as const, absoluteAllowed: true };
        const outside = checkPathText(ref) ?? (await checkPathLinks(fs, ref, root));
        if (outside) return { settings: {}, diagnostics: [outside], file };
      }
      settings.warehouse = path;
    }
    const threads = Number(withEnv(output.threads, where.env));
    if (Number.isInteger(threads) && threads > 0) settings.threads = threads;
    const schema = withEnv(output.schema, where.env);
    settings.target = { ...config.target, name: targetName, threads: settings.threads ?? config.threads, ...(typeof schema === 'string' && schema !== '' ? { schema } : {}) };
    // A profiles.yml in the project is reported at its keys; one elsewhere at the project's config file.
    const inProject = dir === root;
    const at = (key: string) => (inProject ? rangeOf(nodeAt(node, [profile, 'outputs', targetName, key]).node) : { start: 0, end: 0 });
    const duckdb = readDuckdbProfile(withEnvDeep(output, where.env), typeof path === 'string' ? path : undefined, inProject ? 'profiles.yml' : config.file, at);
    settings.duckdb = duckdb.value;
    return { settings, diagnostics: duckdb.diagnostics, file };
  }
  if (where.profilesDir !== undefined) return problem(`No profiles.yml in ${where.profilesDir} (--profiles-dir)`, 'error');
  return { settings: {}, diagnostics: [] };
}

/** A dbt-trino output: the run goes to that cluster; its lake is still the project's (pipeline.yml or dbt_project.yml vars). */
function trinoOutput(config: ProjectConfig, profile: string, targetName: string, output: Record<string, unknown>, file: string): ProfileRead {
  const read = readTrinoTarget(output, config.target.schema);
  if (!read.value) {
    return { settings: {}, diagnostics: [{ file: config.file, range: { start: 0, end: 0 }, severity: 'error', message: `Profile '${profile}' target '${targetName}' (type trino) in ${file}: ${read.problems.join('; ')}`, code: 'dbt-profile' }], file };
  }
  const threads = Number(output.threads);
  const settings: ProfileSettings = { trino: read.value, target: { name: targetName, type: 'trino', schema: read.value.schema, threads: Number.isInteger(threads) && threads > 0 ? threads : config.threads } };
  if (Number.isInteger(threads) && threads > 0) settings.threads = threads;
  return { settings, diagnostics: [], file };
}

/** A profile value with dbt's `{{ env_var('X', 'default') }}` resolved; other Jinja is left as it is. */
function withEnv(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  return value.replace(/\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g, (all, _q, name: string, _q2, fallback: string | undefined) => env[name] ?? fallback ?? all);
}

function withEnvDeep(value: unknown, env: Record<string, string | undefined>): Record<string, unknown> {
  const walk = (v: unknown): unknown => (Array.isArray(v) ? v.map(walk) : isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : withEnv(v, env));
  return walk(value) as Record<string, unknown>;
}
