"""Draft scenes with AI: prose in, a script out, through a studio's OpenAI-compatible chat model.

The model answers JSON under a schema (`SCENES_SCHEMA`); the answer is validated here
again (a model or an aggregator may ignore `response_format`) and written as a script in
our Fountain subset for the writer to edit. Nothing is saved: the writer sends the
script to the ordinary script editor, whose breakdown summary comes next.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import partial
from typing import Any

import openai
from django.conf import settings
from django.contrib.auth.models import User

from generation.credentials import unseal
from generation.drafting_models import DraftCall, ScriptAssistant
from generation.money.budget import budget_refusal
from generation.money.chat import ChatOutcome, chat_cost, text_tokens
from generation.providers.endpoints import EndpointRefused, check_base_url
from projects.models import Episode
from projects.screenplay.write import SceneText, write_script

__all__ = ["DraftCall", "DraftRefused", "ScriptAssistant", "draft_script", "save_assistant"]

SCENES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["scenes"],
    "properties": {
        "scenes": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["heading", "action", "camera", "dialogue"],
                "properties": {
                    "heading": {"type": "string"},
                    "action": {"type": "string"},
                    "camera": {"type": "string"},
                    "dialogue": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["speaker", "line"],
                            "properties": {
                                "speaker": {"type": "string"},
                                "line": {"type": "string"},
                            },
                        },
                    },
                },
            },
        }
    },
}
INSTRUCTIONS = (
    "You turn prose into storyboard scenes for short animated videos. Each scene is one "
    "place and moment: a heading such as 'INT. KITCHEN - DAY' or 'EXT. STREET - NIGHT', "
    "what is seen in present tense (at most three sentences), a camera note, and the "
    "spoken lines. At most two characters act in a scene. Answer with JSON only."
)
MAX_PROSE_CHARS = 20_000
# The answer's ceiling, sent with the call and charged in full by the estimate: scenes
# condense prose, so the JSON of 20,000 characters of it fits with room to spare.
MAX_ANSWER_TOKENS = 8_000


class DraftRefused(Exception):
    """The draft cannot be made; the message says why and what to do."""


def _validate(data: Any) -> list[dict[str, Any]]:
    # The schema above, checked by hand: a short schema needs no validator library.
    scenes = data.get("scenes") if isinstance(data, dict) else None
    if not isinstance(scenes, list) or not scenes:
        raise DraftRefused("The model's answer has no scenes.")
    for number, scene in enumerate(scenes, start=1):
        fields = ("heading", "action", "camera")
        if not isinstance(scene, dict) or not all(isinstance(scene.get(f), str) for f in fields):
            raise DraftRefused(
                f"Scene {number} of the model's answer lacks a heading, action or camera."
            )
        lines = scene.get("dialogue")
        if not isinstance(lines, list) or not all(
            isinstance(d, dict)
            and isinstance(d.get("speaker"), str)
            and isinstance(d.get("line"), str)
            for d in lines
        ):
            raise DraftRefused(f"Scene {number} of the model's answer has malformed dialogue.")
    return scenes


def as_script(scenes: list[dict[str, Any]]) -> str:
    """The scenes in our Fountain subset, written by the same writer as storyboard edits."""
    texts = [
        SceneText(
            heading=" ".join(scene["heading"].split()).upper() or "UNTITLED SCENE",
            action=" ".join(scene["action"].split()),
            # A camera note is free text in the shot line, where "]" and "," would break it.
            camera=" ".join(scene["camera"].replace("]", " ").replace(",", ";").split()),
            dialogue=[
                (" ".join(d["speaker"].split()).upper(), " ".join(d["line"].split()))
                for d in scene["dialogue"]
                if d["speaker"].strip() and d["line"].strip()
            ],
        )
        for scene in scenes
    ]
    return write_script("", texts)


def estimate_draft(model: str, prose: str) -> Decimal:
    """The most a draft of this prose may cost: its prompt by length, the answer at its ceiling."""
    prompt = sum(text_tokens(t) for t in (INSTRUCTIONS, json.dumps(SCENES_SCHEMA), prose))
    return chat_cost(model, input_tokens=prompt, output_tokens=MAX_ANSWER_TOKENS)


def draft_script(*, episode: Episode, user: User | None, prose: str) -> str:
    """Ask the studio's chat model for scenes of this prose; the script to edit, never saved.

    The call is paid by the episode's project: checked against its budget before (a call
    it cannot cover is not made) and recorded as a `DraftCall` with its cost after.
    """
    assistant = ScriptAssistant.objects.filter(studio_id=episode.project.studio_id).first()
    if assistant is None:
        raise DraftRefused(
            "This studio has no script assistant: an owner adds a chat model's key under "
            "Script assistant."
        )
    if not prose.strip():
        raise DraftRefused("Paste the prose to draft scenes from.")
    if len(prose) > MAX_PROSE_CHARS:
        raise DraftRefused(f"The prose is {len(prose)} characters; at most {MAX_PROSE_CHARS}.")
    try:
        check_base_url(assistant.base_url)  # again at use: DNS may have changed
    except EndpointRefused as exc:
        raise DraftRefused(str(exc)) from None
    estimate = estimate_draft(assistant.model, prose)
    charge = partial(DraftCall.record, project_id=episode.project_id, episode=episode,
                     user=user, model=assistant.model, estimate=estimate)  # fmt: skip
    if refusal := budget_refusal(episode.project, estimate, "drafting this prose costs up to"):
        charge(outcome=ChatOutcome.REFUSED, detail=refusal)
        raise DraftRefused(refusal)
    key = unseal(assistant.api_key_sealed)
    client = openai.OpenAI(
        api_key=key,
        base_url=assistant.base_url or None,
        max_retries=0,
        timeout=settings.COMICSTUDIO_PROVIDER_TIMEOUT,
    )
    try:
        answer = client.chat.completions.create(
            model=assistant.model,
            messages=[
                {"role": "system", "content": INSTRUCTIONS},
                {"role": "user", "content": prose},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "scenes", "strict": True, "schema": SCENES_SCHEMA},
            },
            max_completion_tokens=MAX_ANSWER_TOKENS,
        )
    except openai.AuthenticationError:
        charge(outcome=ChatOutcome.FAILED, detail="401: the key was refused")
        raise DraftRefused(
            "The chat model refused this studio's key (401): an owner should check it."
        ) from None
    except openai.APIError as exc:
        message = str(getattr(exc, "message", exc)).replace(key, "[key]")
        charge(outcome=ChatOutcome.FAILED, detail=message)
        raise DraftRefused(f"The chat model failed: {message}") from None
    try:
        scenes = _read_answer(answer)
    except DraftRefused as exc:  # the answer was paid for all the same
        charge(outcome=ChatOutcome.MALFORMED, usage=answer.usage, detail=str(exc))
        raise
    charge(outcome=ChatOutcome.ANSWERED, usage=answer.usage)
    return as_script(scenes)


def _read_answer(answer: Any) -> list[dict[str, Any]]:
    choice = answer.choices[0]
    if choice.finish_reason == "length":
        raise DraftRefused(
            f"The model's answer was cut off at {MAX_ANSWER_TOKENS:,} tokens: draft a shorter "
            "part of the prose."
        )
    try:
        data = json.loads(choice.message.content or "")
    except json.JSONDecodeError:
        raise DraftRefused("The model's answer is not JSON: try again.") from None
    return _validate(data)


def save_assistant(*, studio_id: int, api_key: str, base_url: str, model: str) -> ScriptAssistant:
    """Set the studio's chat model; a blank key keeps the stored one (one is needed at first)."""
    assistant = ScriptAssistant.objects.filter(studio_id=studio_id).first()
    if assistant is None and not api_key:
        raise DraftRefused("Enter the chat model's API key.")
    if assistant is not None and not api_key and base_url != assistant.base_url:
        raise DraftRefused(
            "Enter the API key again to change the base URL: the key is sent to that address."
        )
    try:
        check_base_url(base_url)
    except EndpointRefused as exc:
        raise DraftRefused(str(exc)) from None
    assistant = assistant or ScriptAssistant(studio_id=studio_id)
    if api_key:
        assistant.set_api_key(api_key)
    assistant.base_url, assistant.model = base_url, model
    assistant.save()
    return assistant
