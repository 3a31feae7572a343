"""Voicing dialogue: each line with its speaker's voice, cached, laid out in the scene.

A line is cached by what decides its sound (provider, model, voice, speed, style notes and
the text): a line that did not change is never synthesised, nor paid for, twice. Calls
follow the engine's rules: a slot of the credential's concurrency (a Redis-held limit),
backoff honouring Retry-After on 429 and 5xx, refusals that are final stay final, and a
per-line Redis lock so two workers never pay for the same line at once.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

import av
import redis
from django.conf import settings
from django.core.files.base import ContentFile

from characters.models import Character
from generation.credentials import ProviderCredential
from generation.money.speech import SpeechRefused, check_speech_budget, speech_cost
from generation.providers.base import ProviderError
from generation.sound.models import CharacterVoice, DialogueClip, ProjectSound, SceneSound
from generation.sound.providers import Line, SpeechProvider, speech_provider_class
from generation.takes import slots
from generation.takes.door import cast_refusal
from projects.live import publish_scene_changed
from projects.models import Project, Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LEAD_SECONDS = 0.25  # silence before a scene's first line (the subtitles' margin)
GAP_SECONDS = 0.3  # between two lines
MAX_ATTEMPTS = 5
LOCK_SECONDS = 120


class VoicingFailed(Exception):
    """A line could not be voiced; the message says why, for the user."""


@dataclass(frozen=True)
class VoicedLine:
    speaker: str
    text: str
    clip: DialogueClip
    start: float  # seconds from the scene's start
    end: float


def project_sound(project: Project) -> ProjectSound:
    """The project's sound settings (made with the defaults on first use)."""
    return ProjectSound.objects.get_or_create(project=project)[0]


def speaker_of(scene: Scene, cue: str) -> Character | None:
    """The cast member a dialogue cue names (@handle or display name), if any."""
    cue = cue.strip()
    for character in scene.cast.all():
        if cue.lower() in {f"@{character.handle.lower()}", character.name.lower()}:
            return character
    return None


def line_for(scene: Scene, cue: str, text: str, provider: str) -> Line:
    """The line as the speaker's voice for this provider says it (the default voice when
    the speaker has none, or is not a character of the cast)."""
    character = speaker_of(scene, cue)
    voice = (
        CharacterVoice.objects.filter(character=character, provider=provider).first()
        if character is not None
        else None
    )
    if voice is None:
        return Line(text=text, voice=speech_provider_class(provider).default_voice)
    return Line(text=text, voice=voice.voice, speed=float(voice.speed),
                instructions=voice.style_notes)  # fmt: skip


def scene_lines(scene: Scene, provider: str) -> list[tuple[str, Line]]:
    """The scene's spoken lines in order, each with its speaker's cue (none without a
    speech provider)."""
    lines: list[tuple[str, Line]] = []
    if not provider:
        return lines
    for entry in scene.dialogue:
        text = str(entry.get("line", "")).strip()
        if text:
            cue = str(entry.get("speaker", ""))
            lines.append((cue, line_for(scene, cue, text, provider)))
    return lines


def _credential(studio_id: int, provider: type[SpeechProvider]) -> ProviderCredential | None:
    if not provider.costs_money:
        return None
    credential = ProviderCredential.objects.filter(
        studio_id=studio_id, provider=provider.name
    ).first()
    if credential is None:
        raise VoicingFailed(
            f"This studio has no credential for {provider.label}: an owner adds one under "
            "Providers."
        )
    return credential


def _model(provider: type[SpeechProvider], credential: ProviderCredential | None) -> str:
    return (credential.default_model if credential else "") or getattr(
        provider, "default_model", ""
    )


def cache_key(provider: str, model: str, line: Line) -> str:
    data = [provider, model, line.voice, round(line.speed, 2), line.instructions, line.text]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def wav_seconds(data: bytes) -> float:
    """The length of a WAV the provider sent, read by decoding it (not by trusting it)."""
    try:
        with av.open(io.BytesIO(data), "r") as source:
            stream = source.streams.audio[0]
            samples = sum(int(frame.samples) for frame in source.decode(stream))
            return samples / (stream.rate or 1)
    except (av.FFmpegError, IndexError) as exc:
        raise VoicingFailed("The speech provider sent something that is not audio.") from exc


def cached_line(*, studio_id: int, provider: str, line: Line) -> DialogueClip | None:
    """The cached clip of this line with this provider, if it was voiced (nothing is paid)."""
    provider_class = speech_provider_class(provider)
    try:
        credential = _credential(studio_id, provider_class)
    except VoicingFailed:
        credential = None
    key = cache_key(provider_class.name, _model(provider_class, credential), line)
    return DialogueClip.objects.filter(key=key).first()


def cached_clip(project: Project, line: Line) -> DialogueClip | None:
    """The cached clip of this line with the project's speech provider, if it was voiced."""
    provider = project_sound(project).speech_provider
    return cached_line(studio_id=project.studio_id, provider=provider, line=line)


@cache
def _locks() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=10)


def voice_line(*, studio_id: int, provider: str, line: Line,
               project: Project | None) -> tuple[DialogueClip, bool]:  # fmt: skip
    """The line's clip, synthesised only when not cached; (clip, True when paid for now).
    A line voiced for a project is checked against, and counted in, its budget; one voiced
    for no project (a voice sample), in the character design budget of `studio_id`."""
    provider_class = speech_provider_class(provider)
    credential = _credential(studio_id, provider_class)
    key = cache_key(provider_class.name, _model(provider_class, credential), line)
    if clip := DialogueClip.objects.filter(key=key).first():
        return clip, False
    with _locks().lock(f"sound:line:{key}", timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS):
        if clip := DialogueClip.objects.filter(key=key).first():
            return clip, False  # another worker voiced it while we waited
        try:
            check_speech_budget(project=project, studio_id=studio_id, provider=provider_class,
                                chars=len(line.text))  # fmt: skip
        except SpeechRefused as exc:
            raise VoicingFailed(str(exc)) from None
        speech = _synthesise(
            provider_class(credential.config() if credential else None), line, credential
        )
        seconds = wav_seconds(speech.wav)
        estimate = speech_cost(provider_class, len(line.text))
        payer = studio_id if project is None and credential is not None else None
        clip = DialogueClip(key=key, provider=provider_class.name, voice=line.voice,
                            text=line.text, seconds=seconds, project=project, studio_id=payer,
                            cost=speech.cost if speech.cost is not None else estimate,
                            cost_estimated=speech.cost is None)  # fmt: skip
        clip.audio.save(f"{key}.wav", ContentFile(speech.wav), save=True)
    return clip, True


def _synthesise(provider: SpeechProvider, line: Line, credential: ProviderCredential | None):  # type: ignore[no-untyped-def]
    """One call, inside a concurrency slot of the credential, with backoff on busy answers."""
    member = int(cache_key(provider.name, "", line)[:12], 16)  # a slot member for this call
    for attempt in range(MAX_ATTEMPTS):
        if credential is not None:
            _wait_for_slot(credential, member)
        try:
            return provider.synthesise(line)
        except ProviderError as exc:
            if exc.permanent or exc.blocked or attempt == MAX_ATTEMPTS - 1:
                raise VoicingFailed(f"{provider.label}: {exc}") from None
            if credential is not None:
                slots.count_retry(credential.pk, exc.kind)
                if exc.kind == "rate_limit":
                    slots.slow_down(credential.pk, limit=credential.concurrency_limit)
            time.sleep(_backoff(attempt, exc.retry_after))
        finally:
            if credential is not None:
                slots.release(credential.pk, member, wake=False)
    raise VoicingFailed(f"{provider.label} stayed busy.")  # pragma: no cover — loop returns


def _backoff(attempt: int, retry_after: float | None) -> float:
    wait = retry_after if retry_after is not None else 2.0**attempt
    return float(min(wait, settings.COMICSTUDIO_MAX_BACKOFF_SECONDS))


def _wait_for_slot(credential: ProviderCredential, member: int) -> None:
    deadline = time.monotonic() + LOCK_SECONDS
    while not slots.acquire(credential.pk, member, limit=credential.concurrency_limit,
                            holders=list):  # fmt: skip
        if time.monotonic() > deadline:
            raise VoicingFailed("Every speech slot of the studio's credential stayed busy.")
        time.sleep(0.2)


def lay_out(clips: list[tuple[str, str, DialogueClip]]) -> list[VoicedLine]:
    """The lines one after the other from the scene's start, with a gap between them."""
    voiced, clock = [], LEAD_SECONDS
    for speaker, text, clip in clips:
        voiced.append(VoicedLine(speaker, text, clip, clock, clock + clip.seconds))
        clock += clip.seconds + GAP_SECONDS
    return voiced


def needed_seconds(voiced: list[VoicedLine]) -> float:
    """How long the scene must be for its lines: the last line's end and a closing margin."""
    return round(voiced[-1].end + LEAD_SECONDS, 2) if voiced else 0.0


def voice_scene(*, scene: Scene, requested_by: User | None = None) -> tuple[list[VoicedLine], int]:
    """Voice every line of the scene; records what the lines need. (lines, lines paid now).

    `requested_by` must still be allowed to use every cast member, as for a take (the
    door's rule, not a copy of it): a voice is a character's, and it costs money.
    """
    project = scene.episode.project
    refusal = cast_refusal(scene, requested_by) if requested_by is not None else ""
    if refusal:
        SceneSound.objects.update_or_create(scene=scene, defaults={"voicing_error": refusal})
        raise VoicingFailed(refusal)
    provider = project_sound(project).speech_provider
    clips, paid = [], 0
    sound = SceneSound.objects.get_or_create(scene=scene)[0]
    try:
        for cue, line in scene_lines(scene, provider):
            clip, new = voice_line(studio_id=project.studio_id, provider=provider, line=line,
                                   project=project)  # fmt: skip
            clips.append((cue, line.text, clip))
            paid += new
    except VoicingFailed as exc:
        SceneSound.objects.filter(pk=sound.pk).update(voicing_error=str(exc)[:300])
        raise
    voiced = lay_out(clips)
    needed = needed_seconds(voiced) if voiced else None
    SceneSound.objects.filter(pk=sound.pk).update(dialogue_seconds=needed, voicing_error="")
    if needed != sound.dialogue_seconds:  # the card's "lines don't fit" flag may change
        publish_scene_changed(project_id=project.pk, episode_id=scene.episode_id,
                              scene_id=scene.pk)  # fmt: skip
    return voiced, paid


def voiced_lines(scene: Scene) -> list[VoicedLine]:
    """The scene's lines from the cache only (nothing is paid): empty unless all are voiced."""
    project = scene.episode.project
    clips = []
    for cue, line in scene_lines(scene, project_sound(project).speech_provider):
        clip = cached_clip(project, line)
        if clip is None:
            return []
        clips.append((cue, line.text, clip))
    return lay_out(clips)


def voicing_estimate(scene: Scene) -> tuple[int, Decimal]:
    """(lines not voiced yet, what voicing them would cost) with the project's provider."""
    project = scene.episode.project
    provider = project_sound(project).speech_provider
    new = [line for _, line in scene_lines(scene, provider) if cached_clip(project, line) is None]
    if not new:
        return 0, Decimal("0")
    cost = speech_cost(speech_provider_class(provider), sum(len(line.text) for line in new))
    return len(new), cost
