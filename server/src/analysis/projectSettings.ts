// The workspace's project file and what shapes it: found as the CLI finds it (runtime/project/load.ts:
// pipeline.yml, else dbt_project.yml, else defaults and a 'no-project' error), a dbt project's
// profiles.yml target, and the editor's vars and target (as the CLI's --vars and --target).
import type { FileSystem } from '../../../runtime/project/fs.js';
import type { ParsedConfig } from '../../../runtime/project/summary.js';
import type { Diagnostic, Result } from '../../../runtime/project/types.js';
import { readDbtProfile, type ProfileSettings } from '../../../runtime/project/profiles.js';
import { applyOverrides, defaultConfig, parseDbtProject, parsePipelineConfig, type ConfigOverrides } from '../../../runtime/project/projectConfig.js';
import { CONFIG_FILES, loadConfig } from '../../../runtime/project/load.js';

/** Where dbt's profiles.yml is looked up besides the project ($DBT_PROFILES_DIR, ~/.dbt): given by the host. */
export interface ProfileLookup {
  env?: Record<string, string | undefined>;
  home?: string;
}

export class ProjectSettings {
  /** The project file in use ('pipeline.yml' or 'dbt_project.yml'), if any. */
  file: string | undefined;
  config: Result<ParsedConfig> = noProject();
  /** A dbt project's profiles.yml target (read when the index is built; it lives outside the project). */
  private profile: { settings: ProfileSettings; diagnostics: Diagnostic[] } = { settings: {}, diagnostics: [] };

  constructor(private readonly fs: FileSystem, private readonly root: string, private overrides: ConfigOverrides, private readonly lookup: ProfileLookup) {}

  /** Finds and reads the project file as the CLI does; returns its text (undefined when there is none). */
  async load(): Promise<string | undefined> {
    const parsed = await loadConfig(this.fs, this.root);
    if (parsed.diagnostics.some((d) => d.code === 'no-project')) {
      this.config = parsed;
      return undefined;
    }
    this.file = parsed.value.config.file;
    await this.readProfile(parsed);
    this.config = this.withProfile(parsed);
    return this.fs.readFile(`${this.root}/${this.file}`);
  }

  /** True when `file` is (or, by CONFIG_FILES' order, would replace) the project file. */
  governs(file: string): boolean {
    return CONFIG_FILES.includes(file) && (!this.file || CONFIG_FILES.indexOf(file) <= CONFIG_FILES.indexOf(this.file));
  }

  /** The project file's new text; installed packages found earlier are kept (a new install path finds them again). */
  update(file: string, text: string): void {
    const packages = this.config.value.config.packages;
    this.file = file;
    this.config = this.withProfile(parseConfig(file, text));
    this.config.value.config.packages = packages;
  }

  /** The project file went away: defaults, as for a folder without one. */
  remove(): void {
    this.file = undefined;
    this.config = noProject();
  }

  /** New vars or target from the editor's settings: the profile is read again. False when there is no project file to apply them to. */
  async setOverrides(overrides: ConfigOverrides, text: string | undefined): Promise<boolean> {
    this.overrides = overrides;
    if (this.file === undefined || text === undefined) return false;
    const parsed = parseConfig(this.file, text);
    await this.readProfile(parsed);
    parsed.value.config.packages = this.config.value.config.packages;
    this.config = this.withProfile(parsed);
    return true;
  }

  /** The folders files are found in (a change means a rescan). */
  paths(): string {
    const c = this.config.value.config;
    return JSON.stringify([c.modelPaths, c.macroPaths, c.seedPaths, c.testPaths, c.snapshotPaths, [c.packagesInstallPath]]);
  }

  private async readProfile(parsed: Result<ParsedConfig>): Promise<void> {
    const { config } = parsed.value;
    if (config.format !== 'dbt' || !config.profile) return;
    const where = { env: this.lookup.env ?? {}, home: this.lookup.home, target: this.overrides.target, profilesDir: this.overrides.profilesDir };
    this.profile = await readDbtProfile(this.fs, this.root, config, config.profile, where);
  }

  /** The profile's settings and the editor's vars and target over the parsed config file. */
  private withProfile(parsed: Result<ParsedConfig>): Result<ParsedConfig> {
    parsed.diagnostics.push(...applyOverrides(parsed.value.config, this.overrides));
    if (parsed.value.config.format !== 'dbt') return parsed;
    Object.assign(parsed.value.config, this.profile.settings);
    return { ...parsed, diagnostics: [...parsed.diagnostics, ...this.profile.diagnostics] };
  }
}

function noProject(): Result<ParsedConfig> {
  return { value: { config: defaultConfig('pipeline.yml', 'pipeline'), sources: [], ok: false }, diagnostics: [] };
}

function parseConfig(file: string, text: string): Result<ParsedConfig> {
  return file.startsWith('dbt_project') ? parseDbtProject(file, text) : parsePipelineConfig(file, text);
}
