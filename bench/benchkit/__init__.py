"""Helpers of ``bench/run.py`` (processes, the two targets, wrk and the report) and of
``bench/users.py`` (the ``users_*`` modules: synthetic users, the database, the operations,
timing and the report)."""
