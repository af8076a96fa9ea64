{# A stable key from several columns: NULLs and empty strings kept apart, joined with a separator. #}
{% macro hash_key(field_list) -%}
    {{ return(adapter.dispatch('hash_key', 'quill_utils')(field_list)) }}
{%- endmacro %}

{% macro default__hash_key(field_list) -%}
    {%- set separator = var('quill_hash_separator', '-') -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append("coalesce(cast(" ~ field ~ " as varchar), '_null_')") -%}
        {%- if not loop.last %}{% do fields.append("'" ~ separator ~ "'") %}{% endif -%}
    {%- endfor -%}
    md5({{ fields | join(' || ') }})
{%- endmacro %}
