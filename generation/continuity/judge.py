"""The continuity judge: a vision-capable OpenAI-compatible chat model scores each cast member.

It is the studio's script-assistant credential (generation/drafting.py), used when the
studio's design settings turn the judge on (with its own model name if set). The request
carries each character's bible and references and the sampled frames as image content
parts; the answer is JSON under `VERDICT_SCHEMA`, validated here again. A malformed
answer is asked again once; a second one (or an API error) leaves the take "not checked".
Every call is paid by the take's project: checked against its budget before, recorded after.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from dataclasses import dataclass
from typing import Any

import openai
from django.conf import settings
from PIL import Image

from generation.continuity.judge_money import estimate_call, record_call, refuse_call
from generation.continuity.models import JudgeOutcome
from generation.credentials import unseal
from generation.design.models import DesignSettings
from generation.drafting import ScriptAssistant
from generation.models import Take
from generation.providers.endpoints import EndpointRefused, check_base_url

log = logging.getLogger(__name__)
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["characters"],
    "properties": {
        "characters": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["handle", "score", "notes"],
                "properties": {
                    "handle": {"type": "string"},
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "notes": {"type": "string"},
                },
            },
        }
    },
}
INSTRUCTIONS = (
    "You check an animated video's continuity. For each character you get its bible (the "
    "words that describe it) and its reference images, then frames of one take. Score each "
    "character 0-100: 100 when it looks exactly like its references and bible in every "
    "frame it appears in. Notes: at most two short concrete sentences naming what differs "
    "(for example 'scarf is blue, the bible says red'); empty when nothing differs. "
    "Answer with JSON only."
)
MAX_NOTES = 300


@dataclass(frozen=True)
class CastMember:
    handle: str
    name: str
    bible: str
    references: list[Image.Image]


@dataclass(frozen=True)
class Verdict:
    score: int
    notes: str


class Malformed(ValueError):
    """The judge's answer is not the JSON asked for."""


@dataclass(frozen=True)
class Judge:
    api_key: str
    base_url: str
    model: str


def judge_for(studio_id: int) -> Judge | None:
    """The studio's judge when it has one turned on and a chat credential to use."""
    design = DesignSettings.objects.filter(studio_id=studio_id, judge_enabled=True).first()
    assistant = ScriptAssistant.objects.filter(studio_id=studio_id).first()
    if design is None or assistant is None:
        return None
    model = design.judge_model or assistant.model
    return Judge(unseal(assistant.api_key_sealed), assistant.base_url, model)


def _data_url(image: Image.Image) -> str:
    buffer = io.BytesIO()
    small = image.convert("RGB")
    small.thumbnail((512, 512))
    small.save(buffer, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def _image(image: Image.Image) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": _data_url(image), "detail": "low"}}


def _content(cast: list[CastMember], frames: list[Image.Image]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for member in cast:
        text = f"Character @{member.handle} ({member.name}). Bible: {member.bible}"
        parts.append({"type": "text", "text": text + " Its references:"})
        parts += [_image(r) for r in member.references]
    parts.append({"type": "text", "text": f"Frames of the take, in order ({len(frames)}):"})
    parts += [_image(f) for f in frames]
    return parts


def parse_verdicts(content: str, handles: list[str]) -> dict[str, Verdict]:
    """The validated verdict per handle; Malformed if anything is missing or out of range."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise Malformed("not JSON") from exc
    rows = data.get("characters") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise Malformed("no characters")
    found: dict[str, Verdict] = {}
    for row in rows:
        if not isinstance(row, dict):
            raise Malformed("a row is not an object")
        handle, score, notes = row.get("handle"), row.get("score"), row.get("notes")
        if not (isinstance(handle, str) and isinstance(notes, str) and isinstance(score, int)):
            raise Malformed("a row lacks a handle, a score or notes")
        if isinstance(score, bool) or not 0 <= score <= 100:
            raise Malformed(f"score {score!r} is not 0-100")
        found[handle.lstrip("@").lower()] = Verdict(score, " ".join(notes.split())[:MAX_NOTES])
    if missing := [h for h in handles if h not in found]:
        raise Malformed(f"no verdict for {', '.join(missing)}")
    return {h: found[h] for h in handles}


@dataclass(frozen=True)
class JudgeAnswer:
    verdicts: dict[str, Verdict] | None  # None: the judge did not check (see `why`)
    why: str = ""  # a refusal by the budget, said on the take's card


def ask_judge(
    judge: Judge, cast: list[CastMember], frames: list[Image.Image], *, take: Take
) -> JudgeAnswer:
    """The judge's verdict per cast handle, or why it could not check (shown as such).

    Each call is checked against the take's project's budget first and recorded with its
    cost after (generation/continuity/judge_money.py): a call the budget cannot cover is
    not made.
    """
    try:
        check_base_url(judge.base_url)
    except EndpointRefused as exc:
        log.info("continuity judge not called: %s", exc)
        return JudgeAnswer(None)
    client = openai.OpenAI(
        api_key=judge.api_key, base_url=judge.base_url or None, max_retries=0,
        timeout=settings.COMICSTUDIO_PROVIDER_TIMEOUT,
    )  # fmt: skip
    content = _content(cast, frames)
    messages: list[Any] = [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": content},
    ]
    response_format: Any = {
        "type": "json_schema",
        "json_schema": {"name": "continuity", "strict": True, "schema": VERDICT_SCHEMA},
    }
    estimate = estimate_call(judge.model, [INSTRUCTIONS, *_texts(content)], len(cast))
    for attempt in (1, 2):  # a malformed answer is asked again once
        if refusal := refuse_call(take=take, model=judge.model, estimate=estimate):
            return JudgeAnswer(None, refusal)
        try:
            answer = client.chat.completions.create(
                model=judge.model, messages=messages, response_format=response_format
            )
        except openai.OpenAIError as exc:
            detail = str(exc).replace(judge.api_key, "[key]")
            log.info("continuity judge failed: %s", detail)
            record_call(take=take, model=judge.model, outcome=JudgeOutcome.FAILED, detail=detail)
            return JudgeAnswer(None)
        try:
            verdicts = parse_verdicts(
                answer.choices[0].message.content or "", [c.handle for c in cast]
            )
        except Malformed as exc:
            log.info("continuity judge answer %d malformed: %s", attempt, exc)
            record_call(take=take, model=judge.model, outcome=JudgeOutcome.MALFORMED,
                        usage=answer.usage, estimate=estimate, detail=str(exc))  # fmt: skip
            continue
        record_call(take=take, model=judge.model, outcome=JudgeOutcome.ANSWERED,
                    usage=answer.usage, estimate=estimate)  # fmt: skip
        return JudgeAnswer(verdicts)
    return JudgeAnswer(None)


def _texts(content: list[dict[str, Any]]) -> list[str | None]:
    """Each part's text (None for an image part), for the estimate."""
    return [part.get("text") for part in content]
