// The workspace index: one summary per file, parsed once per text (open buffers override the disk),
// linked into a Project and its DAG on demand. Editing a model re-summarizes only that model; when
// its refs, sources and config() calls are unchanged, the linked project is patched in place.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import type { FileSystem } from '../../../runtime/project/fs.js';
import type { ParsedConfig, ParsedFile } from '../../../runtime/project/summary.js';
import type { Diagnostic, ProjectConfig, Result, TemplateScan } from '../../../runtime/project/types.js';
import { readDbtProfile, type ProfileSettings } from '../../../runtime/project/profiles.js';
import { applyOverrides, defaultConfig, parseDbtProject, parsePipelineConfig, type ConfigOverrides } from '../../../runtime/project/projectConfig.js';
import { CONFIG_FILES, classify, discoverFiles, parseFile } from '../../../runtime/project/load.js';
import { linkProject } from '../../../runtime/project/link.js';
import { discoverPackages } from '../../../runtime/project/packages.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { scanTemplate } from '../../../runtime/template/scan.js';
import { Binder } from './binder.js';
import { inProcessCompiler, type NodeCompiler } from './compiler.js';
import { relinkModel } from './relink.js';
import { Snapshot, type Column } from './snapshot.js';
import { readRunResults, type LastRun, type RunHistory, type RunSummary } from './runResults.js';
import { readSourcesJson, type LastFreshness } from './sourceFreshness.js';
import { readCatalog, type Catalog } from './catalog.js';
import { boundColumns, relationColumns } from './columnTypes.js';

export interface WorkspaceOptions {
  log?: (message: string) => void;
  /**
   * Leave schema YAML files for completeIndex(): models, sources and the DAG are ready first (YAML
   * parsing is most of a cold index), descriptions and contracts follow moments later.
   */
  deferSchemas?: boolean;
  /** Parsed schema files from an earlier session, reused when a file's text is unchanged. */
  cache?: SummaryCache;
  /** False for an untrusted workspace: see Workspace.trusted. Default true. */
  trusted?: boolean;
  /** Renders models for binding (default: in process). */
  compiler?: NodeCompiler;
  /** The editor's vars and target (settings medallion.vars and medallion.target), as the CLI's --vars and --target. */
  overrides?: ConfigOverrides;
}

/** Summaries of schema files keyed by file, each with the hash of the text it was parsed from. */
export type CachedSummaries = Map<string, { hash: string; result: Result<ParsedFile> }>;

/** Where summaries persist between sessions (the server keeps them under target/). */
export interface SummaryCache {
  load(): Promise<CachedSummaries | undefined>;
  save(entries: CachedSummaries): Promise<void>;
}

export type SchemaParser = (files: Array<{ file: string; text: string }>) => Promise<Array<Result<ParsedFile>>>;

/** Parsing work done between two yields to the event loop while completing the index. */
const SLICE_MS = 15;

const RUN_RESULTS = 'target/run_results.json';
const CATALOG = 'target/catalog.json';
const SOURCES = 'target/sources.json';
/** Files read at once during the cold index. */
const READ_CONCURRENCY = 64;

type Kind = 'config' | ParsedFile['kind'] | 'runResults' | 'catalog' | 'sources';

export class Workspace {
  readonly binder: Binder;
  /** Renders models for the binder (WorkspaceOptions.compiler). */
  compiler: NodeCompiler = inProcessCompiler;
  /** Bumped when anything every compilation reads changes: macros, vars, the project config. */
  compileEpoch = 0;
  /** Bumped on every change to any file. */
  revision = 0;
  private readonly texts = new Map<string, string>();
  private readonly open = new Set<string>();
  private readonly parsed = new Map<string, Result<ParsedFile>>();
  private configFile: string | undefined;
  private config: Result<ParsedConfig>;
  /** A dbt project's profiles.yml duckdb target (read once when the index is built; it lives outside the project). */
  private profile: { settings: ProfileSettings; diagnostics: Diagnostic[] } = { settings: {}, diagnostics: [] };
  private current: Snapshot | undefined;
  private epoch = 0;
  private readonly scans = new Map<string, { text: string; scan: TemplateScan }>();
  private runs: RunHistory = { byId: new Map() };
  /** The last `source freshness` per source, from target/sources.json. */
  private freshness = new Map<string, LastFreshness>();
  /** The last build's column types (target/catalog.json). */
  catalog: Catalog = new Map();
  /** Schema files read but not parsed yet (deferSchemas). */
  private readonly pending = new Set<string>();
  private deferSchemas = false;
  private cache: SummaryCache | undefined;
  private cached: CachedSummaries | undefined;
  /** True when a schema summary was parsed (not taken from the cache) since the cache was read. */
  private cacheStale = false;
  private isTrusted = true;
  private overrides: ConfigOverrides = {};

  private constructor(readonly fs: FileSystem, readonly root: string, readonly log: (m: string) => void) {
    this.binder = new Binder(this);
    this.config = { value: { config: defaultConfig('pipeline.yml', 'pipeline'), sources: [], ok: false }, diagnostics: [] };
  }

  /** The cold index: finds the project file, reads and summarizes every project file, links. */
  static async open(fs: FileSystem, root: string, options: WorkspaceOptions = {}): Promise<Workspace> {
    const ws = new Workspace(fs, root.replace(/\/$/, ''), options.log ?? (() => {}));
    ws.deferSchemas = options.deferSchemas ?? false;
    ws.isTrusted = options.trusted ?? true;
    ws.overrides = options.overrides ?? {};
    ws.cache = options.cache;
    if (options.compiler) ws.compiler = options.compiler;
    ws.cached = await options.cache?.load().catch(() => undefined);
    await ws.loadAll();
    ws.deferSchemas = false;
    ws.cached = undefined;
    if (!ws.indexing) await ws.saveCache();
    return ws;
  }

  /** Stores the schema summaries for the next session when any was parsed in this one. */
  private async saveCache(): Promise<void> {
    if (!this.cache || !this.cacheStale) return;
    this.cacheStale = false;
    const entries: CachedSummaries = new Map();
    for (const [file, result] of this.parsed) {
      const text = this.texts.get(file);
      if (result.value.kind === 'schema' && text !== undefined) entries.set(file, { hash: hashText(text), result });
    }
    await this.cache.save(entries).catch((err) => this.log(`index cache not saved: ${String(err)}`));
  }

  /**
   * False in a workspace the user has not trusted: its templates are never rendered and its SQL is
   * never bound, so only the static features (scan, link, YAML) work. Callers of the binder check it.
   */
  get trusted(): boolean {
    return this.isTrusted;
  }

  /** The user trusted the workspace: rendering and binding may start. */
  trust(): void {
    this.isTrusted = true;
  }

  /** True while schema files wait to be parsed (see deferSchemas). */
  get indexing(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Parses the deferred schema files, then relinks. `parseAll` parses them elsewhere (the server
   * uses a worker thread); without it they are parsed here, yielding to the event loop between slices.
   */
  async completeIndex(parseAll?: SchemaParser): Promise<void> {
    const files = [...this.pending].flatMap((file) => {
      const text = this.texts.get(file);
      return text === undefined ? [] : [{ file, text }];
    });
    if (parseAll && files.length) {
      const results = await parseAll(files);
      // A file edited or removed meanwhile was parsed from its new text already: keep that.
      results.forEach((r, i) => {
        if (this.pending.delete(files[i].file) && this.texts.get(files[i].file) === files[i].text) this.parsed.set(files[i].file, r);
      });
    }
    let slice = performance.now();
    for (const { file } of files) {
      if (!this.pending.delete(file)) continue;
      const text = this.texts.get(file);
      if (text !== undefined) this.parsed.set(file, parseFile('schema', file, text));
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
    }
    this.current = undefined;
    this.revision++;
    this.cacheStale = true;
    await this.saveCache();
  }

  /** The project file in use ('pipeline.yml' or 'dbt_project.yml'), if any. */
  get projectFile(): string | undefined {
    return this.configFile;
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  /** Every indexed file, project-relative. */
  files(): string[] {
    return [...this.texts.keys()];
  }

  /** The static scan of any SQL template in the project (models, macros, tests), cached per text. */
  scan(file: string): TemplateScan {
    const model = this.snapshot().modelOfFile(file);
    if (model) return model.scan;
    const text = this.texts.get(file) ?? '';
    const cached = this.scans.get(file);
    if (cached?.text === text) return cached.scan;
    const scan = scanTemplate(text);
    this.scans.set(file, { text, scan });
    return scan;
  }

  /** The linked project; relinked only when a change affected linking. */
  snapshot(): Snapshot {
    if (!this.current) {
      const project = linkProject(this.root, this.config, [...this.parsed.values()]);
      this.current = new Snapshot(project, buildGraph(project), ++this.epoch);
      this.binder.relinked();
    }
    return this.current;
  }

  /** Known columns of a node: bound or known from the catalog and inference (columnTypes.ts), else declared ones. */
  columns(id: string): Column[] {
    const snap = this.snapshot();
    const node = snap.node(id);
    if (!node) return [];
    const declared = snap.declaredColumns(node);
    const bound = node.kind === 'model' ? this.binder.columns(id) : undefined;
    const known = node.kind !== 'model' ? relationColumns(snap, node, this.catalog, undefined, this.binder.files.columns(id)) : bound && boundColumns(node, this.catalog, bound);
    if (!known) return declared;
    return known.map((k) => {
      const d = declared.find((c) => c.name.toLowerCase() === k.name.toLowerCase());
      return { name: k.name, ...(k.type ? { type: k.type } : {}), ...(d?.description ? { description: d.description } : {}) };
    });
  }

  lastRun(id: string): LastRun | undefined {
    return this.runs.byId.get(id);
  }

  lastFreshness(id: string): LastFreshness | undefined {
    return this.freshness.get(id);
  }

  /** The whole project's last run, from target/run_results.json. */
  lastProjectRun(): RunSummary | undefined {
    return this.runs.summary;
  }

  /** An open buffer's text replaces the file's; only that file is summarized again. */
  setText(file: string, text: string): void {
    this.open.add(file);
    this.update(file, text);
  }

  /** The buffer closed: back to the file on disk. */
  async revert(file: string): Promise<void> {
    this.open.delete(file);
    await this.reload(file);
  }

  /** The file changed (or appeared, or went away) on disk; open buffers win over the disk. */
  async reload(file: string): Promise<void> {
    if (this.open.has(file)) return;
    if (this.isPackageFile(file)) {
      // `dbt deps` installed (or changed) a package: find the packages again and read their new macros.
      await this.rescan();
      this.compileEpoch++;
      return;
    }
    const text = await this.fs.readFile(`${this.root}/${file}`);
    if (text === undefined) this.remove(file);
    else this.update(file, text);
  }

  private remove(file: string): void {
    if (!this.texts.delete(file)) return;
    this.pending.delete(file);
    this.revision++;
    this.scans.delete(file);
    if (file === RUN_RESULTS) {
      this.runs = { byId: new Map() };
      return;
    }
    if (file === SOURCES) {
      this.freshness = new Map();
      return;
    }
    if (file === CATALOG) {
      this.catalog = new Map();
      this.binder.relinked();
      return;
    }
    if (file === this.configFile) {
      this.configFile = undefined;
      this.config = { value: { config: defaultConfig('pipeline.yml', 'pipeline'), sources: [], ok: false }, diagnostics: [] };
      this.compileEpoch++;
    }
    const old = this.parsed.get(file);
    this.parsed.delete(file);
    if (old?.value.kind === 'macro') this.compileEpoch++;
    this.current = undefined;
  }

  private update(file: string, text: string): void {
    if (this.texts.get(file) === text && (this.parsed.has(file) || file === this.configFile)) return;
    this.revision++;
    const kind = this.kindOf(file);
    if (!kind) {
      this.texts.set(file, text);
      return;
    }
    this.texts.set(file, text);
    if (kind === 'runResults') {
      this.runs = readRunResults(text);
      return;
    }
    if (kind === 'sources') {
      this.freshness = readSourcesJson(text);
      return;
    }
    if (kind === 'catalog') {
      // Bindings whose stubs' types changed are redone; the others keep their keys.
      this.catalog = readCatalog(text);
      this.binder.relinked();
      return;
    }
    if (kind === 'config') {
      const before = JSON.stringify(this.pathsOf());
      const packages = this.config.value.config.packages;
      this.configFile = file;
      this.config = this.withProfile(parseConfig(file, text));
      // Installed packages were found when the index was built; a new install path finds them again (rescan).
      this.config.value.config.packages = packages;
      this.compileEpoch++;
      this.current = undefined;
      // New model/macro/seed paths: files that were outside the project may now be in it.
      if (JSON.stringify(this.pathsOf()) !== before) void this.rescan();
      return;
    }
    const hit = kind === 'schema' ? this.cached?.get(file) : undefined;
    if (hit && hit.hash === hashText(text)) {
      this.parsed.set(file, hit.result);
      this.current = undefined;
      return;
    }
    if (kind === 'schema' && this.deferSchemas) {
      this.pending.add(file);
      return;
    }
    if (kind === 'schema') this.cacheStale = true;
    this.pending.delete(file);
    const parsed = parseFile(kind, file, text);
    const old = this.parsed.get(file);
    this.parsed.set(file, parsed);
    if (kind === 'macro') this.compileEpoch++;
    if (!this.patchModel(old, parsed)) this.current = undefined;
  }

  /**
   * An edited model keeps the linked project when its name and config() did not change: the model
   * is patched in place (relink.ts) instead of relinking every file.
   */
  private patchModel(old: Result<ParsedFile> | undefined, next: Result<ParsedFile>): boolean {
    const snap = this.current;
    if (!snap || old?.value.kind !== 'model' || next.value.kind !== 'model') return false;
    if (!relinkModel(snap, next.value, next.diagnostics, old.value.scan)) return false;
    this.binder.changed(`model.${next.value.name}`);
    return true;
  }

  private kindOf(file: string): Kind | undefined {
    if (CONFIG_FILES.includes(file)) return !this.configFile || CONFIG_FILES.indexOf(file) <= CONFIG_FILES.indexOf(this.configFile) ? 'config' : undefined;
    if (file === RUN_RESULTS) return 'runResults';
    if (file === CATALOG) return 'catalog';
    if (file === SOURCES) return 'sources';
    return classify(this.config.value.config, file);
  }

  /** A package's own dbt_project.yml under the install path (its name and macro paths). */
  private isPackageFile(file: string): boolean {
    const base = this.config.value.config.packagesInstallPath + '/';
    return file.startsWith(base) && /^[^/]+\/dbt_project\.yml$/.test(file.slice(base.length));
  }

  private pathsOf(): string[][] {
    const c = this.config.value.config;
    return [c.modelPaths, c.macroPaths, c.seedPaths, c.testPaths, c.snapshotPaths, [c.packagesInstallPath]];
  }

  private async loadAll(): Promise<void> {
    for (const name of CONFIG_FILES) {
      const text = await this.fs.readFile(`${this.root}/${name}`);
      if (text === undefined) continue;
      this.configFile = name;
      this.texts.set(name, text);
      const parsed = parseConfig(name, text);
      const { format, profile } = parsed.value.config;
      if (format === 'dbt' && profile) this.profile = await this.readProfile(parsed.value.config, profile);
      this.config = this.withProfile(parsed);
      break;
    }
    await this.rescan();
    for (const file of [RUN_RESULTS, CATALOG, SOURCES]) {
      const text = await this.fs.readFile(`${this.root}/${file}`);
      if (text !== undefined) this.update(file, text);
    }
  }

  private readProfile(config: ProjectConfig, profile: string): ReturnType<typeof readDbtProfile> {
    return readDbtProfile(this.fs, this.root, config, profile, { env: process.env, home: homedir(), target: this.overrides.target, profilesDir: this.overrides.profilesDir });
  }

  /** The profile's settings and the editor's vars and target over the parsed config file. */
  private withProfile(parsed: Result<ParsedConfig>): Result<ParsedConfig> {
    applyOverrides(parsed.value.config, this.overrides);
    if (parsed.value.config.format !== 'dbt') return parsed;
    Object.assign(parsed.value.config, this.profile.settings);
    return { ...parsed, diagnostics: [...parsed.diagnostics, ...this.profile.diagnostics] };
  }

  /** New vars or target from the editor's settings: the profile is read again and every model recompiles. */
  async setOverrides(overrides: ConfigOverrides): Promise<void> {
    this.overrides = overrides;
    const text = this.configFile === undefined ? undefined : this.texts.get(this.configFile);
    if (this.configFile === undefined || text === undefined) return;
    const parsed = parseConfig(this.configFile, text);
    const { format, profile } = parsed.value.config;
    if (format === 'dbt' && profile) this.profile = await this.readProfile(parsed.value.config, profile);
    parsed.value.config.packages = this.config.value.config.packages;
    this.config = this.withProfile(parsed);
    this.revision++;
    this.compileEpoch++;
    this.current = undefined;
  }

  /** Reads every file under the project's paths (and installed packages') that is not indexed yet. */
  private async rescan(): Promise<void> {
    const config = this.config.value.config;
    config.packages = await discoverPackages(this.fs, this.root, config);
    const kinds = await discoverFiles(this.fs, this.root, this.config.value.config);
    // Files read before they were part of the project (a package's macros seen before its dbt_project.yml) count as new.
    const todo = [...kinds.keys()].filter((f) => !this.parsed.has(f) && !this.pending.has(f));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const file = todo[next++];
        const text = await this.fs.readFile(`${this.root}/${file}`);
        if (text !== undefined && !this.open.has(file)) this.update(file, text);
      }
    };
    await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
    this.current = undefined;
  }
}

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function parseConfig(file: string, text: string): Result<ParsedConfig> {
  return file.startsWith('dbt_project') ? parseDbtProject(file, text) : parsePipelineConfig(file, text);
}
