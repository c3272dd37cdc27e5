"""Deployment: the nginx configuration renderer (render.py) and the production setup runner (production.py)."""
