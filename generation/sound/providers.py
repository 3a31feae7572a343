"""Speech providers behind one small interface, like the video providers.

`synthesise(line) -> Speech` (a WAV file's bytes and, where the provider reports it, a
cost). Everything the rest of the code needs to know about a provider (its label, its
voices, its price per million characters, whether it needs a credential, whether it takes
style instructions) is declared on its class. A plain dict from name to class.
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 — espeak-ng is called with an argument list, never a shell
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import openai
from django.conf import settings

from generation.providers.base import ProviderConfig, ProviderError, status_error, transport_error
from generation.providers.endpoints import usable_base_url

MAX_LINE_CHARS = 4096  # the speech API's own limit on `input`


@dataclass(frozen=True)
class Line:
    """One line to speak, with the voice settings it is spoken with."""

    text: str
    voice: str
    speed: float = 1.0
    instructions: str = ""


@dataclass(frozen=True)
class Speech:
    wav: bytes
    cost: Decimal | None = None  # None: not reported, the price table's estimate stands


class SpeechProvider:
    """The interface: a name, a label, its voices, a price, and `synthesise`."""

    do_not_call_in_templates = True  # pages show the class's facts; never instantiate it there
    name = ""
    label = ""
    costs_money = False
    takes_instructions = False
    voices: tuple[str, ...] = ()
    default_voice = ""
    price_per_million_chars = Decimal("0")

    def __init__(self, config: ProviderConfig | None = None) -> None:
        if self.costs_money and config is None:
            raise ProviderError(f"{self.label} needs a studio credential.", permanent=True)
        self.config = config

    @classmethod
    def is_available(cls) -> bool:
        """Whether this machine can use the provider at all (a binary, a library)."""
        return True

    def synthesise(self, line: Line) -> Speech:
        raise NotImplementedError


@lru_cache(maxsize=64)
def _client_for(api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    # SDK retries off: our callers back off and honour Retry-After themselves.
    return openai.OpenAI(api_key=api_key, base_url=base_url or None, max_retries=0, timeout=timeout)


class OpenAISpeechProvider(SpeechProvider):
    """An OpenAI-compatible `/v1/audio/speech` (aggregators serve the same shape)."""

    name = "openai_speech"
    label = "OpenAI-compatible speech API"
    costs_money = True
    takes_instructions = True
    voices = ("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage",
              "shimmer", "verse")  # fmt: skip
    default_voice = "alloy"
    default_model = "gpt-4o-mini-tts"
    # List price of gpt-4o-mini-tts, about $0.015 a minute of speech, as characters.
    price_per_million_chars = Decimal("15.00")

    def _scrub(self, text: str) -> str:
        key = self.config.api_key if self.config else ""
        return text.replace(key, "[key]") if key else text

    def _error(self, exc: openai.OpenAIError) -> ProviderError:
        if isinstance(exc, openai.APIConnectionError):
            return transport_error(exc, creating=False)
        if not isinstance(exc, openai.APIStatusError):
            return ProviderError(self._scrub(str(exc)), permanent=True)
        body = exc.body if isinstance(exc.body, dict) else {}
        message = self._scrub(str(body.get("message") or exc.message))
        retry = exc.response.headers.get("retry-after")
        retry_after = float(retry) if retry and retry.replace(".", "", 1).isdigit() else None
        return status_error(exc.status_code, message, code=str(body.get("code") or ""),
                            retry_after=retry_after)  # fmt: skip

    def synthesise(self, line: Line) -> Speech:
        assert self.config is not None  # noqa: S101 (checked in __init__)
        extra = {"instructions": line.instructions} if line.instructions else {}
        try:
            client = _client_for(self.config.api_key, usable_base_url(self.config.base_url),
                                 settings.COMICSTUDIO_PROVIDER_TIMEOUT)  # fmt: skip
            answer = client.audio.speech.create(
                model=self.config.model or self.default_model,
                voice=line.voice or self.default_voice,
                input=line.text[:MAX_LINE_CHARS],
                speed=line.speed,
                response_format="wav",
                **extra,  # type: ignore[arg-type]
            )
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        return Speech(wav=answer.read())


class EspeakProvider(SpeechProvider):
    """Debian's espeak-ng on this machine: a free scratch voice to time dialogue."""

    name = "espeak"
    label = "Scratch voice (espeak-ng, on this machine)"
    voices = ("en", "en-us", "en-gb", "en+f3", "en+m3", "en-us+f2", "en-us+m7", "fr", "de", "es")
    default_voice = "en"

    @classmethod
    def is_available(cls) -> bool:
        return shutil.which("espeak-ng") is not None

    def synthesise(self, line: Line) -> Speech:
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise ProviderError("espeak-ng is not installed on this machine.", permanent=True)
        words_per_minute = str(round(175 * line.speed))
        voice = line.voice if line.voice in self.voices else self.default_voice
        try:
            done = subprocess.run(  # noqa: S603 — fixed binary, argument list, text via stdin
                [binary, "--stdout", "-v", voice, "-s", words_per_minute, "--stdin"],
                input=line.text[:MAX_LINE_CHARS].encode(), capture_output=True, timeout=60,
                check=True,
            )  # fmt: skip
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ProviderError(f"espeak-ng could not speak the line ({exc}).") from None
        return Speech(wav=done.stdout, cost=Decimal("0"))


SPEECH_PROVIDERS: dict[str, type[SpeechProvider]] = {
    OpenAISpeechProvider.name: OpenAISpeechProvider,
    EspeakProvider.name: EspeakProvider,
}


def speech_provider_class(name: str) -> type[SpeechProvider]:
    """The named speech provider's class; a permanent ProviderError if there is none."""
    try:
        return SPEECH_PROVIDERS[name]
    except KeyError:
        raise ProviderError(f"No speech provider named {name!r}.", permanent=True) from None
