// One linked state of the project (models, sources, DAG) plus the lookups every feature needs,
// computed lazily once per snapshot: a file's model, the refs naming a model, columns of a node.
import type { ColumnSpec, ModelNode, Project, Range, SeedNode, SourceTable } from '../../../runtime/project/types.js';
import type { Graph } from '../../../runtime/graph/dag.js';

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

export class Snapshot {
  private byFile?: Map<string, ModelNode>;
  private refSites?: Map<string, RefSite[]>;
  private orderIndexes?: Map<string, number>;
  private refNames?: string[];
  private specFiles?: Map<string, ModelNode[]>;

  constructor(readonly project: Project, readonly graph: Graph, readonly epoch: number) {}

  /** Drops lookups that depend on model texts (after a model was patched in place). */
  invalidate(): void {
    this.refSites = undefined;
  }

  /** Every name ref() accepts (models, then seeds), shortest first: the order completion offers them in. */
  sortedRefNames(): string[] {
    this.refNames ??= [...this.project.models.keys(), ...this.project.seeds.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
    return this.refNames;
  }

  /** Each node's position in the topological order. */
  orderIndex(): Map<string, number> {
    this.orderIndexes ??= new Map(this.graph.order.map((id, i) => [id, i]));
    return this.orderIndexes;
  }

  modelOfFile(file: string): ModelNode | undefined {
    if (!this.byFile) {
      this.byFile = new Map();
      for (const m of this.project.models.values()) this.byFile.set(m.file, m);
    }
    return this.byFile.get(file);
  }

  /** The models a schema YAML file describes. */
  modelsSpecifiedIn(file: string): ModelNode[] {
    if (!this.specFiles) {
      this.specFiles = new Map();
      for (const m of this.project.models.values()) {
        if (!m.spec) continue;
        const list = this.specFiles.get(m.spec.location.file) ?? [];
        list.push(m);
        this.specFiles.set(m.spec.location.file, list);
      }
    }
    return this.specFiles.get(file) ?? [];
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
    if (!this.refSites) {
      this.refSites = new Map();
      const add = (file: string, from: string, refs: ModelNode['scan']['refs']): void => {
        for (const r of refs) {
          const list = this.refSites!.get(r.name) ?? [];
          list.push({ file, range: r.nameRange, from });
          this.refSites!.set(r.name, list);
        }
      };
      for (const m of this.project.models.values()) add(m.file, m.name, m.scan.refs);
      for (const t of this.project.tests.values()) if (t.scan && t.text !== undefined) add(t.file, '', t.scan.refs);
    }
    return this.refSites.get(name) ?? [];
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
