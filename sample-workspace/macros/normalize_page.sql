{#- Browsers report paths with query strings, fragments and trailing slashes; the site's pages are
    the bare path. '/docs/?utm_source=x#top' becomes '/docs'; an empty path becomes '/'. -#}
{% macro normalize_page(column) -%}
coalesce(nullif(rtrim(regexp_replace({{ column }}, '[?#].*$', ''), '/'), ''), '/')
{%- endmacro %}
