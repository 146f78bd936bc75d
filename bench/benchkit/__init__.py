"""Helpers of ``bench/run.py``: processes, the two targets, wrk and the report."""
