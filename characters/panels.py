"""Panels that higher apps add to a character's page.

`characters` is the lowest app: it may not know what `generation` keeps about a
character (provider registrations, voices, design candidates). A higher app registers a
panel source here from its `AppConfig.ready`; the character page renders whatever the
sources return, in registration order, without knowing who they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from characters.models import Character
    from characters.requests import AuthenticatedHttpRequest


@dataclass(frozen=True)
class Panel:
    """One section of the character page: a template and what it shows."""

    template: str
    context: dict[str, object] = field(default_factory=dict)


PanelSource = Callable[["AuthenticatedHttpRequest", "Character"], "Panel | None"]

_sources: list[PanelSource] = []
_actions: list[PanelSource] = []


def register(source: PanelSource) -> PanelSource:
    """Add a panel source (idempotent, so a reloaded app does not show a panel twice)."""
    if source not in _sources:
        _sources.append(source)
    return source


def register_action(source: PanelSource) -> PanelSource:
    """Add a button beside Edit in the page's head (shown to those who may edit)."""
    if source not in _actions:
        _actions.append(source)
    return source


def _shown(
    sources: list[PanelSource], request: AuthenticatedHttpRequest, character: Character
) -> list[Panel]:
    found = (source(request, character) for source in sources)
    return [panel for panel in found if panel is not None]


def panels_for(request: AuthenticatedHttpRequest, character: Character) -> list[Panel]:
    """The panels this user sees on this character's page; a source may show nothing."""
    return _shown(_sources, request, character)


def actions_for(request: AuthenticatedHttpRequest, character: Character) -> list[Panel]:
    """The extra buttons of the page's head for this user."""
    return _shown(_actions, request, character)
