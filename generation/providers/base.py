"""The provider contract every video generator implements (see DESIGN.md, "Providers")."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import httpx2


@dataclass(frozen=True)
class PromptShape:
    """What a provider takes besides the text (read by prompt compilation and its checks)."""

    takes_characters: bool = False  # registered character ids, named verbatim in the text
    max_references: int = 0  # reference images, each bound to a name in the text
    makes_audio: bool = False  # dialogue is spoken, so it goes in the prompt
    negative_field: bool = False  # negative notes in their own field, not in the text
    rejects_faces: bool = False  # refuses a character whose references show a human face
    max_prompt_chars: int = 0  # 0: no limit we know of
    draws_portraits: bool = False  # one named reference image per cast member, drawn in frame


@dataclass(frozen=True)
class Capabilities:
    durations: tuple[int, ...]
    sizes: tuple[tuple[int, int], ...]
    # Characters in one shot, counting speakers who are characters of the library.
    max_characters: int
    # True where a second submission costs nothing, so a crash before the job id was
    # stored may simply be submitted again instead of reconciled by a person.
    free_to_resubmit: bool = False
    # False where the provider reports no percentage (Veo): progress is then shown as
    # elapsed time against `typical_seconds`.
    reports_progress: bool = True
    typical_seconds: int = 60


@dataclass(frozen=True)
class VideoRequest:
    prompt: str
    duration_seconds: int
    width: int
    height: int
    heading: str = ""
    action: str = ""
    dialogue: tuple[tuple[str, str], ...] = ()
    cast: tuple[str, ...] = ()
    # Provider-side character ids (OpenAI-compatible `characters`); named verbatim in the prompt.
    character_ids: tuple[str, ...] = ()
    # Storage names of the cast's reference images (Veo asset references, at most 3); a
    # provider reads them through `characters.stored_files.recorded_file`.
    reference_images: tuple[str, ...] = ()
    negative_prompt: str = ""
    audio: bool = True
    # (name, image's storage name) of one reference per cast member, for providers that draw
    # them (read like `reference_images`).
    portraits: tuple[tuple[str, str], ...] = ()
    camera: str = ""  # the scene's camera note (the animatic turns it into a camera move)


@dataclass(frozen=True)
class ProviderConfig:
    """What a studio's credential gives a provider; the key never leaves this object."""

    api_key: str = field(repr=False)
    base_url: str = ""
    model: str = ""


@dataclass(frozen=True)
class JobStatus:
    state: str  # "queued" | "running" | "succeeded" | "failed" | "blocked"
    progress: int = 0
    error: str = ""
    poll_after: float | None = None  # the provider's hint, in seconds
    cost: Decimal | None = None  # what the provider says it charged, where it says


@dataclass
class ProviderError(Exception):
    """A provider call failed; `permanent` failures are not retried."""

    message: str
    permanent: bool = False
    blocked: bool = False  # refused by moderation or policy: final, shown to the user
    retry_after: float | None = field(default=None)
    # The request may have reached the provider (timeout, connection dropped after
    # sending): never resend blindly, reconcile first.
    ambiguous: bool = False
    # "rate_limit" | "server" | "connection" for transient errors counted per credential
    kind: str = ""

    def __str__(self) -> str:
        return self.message


def _never_connected(exc: BaseException) -> bool:
    """True when the cause chain shows the connection was never established."""
    seen: BaseException | None = exc
    for _ in range(10):  # a cause chain is short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, httpx2.ConnectError | httpx2.ConnectTimeout | ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def transport_error(exc: BaseException, *, creating: bool) -> ProviderError:
    """A request that got no HTTP answer.

    A connection that was never established (refused, no route, connect timeout) sent
    nothing: a plain transient error. Anything later (a read timeout, a dropped
    connection) may have reached the provider, so a create is ambiguous: reconcile it.
    """
    if _never_connected(exc):
        return ProviderError(
            "The provider could not be reached (connection refused or timed out).",
            kind="connection",
        )
    return ProviderError("The provider did not answer in time.", ambiguous=creating, kind="server")


def status_error(
    status: int, message: str, *, code: str = "", retry_after: float | None = None
) -> ProviderError:
    """Our ProviderError for an HTTP error answer: the one status → error mapping."""
    if status in (401, 403):
        return ProviderError(
            f"The provider refused this studio's credential ({status}): "
            "an owner should check it under Providers.",
            permanent=True,
        )
    if status == 429 and code == "insufficient_quota":  # waiting does not refill a quota
        return ProviderError(f"The provider's quota is used up (429): {message}", permanent=True)
    if status == 429:
        return ProviderError(
            f"The provider is busy (429): {message}", retry_after=retry_after, kind="rate_limit"
        )
    if status >= 500:
        return ProviderError(
            f"The provider had an error ({status}): {message}",
            retry_after=retry_after,
            kind="server",
        )
    return ProviderError(f"The provider refused the request: {message}", permanent=True)


class Provider:
    """One video provider, described once: everything the rest of the code reads about it.

    A subclass declares its `name`, `label`, whether it `costs_money` (then it needs a
    studio credential and has rows in the price table), its `capabilities` (durations,
    sizes, characters per shot), its `prompt_shape` (references, faces, audio, prompt
    length), whether it `can_remix`, `registers_characters` and `sends_webhooks`.
    """

    name: str = ""
    label: str = ""
    capabilities: Capabilities
    prompt_shape: ClassVar[PromptShape] = PromptShape()
    costs_money: ClassVar[bool] = True
    registers_characters: ClassVar[bool] = False
    sends_webhooks: ClassVar[bool] = False
    # The model used when the studio's credential names none; prices are in the price table
    # (generation/money/pricing.py), the one source of every price.
    default_model: ClassVar[str] = ""
    can_remix: ClassVar[bool] = False
    # Starts a video from an input image (a character's front view: its reference clip).
    takes_input_image: ClassVar[bool] = False
    # How long the provider keeps a job's result after it finished: until then a job we
    # cannot reach or download from may still be saved, and is never given up.
    retention_seconds: ClassVar[int] = 3600

    def __init__(self, config: ProviderConfig | None = None) -> None:
        if self.costs_money and config is None:
            raise ProviderError(
                f"{self.label} has no credential in this studio: an owner adds one under "
                "Providers.",
                permanent=True,
            )
        self.config = config

    def submit(self, request: VideoRequest) -> str:
        """Start a generation job; returns the provider's job id."""
        raise NotImplementedError

    def poll(self, job_id: str) -> JobStatus:
        """Where the job is now."""
        raise NotImplementedError

    def download(self, job_id: str, *, video_path: Path, thumbnail_path: Path) -> None:
        """Write the finished video and a thumbnail to the given paths."""
        raise NotImplementedError

    def register_character(self, *, name: str, clip: Path) -> str:
        """Register a character's reference clip; returns the provider's character id."""
        raise ProviderError(f"{self.label} does not register characters.", permanent=True)

    def submit_from_image(self, request: VideoRequest, image: bytes) -> str:
        """Start a job whose first frame is `image` (PNG at the request's size); its job id."""
        raise ProviderError(f"{self.label} cannot start a video from an image.", permanent=True)

    def remix(self, job_id: str, prompt: str) -> str:
        """Start a provider-side remix of a finished job; ProviderError where there is none."""
        raise ProviderError(f"{self.label} cannot remix a video.", permanent=True)

    def find_job(self, request: VideoRequest, *, since: float, exclude: set[str]) -> str | None:
        """Reconcile an ambiguous submit: the id of a job made for `request` after `since`.

        Raises ProviderError where the provider cannot list its jobs.
        """
        raise ProviderError(f"{self.label} cannot list its jobs.", permanent=True)

    def release(self, job_id: str) -> None:
        """Free what the provider keeps for a job once its result is in our storage."""
