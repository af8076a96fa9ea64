select category, revenue
from {{ ref('category_sales') }}
where revenue > 50
