"""Work a server process does once at start rather than in its first requests.

A fresh process compiled each template on first use (the cached loader keeps it after):
the first storyboard of a new web process took ~500 ms in-process, ~250 ms with this
done at start (docs/performance.md).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.template.loader import get_template

log = logging.getLogger(__name__)


def _ours(folder: Path) -> bool:
    return folder.is_relative_to(settings.BASE_DIR) and "site-packages" not in folder.parts


def compile_templates() -> int:
    """Compile the project's own templates (not Django's or a library's); how many."""
    compiled = 0
    for engine in engines.all():
        for loader in engine.engine.template_loaders:  # type: ignore[attr-defined]
            for folder in loader.get_dirs():
                if not _ours(Path(folder)):
                    continue
                for path in sorted(Path(folder).rglob("*.html")):
                    try:
                        get_template(str(path.relative_to(folder)))
                    except TemplateSyntaxError:
                        log.exception("Template %s does not compile", path)
                        continue
                    compiled += 1
    return compiled
