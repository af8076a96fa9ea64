// Refs whose name is computed in Jinja (`{% for name in names %}{{ ref(name) }}{% endfor %}`): the
// static scan cannot see them, so such a model is rendered once at load time, as dbt's parse renders
// every model (execute is false), and the names its ref() calls received become graph edges.
import { rendererFor } from '../compile/renderers.js';
import { Relation } from '../template/relation.js';
import type { ModelNode, Project } from './types.js';


/** Sets `renderedRefs` on every model with a computed ref; a model that does not render keeps its static refs. */
export function renderDynamicRefs(project: Project): void {
  const models = [...project.models.values()].filter((m) => (m.scan.dynamicRefs?.length ?? 0) > 0);
  if (models.length === 0) return;
  const renderer = rendererFor(project);
  for (const model of models) model.renderedRefs = refsOf(project, model, renderer.render.bind(renderer));
}

function refsOf(project: Project, model: ModelNode, render: ReturnType<typeof rendererFor>['render']): string[] {
  const names = new Set<string>();
  render(model.file, model.text, {
    ref: (name) => {
      names.add(name);
      // An unknown name still renders (the compile reports it), so the refs after it are found too.
      const target = project.models.get(name) ?? project.seeds.get(name);
      return Relation.of(target?.relation ?? `"main"."${name}"`);
    },
    source: (s, t) => {
      const src = project.sources.get(`${s}.${t}`);
      return src ? Relation.of(src.relation) : undefined;
    },
    self: Relation.of(model.relation),
    model: { name: model.name, unique_id: model.id, config: model.config, original_file_path: model.file },
  });
  return [...names];
}
