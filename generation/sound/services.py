"""Sound actions: a character's voice and its sample, a project's sound settings and music,
an episode's music, a scene's sound choices and ambience, and voicing a scene."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from characters.models import Character
from generation.credentials import ProviderCredential
from generation.sound.models import (
    CharacterVoice,
    DialogueClip,
    EpisodeMusic,
    ProjectSound,
    SceneSound,
)
from generation.sound.providers import SPEECH_PROVIDERS, Line, SpeechProvider
from generation.sound.speech import VoicingFailed, cached_line, project_sound, voice_line
from generation.sound.tasks import voice_scene_task
from generation.sound.uploads import AMBIENCE, MUSIC, check_audio
from projects.models import Episode, Membership, Project, Scene

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SAMPLE_LINE = "Hello. This is how I sound when I speak in this story."


def usable_speech_providers() -> list[type[SpeechProvider]]:
    """The speech providers this machine can use (espeak-ng only when it is installed)."""
    return [p for p in SPEECH_PROVIDERS.values() if p.is_available()]


def save_voice(*, character: Character, provider: str, voice: str, speed: Decimal,
               style_notes: str) -> CharacterVoice:  # fmt: skip
    """Set the character's voice for one speech provider."""
    return CharacterVoice.objects.update_or_create(
        character=character, provider=provider,
        defaults={"voice": voice, "speed": speed, "style_notes": style_notes},
    )[0]  # fmt: skip


def sample_studio(*, provider: type[SpeechProvider], user: Any, current: object = None,
                  paying: bool = True) -> Membership:  # fmt: skip
    """The studio that speaks (and pays for) a sample with a paid provider: as for Design
    with AI, the user's current studio, else their first by name; one with a credential for
    the provider and, to pay, a role that may generate."""
    memberships = Membership.objects.filter(user=user).select_related("studio")
    with_key = set(
        ProviderCredential.objects.filter(
            provider=provider.name, studio__in=memberships.values("studio")
        ).values_list("studio_id", flat=True)
    )
    found = [m for m in memberships.order_by("studio__name") if m.studio_id in with_key]
    usable = [m for m in found if m.can_generate or not paying]
    chosen = next((m for m in usable if str(m.studio_id) == str(current)), None)
    if chosen or usable:
        return chosen or usable[0]
    if found:
        raise VoicingFailed(
            f"Your role in {found[0].studio.name} cannot generate, so it cannot pay for a "
            "voice sample."
        )
    raise VoicingFailed(
        f"None of your studios has a credential for {provider.label}: an owner adds one under "
        "Providers."
    )


def _sample(voice: CharacterVoice, user: Any, current: object,
            paying: bool = True) -> tuple[int, Line]:  # fmt: skip
    """The studio whose credential speaks the sample (0 for a free provider), and the line."""
    provider = SPEECH_PROVIDERS[voice.provider]
    studio_id = 0
    if provider.costs_money:
        studio_id = sample_studio(provider=provider, user=user, current=current,
                                  paying=paying).studio_id  # fmt: skip
    line = Line(text=SAMPLE_LINE, voice=voice.voice, speed=float(voice.speed),
                instructions=voice.style_notes)  # fmt: skip
    return studio_id, line


def sample_voice(
    *, voice: CharacterVoice, user: Any, current: object = None
) -> tuple[DialogueClip, bool]:
    """A sample line in this voice (cached). A paid provider speaks it with a credential of
    the user's studio (`sample_studio`) and charges it to that studio's character design
    budget, refused with the numbers when it does not fit; a free one costs nothing.
    (clip, True when it was paid for now.)"""
    studio_id, line = _sample(voice, user, current)
    return voice_line(studio_id=studio_id, provider=voice.provider, line=line, project=None)


def cached_sample(voice: CharacterVoice, user: Any, current: object = None) -> DialogueClip | None:
    """The sample of the voice as it is set now, if one was made."""
    try:
        studio_id, line = _sample(voice, user, current, paying=False)
    except VoicingFailed:
        return None
    return cached_line(studio_id=studio_id, provider=voice.provider, line=line)


def save_project_sound(*, project: Project, speech_provider: str,
                       loudness_target: int) -> ProjectSound:  # fmt: skip
    """The project's speech provider (empty: no voices) and loudness target."""
    sound = project_sound(project)
    sound.speech_provider, sound.loudness_target = speech_provider, loudness_target
    sound.save(update_fields=["speech_provider", "loudness_target"])
    return sound


def _checked(upload: UploadedFile, limits: Any) -> str:
    checked = check_audio(upload, size=upload.size or 0, limits=limits)
    stem = (upload.name or "sound").rsplit(".", 1)[0][:80] or "sound"
    return f"{stem}{checked.suffix}"


def set_project_music(*, project: Project, upload: UploadedFile) -> ProjectSound:
    """The project's default music bed; checked whole before anything is stored."""
    name = _checked(upload, MUSIC)
    with transaction.atomic():
        sound = ProjectSound.objects.select_for_update().get(pk=project_sound(project).pk)
        old = sound.music.name
        sound.music.save(name, upload, save=False)
        sound.music_name = upload.name or name
        sound.save(update_fields=["music", "music_name"])
    _forget(old, sound.music.name, sound.music.storage)
    return sound


def remove_project_music(*, project: Project) -> None:
    sound = project_sound(project)
    old = sound.music.name
    ProjectSound.objects.filter(pk=sound.pk).update(music="", music_name="")
    _forget(old, "", sound.music.storage)


def set_episode_music(*, episode: Episode, upload: UploadedFile, user: Any) -> EpisodeMusic:
    """The episode's own music bed, in place of the project's; checked whole first."""
    name = _checked(upload, MUSIC)
    music = EpisodeMusic.objects.filter(episode=episode).first() or EpisodeMusic(episode=episode)
    old = music.music.name if music.pk else ""
    music.music.save(name, upload, save=False)
    music.music_name, music.uploaded_by = upload.name or name, user
    music.save()
    _forget(old, music.music.name, music.music.storage)
    return music


def remove_episode_music(*, episode: Episode) -> None:
    music = EpisodeMusic.objects.filter(episode=episode).first()
    if music is not None:
        name, storage = music.music.name, music.music.storage
        music.delete()
        _forget(name, "", storage)


def scene_sound(scene: Scene) -> SceneSound:
    return SceneSound.objects.get_or_create(scene=scene)[0]


def save_scene_sound(*, scene: Scene, take_audio: str) -> SceneSound:
    sound = scene_sound(scene)
    sound.take_audio = take_audio
    sound.save(update_fields=["take_audio", "updated_at"])
    return sound


def set_ambience(*, scene: Scene, upload: UploadedFile) -> SceneSound:
    """The scene's ambience or effect; checked whole before anything is stored."""
    name = _checked(upload, AMBIENCE)
    sound = scene_sound(scene)
    old = sound.ambience.name
    sound.ambience.save(name, upload, save=False)
    sound.ambience_name = upload.name or name
    sound.save(update_fields=["ambience", "ambience_name", "updated_at"])
    _forget(old, sound.ambience.name, sound.ambience.storage)
    return sound


def remove_ambience(*, scene: Scene) -> None:
    sound = scene_sound(scene)
    old = sound.ambience.name
    SceneSound.objects.filter(pk=sound.pk).update(ambience="", ambience_name="")
    _forget(old, "", sound.ambience.storage)


def _forget(old: str | None, new: str | None, storage: Any) -> None:
    """Delete a replaced file once the row no longer names it."""
    if old and old != new:
        transaction.on_commit(lambda: storage.delete(old))


def request_voicing(*, scene: Scene, requested_by: User) -> None:
    """Voice the scene's lines in a worker (after commit), as `requested_by`."""
    transaction.on_commit(lambda: voice_scene_task.delay(scene.pk, requested_by.pk))


def request_episode_voicing(*, episode: Episode, requested_by: User) -> int:
    """Voice every scene with dialogue in the episode, one task per scene; how many."""
    scenes = [s for s in episode.scenes.filter(omitted=False, archived_at=None) if s.dialogue]
    for scene in scenes:
        request_voicing(scene=scene, requested_by=requested_by)
    return len(scenes)
