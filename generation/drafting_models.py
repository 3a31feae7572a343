"""Draft scenes with AI: the studio's chat model, and each drafting call a project paid for.

Models only (imported while Django loads models); the drafting itself is generation/drafting.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from generation.credentials import seal
from generation.money.chat import PaidChatCall


class ScriptAssistant(models.Model):
    """A studio's OpenAI-compatible chat model for drafting scenes (key sealed like providers')."""

    studio = models.OneToOneField(
        "projects.Studio", on_delete=models.CASCADE, related_name="script_assistant"
    )
    api_key_sealed = models.TextField()
    key_hint = models.CharField(max_length=4)
    base_url = models.URLField(blank=True)
    model = models.CharField(max_length=100)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Script assistant of studio {self.studio_id}"

    def set_api_key(self, key: str) -> None:
        self.api_key_sealed = seal(key)
        self.key_hint = key[-4:]

    @property
    def masked_key(self) -> str:
        return f"••••{self.key_hint}"


class DraftCall(PaidChatCall):
    """One "Draft scenes with AI" call (or one refused before it was made), charged to the
    episode's project: its cost counts against the project's budget (generation/money/)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="draft_calls"
    )
    # Kept when the episode or the writer goes: the project paid all the same.
    episode = models.ForeignKey(
        "projects.Episode", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Script draft in project {self.project_id}: {self.outcome}, {self.cost}"
