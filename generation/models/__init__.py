"""The generation app's models, one module per sub-domain; imported here so Django finds them."""

from generation.api.models import ApiBatch, ApiToken, IdempotentAnswer, Webhook
from generation.credentials import ProjectGenerationSettings, ProviderCharacter, ProviderCredential
from generation.drafting import ScriptAssistant
from generation.export.models import DialogueTranslation, Export
from generation.models.takes import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    IN_FLIGHT_STATUSES,
    POLL_TASK,
    REVIEW_STATUS_AFTER,
    SUBMIT_TASK,
    UNAVAILABLE_STATUSES,
    WATCHED_STATUSES,
    GenerationStatus,
    ReasonCode,
    ReviewAction,
    ReviewDecision,
    ReviewStatus,
    Take,
    slot_holders,
    take_upload_path,
)
from generation.money.pricing import ListPrice
from generation.review.models import Notification, NotificationMute, ReviewComment

__all__ = [
    "ApiBatch",
    "ApiToken",
    "IdempotentAnswer",
    "Webhook",
    "ACTIVE_STATUSES",
    "CANCELLABLE_STATUSES",
    "IN_FLIGHT_STATUSES",
    "POLL_TASK",
    "REVIEW_STATUS_AFTER",
    "SUBMIT_TASK",
    "UNAVAILABLE_STATUSES",
    "WATCHED_STATUSES",
    "DialogueTranslation",
    "Export",
    "GenerationStatus",
    "ListPrice",
    "Notification",
    "NotificationMute",
    "ProjectGenerationSettings",
    "ProviderCharacter",
    "ProviderCredential",
    "ReasonCode",
    "ReviewAction",
    "ReviewComment",
    "ReviewDecision",
    "ReviewStatus",
    "ScriptAssistant",
    "Take",
    "slot_holders",
    "take_upload_path",
]
