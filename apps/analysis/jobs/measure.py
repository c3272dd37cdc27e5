"""Analysis jobs: measure."""
