"""The generation app's models, one module per sub-domain; imported here so Django finds them."""

from generation.api.models import ApiBatch, ApiToken, IdempotentAnswer, Webhook
from generation.continuity.models import (
    ContinuityCheck,
    ContinuityRetake,
    ContinuitySettings,
    JudgeCall,
)
from generation.credentials import ProjectGenerationSettings, ProviderCharacter, ProviderCredential
from generation.design.models import DesignCandidate, DesignSettings, ReferenceClip
from generation.drafting_models import DraftCall, ScriptAssistant
from generation.export.models import DialogueTranslation, Export
from generation.models.take_states import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    CONTINUITY_TASK,
    IN_FLIGHT_STATUSES,
    POLL_TASK,
    SUBMIT_TASK,
    UNAVAILABLE_STATUSES,
    WATCHED_STATUSES,
    GenerationStatus,
)
from generation.models.takes import (
    REVIEW_STATUS_AFTER,
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
from generation.sound.models import (
    CharacterVoice,
    DialogueClip,
    EpisodeMusic,
    ProjectSound,
    SceneSound,
)

__all__ = [
    "ApiBatch",
    "ApiToken",
    "IdempotentAnswer",
    "Webhook",
    "ACTIVE_STATUSES",
    "CANCELLABLE_STATUSES",
    "CONTINUITY_TASK",
    "CharacterVoice",
    "DialogueClip",
    "EpisodeMusic",
    "ProjectSound",
    "SceneSound",
    "IN_FLIGHT_STATUSES",
    "POLL_TASK",
    "REVIEW_STATUS_AFTER",
    "SUBMIT_TASK",
    "UNAVAILABLE_STATUSES",
    "WATCHED_STATUSES",
    "ContinuityCheck",
    "ContinuityRetake",
    "ContinuitySettings",
    "JudgeCall",
    "DesignCandidate",
    "DraftCall",
    "DesignSettings",
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
    "ReferenceClip",
    "ReviewAction",
    "ReviewComment",
    "ReviewDecision",
    "ReviewStatus",
    "ScriptAssistant",
    "Take",
    "slot_holders",
    "take_upload_path",
]
