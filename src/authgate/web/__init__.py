"""Hosted pages under ``/u/`` (DESIGN §3.5): server-rendered, working without JavaScript."""
