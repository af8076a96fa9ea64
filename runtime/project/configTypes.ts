// The project's settings as the config file (pipeline.yml or dbt_project.yml), the dbt profile and
// the command line give them: the lake, the warehouse, paths, folder configs, targets and packages.
import type { Range } from './types.js';

/** A package installed by `dbt deps`. */
export interface PackageInfo {
  /** The namespace: `name:` of the package's dbt_project.yml. */
  name: string;
  /** Project-relative folder, e.g. 'dbt_packages/dbt_utils'. */
  dir: string;
  /** Macro folders relative to `dir` (default ['macros']). */
  macroPaths: string[];
  /** Model folders relative to `dir` (default ['models']): its models are loaded and skipped. */
  modelPaths: string[];
}

/** A `dispatch:` entry of dbt_project.yml: where adapter.dispatch looks for a namespace's macros. */
export interface DispatchConfig {
  macroNamespace: string;
  searchOrder: string[];
}

export type LakeConfig =
  | { kind: 'local'; path: string }
  | {
      kind: 's3';
      /** e.g. 'http://127.0.0.1:9000'; undefined means AWS S3 itself. */
      endpoint?: string;
      bucket: string;
      /** Key prefix of the lake inside the bucket ('' for the bucket root). */
      prefix: string;
      region: string;
      forcePathStyle: boolean;
      /** Names of the environment variables holding the credentials (never the values). */
      accessKeyEnv: string;
      secretKeyEnv: string;
      /**
       * A profile of the user's AWS shared credentials file (~/.aws/credentials, or
       * AWS_SHARED_CREDENTIALS_FILE) to read the credentials from instead of the variables.
       */
      profile?: string;
    };

export interface FolderConfig {
  /** Project-relative folder, e.g. 'models/gold'. */
  path: string;
  config: Record<string, unknown>;
  /** Where each value is written (the project file), for errors in values rendered later (Jinja). */
  ranges?: Record<string, Range>;
}

export interface ProjectConfig {
  name: string;
  /** 'pipeline' for pipeline.yml, 'dbt' for dbt_project.yml. */
  format: 'pipeline' | 'dbt';
  /** Project-relative path of the config file. */
  file: string;
  lake: LakeConfig;
  /** Warehouse path, relative to the project root. */
  warehouse: string;
  threads: number;
  vars: Record<string, unknown>;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  /** `snapshot-paths` (default ['snapshots']). */
  snapshotPaths: string[];
  /** `on-run-start` / `on-run-end` of dbt_project.yml, as written (strings or lists), with where. */
  runHooks?: { start: unknown[]; end: unknown[]; ranges: { start?: Range; end?: Range } };
  /** Folder-level configs ('+materialized', '+tags', '+schema', ...) without the '+', outermost first. */
  folderConfigs: FolderConfig[];
  /** dbt projects: the profile dbt_project.yml names (its duckdb target sets warehouse and threads). */
  profile?: string;
  /** Target info exposed as `target` in Jinja. */
  target: { name: string; type: string; schema: string; threads: number };
  /** Layer names in data-flow order (pipeline.yml `layers:`; default bronze, silver, gold). */
  layers?: string[];
  /** Where `dbt deps` installs packages (`packages-install-path`, default 'dbt_packages'). */
  packagesInstallPath: string;
  /** Installed packages, filled by the loader from the install path. */
  packages: PackageInfo[];
  dispatch: DispatchConfig[];
  /** The --vars of this invocation (dbt_project.yml's own Jinja sees only these). */
  cliVars?: Record<string, unknown>;
  /** pipeline.yml `python:`: the interpreter for Python models (MEDALLION_PYTHON wins; default python3 on PATH). */
  python?: string;
  /** Budgets of one template render (pipeline.yml `render:`, MEDALLION_RENDER_* environment variables). */
  renderLimits?: { timeoutMs?: number; maxOutput?: number };
  /** Where run artifacts go (`target-path`, default 'target'; may be absolute) and logs (`log-path`, default 'logs'). */
  targetPath: string;
  logPath: string;
  /** What `medallion clean` deletes (`clean-targets`; dbt's default is the target path). */
  cleanTargets: string[];
  /** dbt-duckdb's connection settings from the profile (attach, settings, extensions, external_root). */
  duckdb?: DuckdbProfile;
  /** Set when the target runs on Trino (a pipeline.yml target with `engine: trino`, a dbt output of `type: trino`). */
  trino?: TrinoTarget;
  /** pipeline.yml `targets:` as written: the named outputs `--target` chooses from (targets.ts reads them). */
  targets?: Record<string, unknown>;
}

/** A Trino target: dbt-trino's profile fields, plus where a local cluster (`medallion engine up`) listens. */
export interface TrinoTarget {
  host: string;
  port: number;
  user: string;
  catalog: string;
  schema: string;
  httpScheme: 'http' | 'https';
  /** The environment variable holding the password (never the password itself). */
  passwordEnv?: string;
  sessionProperties: Record<string, string>;
}

/** A dbt-duckdb output's connection settings; paths are as written (relative ones to the project). */
export interface DuckdbProfile {
  attach: Array<{ path: string; alias?: string; readOnly: boolean; type?: string }>;
  /** `SET key = 'value'` on every connection. */
  settings: Record<string, string>;
  extensions: string[];
  /** Where `materialized='external'` models are written by default (dbt-duckdb's default '.'). */
  externalRoot: string;
}
