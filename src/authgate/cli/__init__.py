"""The ``authgate`` console script."""
