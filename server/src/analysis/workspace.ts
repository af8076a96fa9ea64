// The workspace index: owns the IO and applies changes. One summary per file, parsed once per text
// (open buffers override the disk); every change makes a new Snapshot (snapshot.ts), which features
// read and nothing alters. Editing a model re-summarizes only that model; when its refs, sources and
// config() calls allow it, the next snapshot relinks just that model (relink.ts) instead of the project.
import { createHash } from 'node:crypto';
import type { FileSystem } from '../../../runtime/project/fs.js';
import type { ParsedFile } from '../../../runtime/project/summary.js';
import type { Result } from '../../../runtime/project/types.js';
import type { ConfigOverrides } from '../../../runtime/project/projectConfig.js';
import { classify, discoverFiles, parseFile } from '../../../runtime/project/load.js';
import { linkProject } from '../../../runtime/project/link.js';
import { discoverPackages } from '../../../runtime/project/packages.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { Binder } from './binder.js';
import { inProcessCompiler, type NodeCompiler } from './compiler.js';
import { relinkModel } from './relink.js';
import { Snapshot, type SnapshotState } from './snapshot.js';
import { ARTIFACT_FILES, NO_ARTIFACTS, isArtifact, withArtifact, type Artifacts } from './artifacts.js';
import { ProjectSettings, type ProfileLookup } from './projectSettings.js';
import { PatchedMap } from './patchedMap.js';

export interface WorkspaceOptions extends ProfileLookup {
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
/** Files read at once during the cold index. */
const READ_CONCURRENCY = 64;

export class Workspace {
  readonly binder: Binder;
  /** Renders models for the binder (WorkspaceOptions.compiler). */
  compiler: NodeCompiler = inProcessCompiler;
  /** Bumped when anything every compilation reads changes: macros, vars, the project config. */
  compileEpoch = 0;
  /** Bumped on every change to any file. */
  revision = 0;
  /** File texts; replaced (never changed) once a snapshot holds them. */
  private texts: Map<string, string> = new Map();
  private textsShared = false;
  private readonly open = new Set<string>();
  private readonly parsed = new Map<string, Result<ParsedFile>>();
  private readonly settings: ProjectSettings;
  private current: Snapshot | undefined;
  /** What the next snapshot needs: a full link, or only the current state over the same project. */
  private stale: 'link' | 'state' | undefined = 'link';
  private artifacts: Artifacts = NO_ARTIFACTS;
  /** Schema files read but not parsed yet (deferSchemas). */
  private readonly pending = new Set<string>();
  private deferSchemas = false;
  private cache: SummaryCache | undefined;
  private cached: CachedSummaries | undefined;
  /** True when a schema summary was parsed (not taken from the cache) since the cache was read. */
  private cacheStale = false;
  private isTrusted = true;

  private constructor(readonly fs: FileSystem, readonly root: string, readonly log: (m: string) => void, options: WorkspaceOptions) {
    this.binder = new Binder(this);
    this.settings = new ProjectSettings(fs, root, options.overrides ?? {}, { env: options.env, home: options.home });
    this.deferSchemas = options.deferSchemas ?? false;
    this.isTrusted = options.trusted ?? true;
    this.cache = options.cache;
    if (options.compiler) this.compiler = options.compiler;
  }

  /** The cold index: finds the project file, reads and summarizes every project file, links. */
  static async open(fs: FileSystem, root: string, options: WorkspaceOptions = {}): Promise<Workspace> {
    const ws = new Workspace(fs, root.replace(/\/$/, ''), options.log ?? (() => {}), options);
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
    this.touch('state');
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
    this.touch('link');
    this.cacheStale = true;
    await this.saveCache();
  }

  /** The workspace as it is now; the same snapshot until something changes. */
  snapshot(): Snapshot {
    if (!this.current || this.stale === 'link') {
      const project = linkProject(this.root, this.settings.config, [...this.parsed.values()]);
      this.current = new Snapshot({ project, graph: buildGraph(project), ...this.state() });
      this.binder.relinked();
    } else if (this.stale === 'state') {
      this.current = this.current.with(this.state());
    }
    this.stale = undefined;
    return this.current;
  }

  /** What a snapshot holds besides the linked project. */
  private state(): Omit<SnapshotState, 'project' | 'graph'> {
    this.textsShared = true;
    return { texts: this.texts, projectFile: this.settings.file, trusted: this.isTrusted, indexing: this.indexing, ...this.artifacts, bindings: this.binder };
  }

  /** A change: the next snapshot relinks (`link`) or takes the new state over the same project. */
  private touch(need: 'link' | 'state'): void {
    this.revision++;
    if (need === 'link' || this.stale !== 'link') this.stale = need;
  }

  /** A snapshot's texts stay as they were: an edit patches them (patchedMap.ts), a new or deleted file copies them. */
  private setFileText(file: string, text: string | undefined): void {
    if (this.textsShared && text !== undefined && this.texts.has(file)) {
      this.texts = PatchedMap.replace(this.texts, file, text);
      return;
    }
    if (this.textsShared || this.texts instanceof PatchedMap) this.texts = new Map(this.texts);
    this.textsShared = false;
    if (text === undefined) this.texts.delete(file);
    else this.texts.set(file, text);
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
    if (!this.texts.has(file)) return;
    this.setFileText(file, undefined);
    this.pending.delete(file);
    if (isArtifact(file)) return this.readArtifact(file, undefined);
    this.touch('link');
    if (file === this.settings.file) {
      this.settings.remove();
      this.compileEpoch++;
    }
    const old = this.parsed.get(file);
    this.parsed.delete(file);
    if (old?.value.kind === 'macro') this.compileEpoch++;
  }

  /** Run results and source freshness are read as they are; new catalog types mean bindings are checked again. */
  private readArtifact(file: Parameters<typeof withArtifact>[1], text: string | undefined): void {
    this.artifacts = withArtifact(this.artifacts, file, text);
    this.touch('state');
    if (file === 'target/catalog.json') this.binder.relinked();
  }

  private update(file: string, text: string): void {
    if (this.texts.get(file) === text && (this.parsed.has(file) || file === this.settings.file)) return;
    this.setFileText(file, text);
    if (isArtifact(file)) return this.readArtifact(file, text);
    if (this.settings.governs(file)) return this.updateConfig(file, text);
    const kind = classify(this.settings.config.value.config, file);
    if (!kind) return this.touch('state');
    const hit = kind === 'schema' ? this.cached?.get(file) : undefined;
    if (hit && hit.hash === hashText(text)) {
      this.parsed.set(file, hit.result);
      return this.touch('link');
    }
    if (kind === 'schema' && this.deferSchemas) {
      this.pending.add(file);
      return this.touch('state');
    }
    if (kind === 'schema') this.cacheStale = true;
    this.pending.delete(file);
    const parsed = parseFile(kind, file, text);
    const old = this.parsed.get(file);
    this.parsed.set(file, parsed);
    if (kind === 'macro') this.compileEpoch++;
    this.touch(this.relinkModel(old, parsed) ? 'state' : 'link');
  }

  private updateConfig(file: string, text: string): void {
    const before = this.settings.paths();
    this.settings.update(file, text);
    this.compileEpoch++;
    this.touch('link');
    // New model/macro/seed paths: files that were outside the project may now be in it.
    if (this.settings.paths() !== before) void this.rescan();
  }

  /**
   * An edited model whose name and config() did not change is relinked alone (relink.ts): the
   * current snapshot is replaced by one with that model's new text and edges.
   */
  private relinkModel(old: Result<ParsedFile> | undefined, next: Result<ParsedFile>): boolean {
    const snap = this.stale === 'link' ? undefined : this.current;
    if (!snap || old?.value.kind !== 'model' || next.value.kind !== 'model') return false;
    const relinked = relinkModel(snap, next.value, next.diagnostics, old.value.scan);
    if (!relinked) return false;
    this.current = relinked;
    this.binder.changed(`model.${next.value.name}`);
    return true;
  }

  /** A package's own dbt_project.yml under the install path (its name and macro paths). */
  private isPackageFile(file: string): boolean {
    const base = this.settings.config.value.config.packagesInstallPath + '/';
    return file.startsWith(base) && /^[^/]+\/dbt_project\.yml$/.test(file.slice(base.length));
  }

  private async loadAll(): Promise<void> {
    const text = await this.settings.load();
    if (this.settings.file !== undefined && text !== undefined) this.setFileText(this.settings.file, text);
    await this.rescan();
    for (const file of ARTIFACT_FILES) {
      const artifact = await this.fs.readFile(`${this.root}/${file}`);
      if (artifact !== undefined) this.update(file, artifact);
    }
  }

  /** New vars or target from the editor's settings: the profile is read again and every model recompiles. */
  async setOverrides(overrides: ConfigOverrides): Promise<void> {
    const file = this.settings.file;
    if (!(await this.settings.setOverrides(overrides, file === undefined ? undefined : this.texts.get(file)))) return;
    this.compileEpoch++;
    this.touch('link');
  }

  /** Reads every file under the project's paths (and installed packages') that is not indexed yet. */
  private async rescan(): Promise<void> {
    const config = this.settings.config.value.config;
    config.packages = await discoverPackages(this.fs, this.root, config);
    const kinds = await discoverFiles(this.fs, this.root, config);
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
    this.touch('link');
  }
}

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
