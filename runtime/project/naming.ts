// The schema and name a model or seed builds as, named as dbt names them: dbt's default
// generate_schema_name (`<target schema>_<custom>`) and generate_alias_name (the alias, else the
// name), or the project's own override of either macro, run as dbt runs it with the custom value
// and the node. pipeline.yml projects use the configured schema as written (default main).
import { rendererFor } from '../compile/renderers.js';
import { newDict } from '../template/jinja/values.js';
import type { Diagnostic, Project } from './types.js';

export interface NamedNode {
  name: string;
  resourceType: 'model' | 'seed' | 'snapshot' | 'test';
  file: string;
  config: Record<string, unknown>;
}

const custom = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export class RelationNaming {
  private readonly reported = new Set<string>();

  constructor(
    private readonly project: Project,
    private readonly report: (d: Diagnostic) => void,
  ) {}

  schema(node: NamedNode): string {
    const name = custom(node.config.schema);
    const { config } = this.project;
    if (config.format !== 'dbt') return name ?? 'main';
    const override = this.run('generate_schema_name', 'custom_schema_name', name, node);
    if (override !== undefined) return override;
    const base = config.target.schema || 'main';
    return name === undefined ? base : `${base}_${name}`;
  }

  alias(node: NamedNode): string {
    const alias = custom(node.config.alias);
    if (this.project.config.format === 'dbt') {
      const override = this.run('generate_alias_name', 'custom_alias_name', alias, node);
      if (override !== undefined) return override;
    }
    return alias ?? node.name;
  }

  /** The project's override of `macro`, run; undefined when there is none or it fails (reported once). */
  private run(macro: string, argument: string, value: string | undefined, node: NamedNode): string | undefined {
    const def = this.project.macros.get(macro);
    if (!def) return undefined;
    const fixed = { [argument]: value ?? null, node: nodeDict(this.project, node) };
    const result = rendererFor(this.project).callMacro(def.file, macro, {}, fixed, { ref: () => undefined, source: () => undefined });
    if ('sql' in result && result.sql.trim() !== '') return result.sql.trim();
    const message = 'error' in result ? result.error : `${macro} gave an empty name`;
    if (!this.reported.has(message)) {
      this.reported.add(message);
      this.report({ file: def.file, range: def.range, severity: 'error', message: `${macro}(): ${message}`, code: 'naming-macro' });
    }
    return undefined;
  }
}

/** The `node` dbt passes to the naming macros: the fields overrides read. */
function nodeDict(project: Project, node: NamedNode): unknown {
  const dirs = node.file.split('/').slice(1, -1);
  return newDict([
    ['name', node.name],
    ['resource_type', node.resourceType],
    ['unique_id', `${node.resourceType}.${project.config.name}.${node.name}`],
    ['package_name', project.config.name],
    ['original_file_path', node.file],
    ['path', node.file.split('/').slice(1).join('/')],
    ['fqn', [project.config.name, ...dirs, node.name]],
    ['config', newDict(Object.entries(node.config))],
  ]);
}
