{% macro record_run_end(results, schemas) %}
  {% for schema in schemas | sort %}
    insert into audit.runs values ('schema', '{{ schema }}');
  {% endfor %}
  {% for r in results if r.node.resource_type in ('model', 'seed', 'snapshot') %}
    insert into audit.runs values ('result', '{{ r.node.name }}={{ r.status }}');
  {% endfor %}
{% endmacro %}
