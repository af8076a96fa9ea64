// One state of the workspace as the features see it: the linked project and its DAG, every file's
// text, the last run's artifacts (run results, catalog, source freshness) and the binder's results.
// A change never alters a snapshot: the workspace makes a new one. Lookups are computed lazily, once
// per linked project (snapshots that share the project share them).
import type { CompiledNode, ColumnSpec, Diagnostic, ModelNode, Project, Range, SeedNode, SourceTable, TemplateScan, TestNode } from '../../../runtime/project/types.js';
import type { Graph } from '../../../runtime/graph/dag.js';
import { scanTemplate } from '../../../runtime/template/scan.js';
import type { Catalog } from './catalog.js';
import type { LastRun, RunHistory, RunSummary } from './runResults.js';
import type { LastFreshness } from './sourceFreshness.js';
import { boundColumns, relationColumns } from './columnTypes.js';

export type Node = ModelNode | SourceTable | SeedNode;

export interface Column {
  name: string;
  type?: string;
  description?: string;
}

export interface RefSite {
  file: string;
  /** The model name inside the quotes. */
  range: Range;
  /** The model whose file holds this ref ('' when the file is not a model). */
  from: string;
}

/**
 * What DuckDB found out about the project (binder.ts): the one part of a snapshot that fills in over
 * time, as the background pass binds models. Features read it; bindFiles asks for what they need first.
 */
export interface Bindings {
  /** A model's bound output columns, once bound. */
  columns(id: string): Column[] | undefined;
  /** A source's columns read from its files (fileSchema.ts), once read. */
  fileColumns(id: string): Column[] | undefined;
  /** Bound diagnostics (SQL errors, unknown columns, contracts) that land in `file`. */
  diagnostics(file: string): Diagnostic[];
  /** A model's compiled SQL (rendered once per text and inputs). */
  compiled(id: string): Promise<CompiledNode | undefined>;
  /** DuckDB's parse tree of a SQL text, or undefined when it does not parse. */
  parseTree(sql: string): Promise<any>;
  /** Binds the models `files` define or specify, inputs first (callers check `trusted`). */
  bindFiles(files: string[]): Promise<string[]>;
}

/** Everything a snapshot is made of; the workspace builds it from its current state. */
export interface SnapshotState {
  project: Project;
  graph: Graph;
  /** Every indexed file's text (open buffers over the disk), project-relative. Never changed once given. */
  texts: ReadonlyMap<string, string>;
  /** The project file in use ('pipeline.yml' or 'dbt_project.yml'), if any. */
  projectFile?: string;
  /** False in an untrusted workspace: nothing is rendered or bound, only the static features work. */
  trusted: boolean;
  /** True while schema files wait to be parsed (Workspace.completeIndex). */
  indexing: boolean;
  runs: RunHistory;
  freshness: ReadonlyMap<string, LastFreshness>;
  catalog: Catalog;
  bindings: Bindings;
}

/** Lookups over one linked project. */
interface Lookups {
  /** Model names by file, and by the schema file that describes them: names outlast relinking one model. */
  byFile?: Map<string, string>;
  refSites?: Map<string, RefSite[]>;
  orderIndexes?: Map<string, number>;
  refNames?: string[];
  specFiles?: Map<string, string[]>;
  staticDiagnostics?: Map<string, Diagnostic[]>;
  /** Data and unit tests by the file that declares them; tests outlast relinking one model. */
  testsByFile?: Map<string, TestNode[]>;
  /** Diagnostics of the tests themselves (diagnostics.ts: unknown generic tests); they outlast relinking one model. */
  testDiagnostics?: Diagnostic[];
}

export class Snapshot {
  readonly project: Project;
  readonly graph: Graph;
  readonly projectFile: string | undefined;
  readonly trusted: boolean;
  readonly indexing: boolean;
  readonly catalog: Catalog;
  readonly bindings: Bindings;
  /**
   * The full link this snapshot's project comes from: shared by the snapshots that followed it with
   * only models relinked alone (relink.ts) or other state changed, so a copy of the project elsewhere
   * (the render worker's) needs only the edited models.
   */
  readonly link: object;
  private readonly state: SnapshotState;
  private readonly lookups: Lookups;
  private readonly scans = new Map<string, TemplateScan>();

  /** `previous`: the snapshot this one follows; its lookups are shared when the linked project is the same. */
  constructor(state: SnapshotState, previous?: Snapshot) {
    this.state = state;
    ({ project: this.project, graph: this.graph, projectFile: this.projectFile, trusted: this.trusted, indexing: this.indexing, catalog: this.catalog, bindings: this.bindings } = state);
    const same = previous && previous.project === state.project && previous.graph === state.graph;
    this.lookups = same ? previous.lookups : {};
    this.link = previous?.link ?? {};
  }

  /**
   * A snapshot of the same files over a project where models were relinked in place of the whole
   * project (relink.ts): models' names, files, specs and order are unchanged, so those lookups carry over.
   */
  relinked(project: Project, graph: Graph): Snapshot {
    const next = new Snapshot({ ...this.state, project, graph }, this);
    const { orderIndexes, refNames, byFile, specFiles, testsByFile, testDiagnostics } = this.lookups;
    Object.assign(next.lookups, { orderIndexes, refNames, byFile, specFiles, testsByFile, testDiagnostics });
    return next;
  }

  /** The same project with other texts, artifacts or trust (what the workspace changed besides linking). */
  with(changes: Partial<Omit<SnapshotState, 'project' | 'graph'>>): Snapshot {
    return new Snapshot({ ...this.state, ...changes }, this);
  }

  text(file: string): string | undefined {
    return this.state.texts.get(file);
  }

  /** Every indexed file, project-relative. */
  files(): string[] {
    return [...this.state.texts.keys()];
  }

  /** The static scan of any SQL template in the project (models, macros, tests). */
  scan(file: string): TemplateScan {
    const model = this.modelOfFile(file);
    if (model) return model.scan;
    let scan = this.scans.get(file);
    if (!scan) this.scans.set(file, (scan = scanTemplate(this.state.texts.get(file) ?? '')));
    return scan;
  }

  lastRun(id: string): LastRun | undefined {
    return this.state.runs.byId.get(id);
  }

  /** The whole project's last run, from target/run_results.json. */
  lastProjectRun(): RunSummary | undefined {
    return this.state.runs.summary;
  }

  lastFreshness(id: string): LastFreshness | undefined {
    return this.state.freshness.get(id);
  }

  /** Known columns of a node: bound or known from the catalog and inference (columnTypes.ts), else declared ones. */
  columns(id: string): Column[] {
    const node = this.node(id);
    if (!node) return [];
    const declared = this.declaredColumns(node);
    const bound = node.kind === 'model' ? this.bindings.columns(id) : undefined;
    const known = node.kind !== 'model' ? relationColumns(this, node, this.catalog, undefined, this.bindings.fileColumns(id)) : bound && boundColumns(node, this.catalog, bound);
    if (!known) return declared;
    return known.map((k) => {
      const d = declared.find((c) => c.name.toLowerCase() === k.name.toLowerCase());
      return { name: k.name, ...(k.type ? { type: k.type } : {}), ...(d?.description ? { description: d.description } : {}) };
    });
  }

  /** Computed once per linked project: what `compute` gives for it (staticDiagnostics in diagnostics.ts). */
  staticDiagnostics(compute: (snap: Snapshot) => Map<string, Diagnostic[]>): Map<string, Diagnostic[]> {
    return (this.lookups.staticDiagnostics ??= compute(this));
  }

  /** Computed once per set of tests: what `compute` gives for them (unknownTests in diagnostics.ts). */
  testDiagnostics(compute: (project: Project) => Diagnostic[]): Diagnostic[] {
    return (this.lookups.testDiagnostics ??= compute(this.project));
  }

  /** The data and unit tests a file declares (schema YAML, or a singular test's SQL). */
  testsDeclaredIn(file: string): TestNode[] {
    if (!this.lookups.testsByFile) {
      const byFile = new Map<string, TestNode[]>();
      for (const t of this.project.tests.values()) {
        const declared = t.spec?.location.file ?? t.unit?.location.file ?? t.file;
        const list = byFile.get(declared) ?? [];
        list.push(t);
        byFile.set(declared, list);
      }
      this.lookups.testsByFile = byFile;
    }
    return this.lookups.testsByFile.get(file) ?? [];
  }

  /** Every name ref() accepts (models, then seeds), shortest first: the order completion offers them in. */
  sortedRefNames(): string[] {
    this.lookups.refNames ??= [...this.project.models.keys(), ...this.project.seeds.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    return this.lookups.refNames;
  }

  /** Each node's position in the topological order. */
  orderIndex(): Map<string, number> {
    this.lookups.orderIndexes ??= new Map(this.graph.order.map((id, i) => [id, i]));
    return this.lookups.orderIndexes;
  }

  modelOfFile(file: string): ModelNode | undefined {
    this.lookups.byFile ??= new Map([...this.project.models.values()].map((m) => [m.file, m.name]));
    const name = this.lookups.byFile.get(file);
    return name === undefined ? undefined : this.project.models.get(name);
  }

  /** The models a schema YAML file describes. */
  modelsSpecifiedIn(file: string): ModelNode[] {
    if (!this.lookups.specFiles) {
      const specFiles = new Map<string, string[]>();
      for (const m of this.project.models.values()) {
        if (!m.spec) continue;
        const list = specFiles.get(m.spec.location.file) ?? [];
        list.push(m.name);
        specFiles.set(m.spec.location.file, list);
      }
      this.lookups.specFiles = specFiles;
    }
    return (this.lookups.specFiles.get(file) ?? []).map((name) => this.project.models.get(name)!);
  }

  model(name: string): ModelNode | undefined {
    return this.project.models.get(name);
  }

  /** A model or seed by the name ref() uses. */
  refTarget(name: string): ModelNode | SeedNode | undefined {
    return this.project.models.get(name) ?? this.project.seeds.get(name);
  }

  source(source: string, table: string): SourceTable | undefined {
    return this.project.sources.get(`${source}.${table}`);
  }

  node(id: string): Node | undefined {
    const n = this.graph.nodes.get(id);
    return n && n.kind !== 'test' ? n : undefined;
  }

  /** Every ref('name') in the project, grouped by the name it refers to. */
  refsTo(name: string): RefSite[] {
    if (!this.lookups.refSites) {
      const sites = new Map<string, RefSite[]>();
      const add = (file: string, from: string, refs: ModelNode['scan']['refs']): void => {
        for (const r of refs) {
          const list = sites.get(r.name) ?? [];
          list.push({ file, range: r.nameRange, from });
          sites.set(r.name, list);
        }
      };
      for (const m of this.project.models.values()) add(m.file, m.name, m.scan.refs);
      for (const t of this.project.tests.values()) if (t.scan && t.text !== undefined) add(t.file, '', t.scan.refs);
      this.lookups.refSites = sites;
    }
    return this.lookups.refSites.get(name) ?? [];
  }

  /** Declared columns of a node (contracts, schema YAML, seed types), in order. */
  declaredColumns(node: Node): Column[] {
    if (node.kind === 'source') return node.columns.map(fromSpec);
    if (node.kind === 'seed') {
      const spec = node.spec?.columns.map(fromSpec) ?? [];
      for (const [name, type] of Object.entries(node.columnTypes)) {
        const known = spec.find((c) => c.name === name);
        if (known) known.type ??= type;
        else spec.push({ name, type });
      }
      // The CSV header names the rest; their types are inferred from the CSV (columnTypes.ts).
      for (const name of node.columns ?? []) if (!spec.some((c) => c.name === name)) spec.push({ name });
      return spec;
    }
    return node.spec?.columns.map(fromSpec) ?? [];
  }
}

function fromSpec(c: ColumnSpec): Column {
  return { name: c.name, ...(c.dataType ? { type: c.dataType } : {}), ...(c.description ? { description: c.description } : {}) };
}
