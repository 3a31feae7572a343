"""The generation app's models, one module per sub-domain; imported here so Django finds them."""

from generation.credentials import ProjectGenerationSettings, ProviderCharacter, ProviderCredential
from generation.drafting import ScriptAssistant
from generation.export.models import DialogueTranslation, Export
from generation.models.takes import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    IN_FLIGHT_STATUSES,
    REVIEW_STATUS_AFTER,
    UNAVAILABLE_STATUSES,
    GenerationStatus,
    ReasonCode,
    ReviewAction,
    ReviewDecision,
    ReviewStatus,
    Take,
    take_upload_path,
)
from generation.money.pricing import ListPrice

__all__ = [
    "ACTIVE_STATUSES",
    "CANCELLABLE_STATUSES",
    "IN_FLIGHT_STATUSES",
    "REVIEW_STATUS_AFTER",
    "UNAVAILABLE_STATUSES",
    "DialogueTranslation",
    "Export",
    "GenerationStatus",
    "ListPrice",
    "ProjectGenerationSettings",
    "ProviderCharacter",
    "ProviderCredential",
    "ReasonCode",
    "ReviewAction",
    "ReviewDecision",
    "ReviewStatus",
    "ScriptAssistant",
    "Take",
    "take_upload_path",
]
