select 'north' as harbour, 'N' as code union all select 'south', 'S' union all select 'east', 'E'
