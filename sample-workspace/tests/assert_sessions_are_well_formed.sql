-- A session ends after it starts, counts at least one event, and no visit spans the idle timeout
-- more than once per event (so it cannot be longer than events × timeout).
select *
from {{ ref('sessions') }}
where ended_at < started_at
   or event_count < 1
   or duration_seconds > event_count * {{ var('session_timeout_minutes') }} * 60
