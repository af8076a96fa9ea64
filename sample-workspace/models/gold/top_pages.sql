-- The most viewed pages of each day, with the section and title from the site map (seeds/pages.csv).
{{ config(materialized='table') }}

with views as (
    select event_date, page, user_id
    from {{ ref('events') }}
    where action = 'page_view'
),

ranked as (
    select
        v.event_date as activity_date,
        v.page,
        count(*) as page_views,
        count(distinct v.user_id) as unique_visitors,
        rank() over (partition by v.event_date order by count(*) desc, v.page) as page_rank
    from views v
    group by v.event_date, v.page
)

select
    r.activity_date,
    r.page_rank,
    r.page,
    coalesce(p.section, 'unknown') as section,
    coalesce(p.title, r.page) as title,
    r.page_views,
    r.unique_visitors
from ranked r
left join {{ ref('pages') }} p on p.page = r.page
where r.page_rank <= {{ var('top_pages_per_day', 10) }}
order by r.activity_date, r.page_rank
