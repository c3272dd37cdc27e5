"""Analysis jobs: detect."""
