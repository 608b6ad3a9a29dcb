"""The steward-facing server: dagster-webserver behind login, roles and same-origin checks.

Light on purpose: the job code imports USER_TAG from here, not the server.
"""

# The authenticated user, stamped by the server onto every run it launches; a steward
# decision records it. No form field can set it: the server overwrites whatever was sent.
USER_TAG = "vwu/user"
