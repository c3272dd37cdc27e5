"""Analysis jobs: contours."""
