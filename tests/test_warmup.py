"""A server process compiles every template of ours at start (comicstudio/warmup.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from comicstudio.warmup import compile_templates


def test_every_template_of_ours_compiles_at_start():
    ours = [
        path
        for app in ("templates", "characters", "projects", "generation", "comicstudio")
        for path in Path(settings.BASE_DIR, app).rglob("*.html")
        if "templates" in path.parts
    ]
    assert len(ours) > 50
    assert compile_templates() == len(ours)  # none failed to compile, none left out
