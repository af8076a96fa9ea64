// dbt-duckdb's connection settings from profiles.yml, so an existing dbt project builds into the same
// DuckDB file that dbt would: the profile dbt_project.yml names, its target (DBT_TARGET, else the
// profile's `target:`), and that output's `path`, `threads`, `schema` and name. Looked up where dbt looks:
// the project folder, $DBT_PROFILES_DIR, then ~/.dbt. The output's `schema` is the target schema models build into.
// A profiles.yml shipped in the project is the project's: its `path` must stay inside the project.
import type { FileSystem } from './fs.js';
import type { Diagnostic, ProjectConfig } from './types.js';
import { isObject } from './config.js';
import { checkPathLinks, checkPathText } from './paths.js';
import { nodeAt, parseYaml, rangeOf, toJs } from './yamlDoc.js';

export interface ProfileEnv {
  env: Record<string, string | undefined>;
  home?: string;
}

export type ProfileSettings = Partial<Pick<ProjectConfig, 'warehouse' | 'threads' | 'target'>>;

/** What the profile's duckdb target sets (warehouse, threads, target); warnings say what was not usable. */
export async function readDbtProfile(fs: FileSystem, root: string, config: ProjectConfig, profile: string, where: ProfileEnv): Promise<{ settings: ProfileSettings; diagnostics: Diagnostic[] }> {
  const warn = (message: string): { settings: ProfileSettings; diagnostics: Diagnostic[] } => ({
    settings: {},
    diagnostics: [{ file: config.file, range: { start: 0, end: 0 }, severity: 'warning', message, code: 'dbt-profile' }],
  });
  const dirs = [root, where.env.DBT_PROFILES_DIR, where.home && `${where.home}/.dbt`].filter((d): d is string => typeof d === 'string' && d !== '');
  for (const dir of dirs) {
    const file = `${dir.replace(/\\/g, '/').replace(/\/$/, '')}/profiles.yml`;
    const text = await fs.readFile(file);
    if (text === undefined) continue;
    const { root: node, diagnostics } = parseYaml(file, text);
    const profiles = toJs(node);
    if (diagnostics.some((d) => d.severity === 'error') || !isObject(profiles)) return warn(`${file} could not be read as YAML; using ${config.warehouse}`);
    const entry = profiles[profile];
    if (!isObject(entry)) return warn(`${file} has no profile '${profile}'; using ${config.warehouse}`);
    const targetName = where.env.DBT_TARGET || (typeof entry.target === 'string' ? entry.target : 'dev');
    const output = isObject(entry.outputs) ? entry.outputs[targetName] : undefined;
    if (!isObject(output)) return warn(`Profile '${profile}' in ${file} has no output '${targetName}'; using ${config.warehouse}`);
    const type = withEnv(output.type, where.env);
    if (type !== 'duckdb') return warn(`Profile '${profile}' target '${targetName}' is of type '${String(type)}'; Medallion runs on DuckDB and uses ${config.warehouse}`);
    const settings: ProfileSettings = {};
    const path = withEnv(output.path, where.env);
    if (typeof path === 'string' && path !== '' && path !== ':memory:' && !path.startsWith('md:')) {
      if (dir === root) {
        const ref = { key: 'path', value: path, file: 'profiles.yml', range: rangeOf(nodeAt(node, [profile, 'outputs', targetName, 'path']).node), base: 'project' as const, absoluteAllowed: true };
        const problem = checkPathText(ref) ?? (await checkPathLinks(fs, ref, root));
        if (problem) return { settings: {}, diagnostics: [problem] };
      }
      settings.warehouse = path;
    }
    const threads = Number(withEnv(output.threads, where.env));
    if (Number.isInteger(threads) && threads > 0) settings.threads = threads;
    const schema = withEnv(output.schema, where.env);
    settings.target = { ...config.target, name: targetName, threads: settings.threads ?? config.threads, ...(typeof schema === 'string' && schema !== '' ? { schema } : {}) };
    return { settings, diagnostics: [] };
  }
  return { settings: {}, diagnostics: [] };
}

/** A profile value with dbt's `{{ env_var('X', 'default') }}` resolved; other Jinja is left as it is. */
function withEnv(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  return value.replace(/\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g, (all, _q, name: string, _q2, fallback: string | undefined) => env[name] ?? fallback ?? all);
}
