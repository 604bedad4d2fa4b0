"""The SQL store: typed models, engine set-up, Alembic migrations, and the repository (the only place with queries)."""
