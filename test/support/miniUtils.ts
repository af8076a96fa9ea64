// A fake package as `dbt deps` installs it under dbt_packages/, as a fixture fragment shared by the
// unit and integration tests of installed packages.

/** A fake `dbt deps` install: a package with dispatched macros, an internal helper and a generic test. */
export const MINI_UTILS = `
//- /dbt_packages/mini_utils/dbt_project.yml
name: mini_utils
version: 1.0.0
//- /dbt_packages/mini_utils/macros/surrogate.sql
{%- macro surrogate(fields) -%}
  {{ return(adapter.dispatch('surrogate', 'mini_utils')(fields)) }}
{%- endmacro -%}

{%- macro default__surrogate(fields) -%}
  {%- set parts = [] -%}
  {%- for f in fields -%}
    {%- do parts.append(dbt.safe_cast(f, dbt.type_string())) -%}
  {%- endfor -%}
  {{ dbt.hash(joined(parts)) }}
{%- endmacro -%}
//- /dbt_packages/mini_utils/macros/helpers.sql
{%- macro joined(parts) -%}
  {{ return(dbt.concat(parts)) }}
{%- endmacro -%}

{%- macro greet(name) -%}{{ adapter.dispatch('greet', 'mini_utils')(name) }}{%- endmacro -%}
{%- macro duckdb__greet(name) -%}'duck {{ name }}'{%- endmacro -%}
{%- macro default__greet(name) -%}'hello {{ name }}'{%- endmacro -%}

{%- macro label() -%}{{ return(prefix() ~ mini_utils._suffix()) }}{%- endmacro -%}
{%- macro _suffix() -%}{{ return('_label') }}{%- endmacro -%}
{%- macro prefix() -%}{{ return('pkg') }}{%- endmacro -%}

{%- macro broken() -%}{{ adapter.dispatch('nothing_here', 'mini_utils')() }}{%- endmacro -%}
//- /dbt_packages/mini_utils/macros/tests.sql
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select * from {{ model }}
where 1 = 2
{%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
{%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
{% endtest %}
`;
