{#- Every row read is either accepted or rejected: nothing a unit sent is lost. -#}
{% test rows_add_up(model) %}

select *
from {{ model }}
where rows_read <> rows_accepted + rows_rejected

{% endtest %}
