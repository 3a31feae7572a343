"""The HTTP API under /api/v1/ (docs/api.md): one small module per resource.

The NinjaAPI object lives in `generation.api.app`; this package's `models` is imported by
`generation.models`, so nothing here imports the routers.
"""
