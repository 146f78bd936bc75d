"""Management API jobs: verification emails and user imports."""
