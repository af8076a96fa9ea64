// Which engine a run uses: pipeline.yml's `targets:` (named outputs, each `engine: duckdb` — the default —
// or `engine: trino` with dbt-trino's fields), chosen by --target, and dbt profile outputs of `type: trino`.
import { isObject } from './config.js';
import type { Diagnostic, ProjectConfig, TrinoTarget } from './types.js';

export const ENGINES = ['duckdb', 'trino'];

/** dbt-trino's output fields (host, port, user, catalog, schema, http_scheme, session_properties), checked. */
export function readTrinoTarget(output: Record<string, unknown>, defaultSchema: string): { value?: TrinoTarget; problems: string[] } {
  const problems: string[] = [];
  const text = (key: string, fallback?: string): string | undefined => {
    const v = output[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string' && v !== '') return v;
    problems.push(`'${key}' must be a non-empty string`);
    return fallback;
  };
  const port = Number(output.port ?? 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`'port' must be a port number, not ${String(output.port)}`);
  const httpScheme = text('http_scheme', 'http');
  if (httpScheme !== 'http' && httpScheme !== 'https') problems.push(`'http_scheme' must be http or https`);
  const sessionProperties: Record<string, string> = {};
  if (output.session_properties !== undefined) {
    if (!isObject(output.session_properties)) problems.push(`'session_properties' must be a map`);
    else for (const [k, v] of Object.entries(output.session_properties)) sessionProperties[k] = String(v);
  }
  if (output.password !== undefined) problems.push(`a password is never read from a project file: name an environment variable in 'password_env'`);
  const value: TrinoTarget = {
    host: text('host', '127.0.0.1')!,
    port,
    user: text('user', 'medallion')!,
    catalog: text('catalog', text('database', 'lake'))!,
    schema: text('schema', defaultSchema)!,
    httpScheme: httpScheme === 'https' ? 'https' : 'http',
    ...(text('password_env') ? { passwordEnv: text('password_env') } : {}),
    sessionProperties,
  };
  return problems.length ? { problems } : { value, problems };
}

/**
 * Applies the pipeline.yml target `requested` names (default `dev`, when `targets:` has it). A name the
 * file does not list is an error naming those it lists, as dbt's --target is.
 */
export function applyPipelineTarget(config: ProjectConfig, requested: string | undefined): Diagnostic[] {
  // Without `targets:`, --target only names target.name (as before targets existed).
  if (config.targets === undefined) return [];
  const targets = config.targets;
  const name = requested ?? 'dev';
  const error = (message: string): Diagnostic[] => [{ file: config.file, range: { start: 0, end: 0 }, severity: 'error', message, code: 'bad-target' }];
  const output = targets[name];
  if (output === undefined) {
    if (requested === undefined || requested === 'dev') return [];
    return error(`Unknown target '${requested}': ${config.file} has the targets ${Object.keys(targets).join(', ') || 'none'}`);
  }
  if (!isObject(output)) return error(`The target '${name}' in ${config.file} must be a map`);
  const engine = output.engine ?? 'duckdb';
  if (typeof engine !== 'string' || !ENGINES.includes(engine)) return error(`The target '${name}' has the engine '${String(engine)}': expected one of ${ENGINES.join(', ')}`);
  const threads = Number(output.threads ?? config.threads);
  if (Number.isInteger(threads) && threads > 0) config.threads = threads;
  if (engine === 'duckdb') {
    if (typeof output.warehouse === 'string') config.warehouse = output.warehouse;
    config.target = { ...config.target, name, threads: config.threads };
    return [];
  }
  const trino = readTrinoTarget(output, config.target.schema);
  if (!trino.value) return error(`The Trino target '${name}' in ${config.file}: ${trino.problems.join('; ')}`);
  if (config.lake.kind !== 's3') return error(`The Trino target '${name}' needs an S3 lake (lake: { s3: … }) that the cluster reads and writes; ${config.file} has the local folder ${config.lake.path}`);
  config.trino = trino.value;
  config.target = { name, type: 'trino', schema: trino.value.schema, threads: config.threads };
  return [];
}
