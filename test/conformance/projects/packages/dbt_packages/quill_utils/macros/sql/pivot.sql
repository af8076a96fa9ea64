{# One summed column per value: sum(case when <column> = '<value>' then <measure> else 0 end) as <prefix><value>. #}
{% macro pivot_sum(column, values, measure, prefix='', suffix='') -%}
    {%- set ns = namespace(parts=[]) -%}
    {%- for value in values -%}
        {%- set alias = (prefix ~ value ~ suffix) | replace(' ', '_') | lower -%}
        {%- set ns.parts = ns.parts + ["sum(case when " ~ column ~ " = '" ~ value ~ "' then " ~ measure ~ " else 0 end) as " ~ adapter.quote(alias)] -%}
    {%- endfor -%}
    {{ ns.parts | join(',\n    ') }}
{%- endmacro %}

{# The values a column may take, as a list the caller can loop over. #}
{% macro known_values(kind) -%}
    {%- set all = {
        'channel': ['search', 'social', 'email', 'direct'],
        'site': ['north', 'south', 'east'],
    } -%}
    {{ return(all.get(kind, [])) }}
{%- endmacro %}

{# The first and last day of a period written 'YYYY-MM-DD..YYYY-MM-DD', as a two-item list. #}
{% macro period_bounds(period) -%}
    {%- set parts = period.split('..') -%}
    {{ return([parts[0].strip(), parts[1].strip()]) }}
{%- endmacro %}

{# Column renames for a relation kind, as a dict of old name to new name. #}
{% macro standard_renames(kind) -%}
    {%- if kind == 'visit' -%}
        {{ return({'visit_id': 'id', 'visited_on': 'day', 'seconds': 'duration_seconds'}) }}
    {%- endif -%}
    {{ return({}) }}
{%- endmacro %}

{% macro label_case(column) -%}
    {{ return(adapter.dispatch('label_case', 'quill_utils')(column)) }}
{%- endmacro %}

{% macro default__label_case(column) -%}
    upper({{ column }})
{%- endmacro %}
