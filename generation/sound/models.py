"""Sound's records: a character's voices, the line cache, per-scene sound, music and loudness."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from generation.sound.providers import SPEECH_PROVIDERS

SPEECH_CHOICES = [(p.name, p.label) for p in SPEECH_PROVIDERS.values()]


class CharacterVoice(models.Model):
    """How a character speaks with one speech provider; follows the character everywhere."""

    character = models.ForeignKey(
        "characters.Character", on_delete=models.CASCADE, related_name="voices"
    )
    provider = models.CharField(max_length=40, choices=SPEECH_CHOICES)
    voice = models.CharField(max_length=60)
    speed = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"))
    style_notes = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(fields=["character", "provider"], name="one_voice_per_provider")
        ]

    def __str__(self) -> str:
        return f"{self.voice} ({self.provider}) for character {self.character_id}"


def line_upload_path(clip: DialogueClip, filename: str) -> str:
    return f"sound/lines/{clip.key[:2]}/{clip.key}.wav"


class DialogueClip(models.Model):
    """One synthesised line, cached by its text, provider, voice and settings (the key):
    a line that did not change is never paid for twice. The project that paid is recorded
    with the cost, which counts against its budget (generation/money/budget.py); a voice
    sample's studio, against its character design budget (generation/money/design.py)."""

    key = models.CharField(max_length=64, unique=True)
    provider = models.CharField(max_length=40, choices=SPEECH_CHOICES)
    voice = models.CharField(max_length=60)
    text = models.TextField()
    audio = models.FileField(upload_to=line_upload_path)
    seconds = models.FloatField()
    cost = models.DecimalField(max_digits=12, decimal_places=6, default=Decimal("0"))
    cost_estimated = models.BooleanField(default=True)
    project = models.ForeignKey(
        "projects.Project", null=True, on_delete=models.SET_NULL, related_name="dialogue_clips"
    )
    # A voice sample is no project's: the studio whose credential spoke it pays, from its
    # character design budget (generation/money/design.py). Empty for a project's line.
    studio = models.ForeignKey(
        "projects.Studio", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.provider}/{self.voice}: {self.text[:40]}"


class TakeAudio(models.TextChoices):
    KEEP = "keep", "Keep the take's own sound"
    DUCK = "duck", "Duck it under the dialogue and music"
    MUTE = "mute", "Mute it"


def track_upload_path(sound: SceneSound, filename: str) -> str:
    return f"sound/scenes/{sound.scene_id}/{filename}"


def ambience_upload_path(sound: SceneSound, filename: str) -> str:
    return f"sound/ambience/{sound.scene_id}/{filename}"


class SceneSound(models.Model):
    """A scene's sound choices, and what its dialogue needs (set when its lines are voiced)."""

    scene = models.OneToOneField("projects.Scene", on_delete=models.CASCADE, related_name="sound")
    take_audio = models.CharField(max_length=8, choices=TakeAudio.choices, default=TakeAudio.KEEP)
    ambience = models.FileField(upload_to=ambience_upload_path, blank=True)
    ambience_name = models.CharField(max_length=200, blank=True)
    # Seconds the voiced lines need (with their gaps); None until voiced.
    dialogue_seconds = models.FloatField(null=True, blank=True)
    voicing_error = models.CharField(max_length=300, blank=True)
    # The voiced lines laid out as one WAV (the review room plays it), and what it was made of.
    dialogue_track = models.FileField(upload_to=track_upload_path, blank=True)
    dialogue_track_key = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Sound of scene {self.scene_id}"

    @property
    def overflow_seconds(self) -> float:
        """What the storyboard card shows: seconds the lines need beyond this scene's shot."""
        return self.overflow(self.scene.duration_seconds)

    def overflow(self, shot_seconds: int) -> float:
        """Seconds the voiced lines need beyond the shot (0 when they fit)."""
        if self.dialogue_seconds is None:
            return 0.0
        return max(0.0, round(self.dialogue_seconds - shot_seconds, 1))


class LoudnessTarget(models.IntegerChoices):
    STREAMING = -14, "−14 LUFS (streaming platforms)"
    PODCAST = -16, "−16 LUFS (podcasts, some platforms)"
    BROADCAST = -23, "−23 LUFS (EBU R 128 broadcast)"


def music_upload_path(instance: models.Model, filename: str) -> str:
    return f"sound/music/{instance._meta.model_name}-{instance.pk or 'new'}/{filename}"


class ProjectSound(models.Model):
    """A project's sound: its speech provider, loudness target and default music bed."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="sound"
    )
    # Empty: the dialogue is not voiced (exports carry the takes' sound and the music only).
    speech_provider = models.CharField(max_length=40, choices=SPEECH_CHOICES, blank=True)
    loudness_target = models.IntegerField(
        choices=LoudnessTarget.choices, default=LoudnessTarget.STREAMING
    )
    music = models.FileField(upload_to=music_upload_path, blank=True)
    music_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"Sound of project {self.project_id}"


class EpisodeMusic(models.Model):
    """An episode's own music bed, in place of the project's default."""

    episode = models.OneToOneField(
        "projects.Episode", on_delete=models.CASCADE, related_name="music"
    )
    music = models.FileField(upload_to=music_upload_path)
    music_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Music of episode {self.episode_id}"


def sound_overflow(scene: models.Model) -> float:
    """Seconds the scene's voiced lines need beyond its shot (0: fits, or not voiced)."""
    try:
        sound: SceneSound = scene.sound  # type: ignore[attr-defined]
    except SceneSound.DoesNotExist:
        return 0.0
    return sound.overflow_seconds
