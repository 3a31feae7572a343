"""Admin of takes, review decisions, provider credentials, prices and settings.

Credentials and the script assistant never show their sealed secrets: those fields are
excluded, only the last four characters (`key_hint`) are listed, and keys are changed
only on the studio's Providers page, which seals them.
"""

from __future__ import annotations

from django.contrib import admin

from generation.models import (
    ListPrice,
    ProjectGenerationSettings,
    ProviderCharacter,
    ProviderCredential,
    ReviewDecision,
    ScriptAssistant,
    Take,
)

SECRET_FIELDS = ["api_key_sealed", "webhook_secret_sealed"]


@admin.register(Take)
class TakeAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "provider",
        "generation_status",
        "review_status",
        "progress",
        "cost",
        "created_at",
    ]
    list_filter = ["generation_status", "review_status", "provider"]
    search_fields = ["provider_job_id", "scene__heading", "scene__episode__title"]
    raw_id_fields = ["scene", "replaces", "requested_by", "credential"]
    date_hierarchy = "created_at"


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ["take", "action", "reason_code", "author", "created_at"]
    list_filter = ["action", "reason_code"]
    search_fields = ["note", "author__username"]
    raw_id_fields = ["take", "author"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # the review log is append-only (DESIGN.md, Review)


class SecretFreeAdmin(admin.ModelAdmin):
    """Lists a credential without its secret; keys are entered on the Providers page only."""

    exclude = SECRET_FIELDS

    def has_add_permission(self, request: object) -> bool:
        return False

    def get_readonly_fields(self, request: object, obj: object = None) -> list[str]:
        return ["key_hint"]


@admin.register(ProviderCredential)
class ProviderCredentialAdmin(SecretFreeAdmin):
    list_display = ["studio", "provider", "masked_key", "base_url", "concurrency_limit"]
    list_filter = ["provider"]
    search_fields = ["studio__name", "base_url"]


@admin.register(ScriptAssistant)
class ScriptAssistantAdmin(SecretFreeAdmin):
    list_display = ["studio", "model", "base_url", "key_hint"]
    search_fields = ["studio__name", "model"]


@admin.register(ProviderCharacter)
class ProviderCharacterAdmin(admin.ModelAdmin):
    list_display = ["character", "credential", "status", "provider_character_id", "created_at"]
    list_filter = ["status"]
    search_fields = ["character__handle", "provider_character_id"]


@admin.register(ProjectGenerationSettings)
class ProjectGenerationSettingsAdmin(admin.ModelAdmin):
    list_display = ["project", "fallback_provider", "auto_fallback", "budget"]


@admin.register(ListPrice)
class ListPriceAdmin(admin.ModelAdmin):
    list_display = ["provider", "model", "resolution", "with_audio", "price_per_second", "studio"]
    list_filter = ["provider", "with_audio"]
    search_fields = ["provider", "model"]
