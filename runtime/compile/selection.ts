// Ad-hoc SQL (an editor selection, `medallion preview --sql`) rendered with the project's refs,
// sources and macros, for a preview; text without Jinja passes through as written.
import type { Diagnostic, Project } from '../project/types.js';
import { Relation } from '../template/relation.js';
import { rendererFor } from './renderers.js';

/** The SQL of a piece of templated text, or the first error that rendering it gave. */
export function compileSelection(project: Project, text: string): { sql: string; error?: Diagnostic } {
  if (!/\{[{%]/.test(text)) return { sql: text };
  const rendered = rendererFor(project).render('<selection>', text, {
    ref: (name) => {
      const node = project.models.get(name) ?? project.seeds.get(name);
      return node ? Relation.of(node.relation) : undefined;
    },
    source: (source, table) => {
      const node = project.sources.get(`${source}.${table}`);
      return node ? Relation.of(node.relation) : undefined;
    },
  });
  const error = rendered.diagnostics.find((d) => d.severity === 'error');
  return error ? { sql: rendered.sql, error } : { sql: rendered.sql };
}
