"""`comicstudio`: login, script push, generate, wait, download, export (docs/api.md)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from comicstudio_cli.client import (
    ERROR,
    FAILED,
    OK,
    REFUSED,
    TIMEOUT,
    ApiError,
    Client,
    load_config,
    save_config,
)

ACTIVE = {"queued", "submitted", "running"}
BAR = 20


class Out:
    """Human lines on stdout, or one JSON document with --json."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def say(self, text: str) -> None:
        if not self.as_json:
            print(text, flush=True)

    def result(self, value: Any, text: str = "") -> None:
        if self.as_json:
            print(json.dumps(value, indent=2))
        elif text:
            print(text)


def _client() -> Client:
    return Client(*load_config())


def login(args: argparse.Namespace, out: Out) -> int:
    token = args.token or getpass.getpass("Token (from your account's API tokens page): ")
    me = Client(args.url.rstrip("/"), token.strip()).call("GET", "/api/v1/me")
    path = save_config(args.url, token.strip())
    out.result(me, f"Logged in as {me['username']} in {me['studio']['name']} "
                   f"({me['scope']} token); saved to {path}.")  # fmt: skip
    return OK


def script_push(args: argparse.Namespace, out: Out) -> int:
    client, text = _client(), Path(args.file).read_text(encoding="utf-8")
    base = f"/api/v1/episodes/{args.episode}/script"
    preview = client.call("POST", base + "/preview", {"text": text})
    for problem in preview["problems"]:
        out.say(f"  line {problem['line']}: {problem['message']}")
    if preview["refusal"]:
        raise ApiError(preview["refusal"], REFUSED, preview)
    applied = client.call("PUT", base, {"text": text, "fingerprint": preview["fingerprint"]})
    out.result(applied, f"Script applied: {applied['summary']}.")
    return OK


def generate(args: argparse.Namespace, out: Out) -> int:
    client = _client()
    base = f"/api/v1/episodes/{args.episode}/takes"
    wanted = {"scene_ids": args.scene or []}
    estimate = client.call("POST", base + "/estimate", wanted)
    for refusal in estimate["refused"]:
        out.say(f"  scene {refusal['position']} refused: {refusal['reason']}")
    if not estimate["scenes"]:
        out.result({"estimate": estimate, "batch": None}, "Nothing to generate.")
        return REFUSED if estimate["refused"] else OK
    out.say(
        f"{len(estimate['scenes'])} scene(s), total {estimate['total']} {estimate['currency']}."
    )
    if not args.yes and not _confirmed(estimate["total"]):
        out.say("Not confirmed: nothing was started (use --yes to confirm in scripts).")
        return REFUSED
    key = str(uuid.uuid4())  # the same key on every retry: never a second batch
    batch = client.call(
        "POST", base, wanted | {"confirmed_total": estimate["total"]},
        headers={"Idempotency-Key": key},
    )  # fmt: skip
    out.result(batch, f"Batch {batch['id']}: {len(batch['takes'])} take(s) queued; "
                      f"status at {batch['status_url']}.")  # fmt: skip
    return OK


def _confirmed(total: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"Start the batch for {total}? [y/N] ").strip().lower() in ("y", "yes")


def _bar(take: dict[str, Any]) -> str:
    done = 100 if take["generation_status"] not in ACTIVE else take["progress"]
    filled = BAR * done // 100
    return f"scene {take['scene_position']:>3} [{'#' * filled}{'.' * (BAR - filled)}] " \
           f"{done:>3}% {take['generation_status']}"  # fmt: skip


def wait(args: argparse.Namespace, out: Out) -> int:
    client, deadline = _client(), time.monotonic() + args.timeout
    path = f"/api/v1/episodes/{args.episode}/takes?current=true"
    shown: dict[int, str] = {}
    while True:
        takes = client.call("GET", path)
        for take in takes:
            line = _bar(take)
            if shown.get(take["scene_id"]) != line:
                out.say(line)
                shown[take["scene_id"]] = line
        if not any(t["generation_status"] in ACTIVE for t in takes):
            break
        if time.monotonic() > deadline:
            out.result({"takes": takes, "timed_out": True}, "Timed out waiting.")
            return TIMEOUT
        time.sleep(args.interval)
    failed = [t for t in takes if t["generation_status"] != "succeeded"]
    summary = f"{len(takes) - len(failed)} succeeded, {len(failed)} did not."
    out.result({"takes": takes, "timed_out": False}, summary)
    return FAILED if failed else OK


def download(args: argparse.Namespace, out: Out) -> int:
    client, target = _client(), Path(args.to)
    target.mkdir(parents=True, exist_ok=True)
    query = "review_status=approved" if args.approved else "current=true"
    takes = client.call("GET", f"/api/v1/episodes/{args.episode}/takes?{query}")
    saved = []
    for take in takes:
        if not take["video_url"]:
            continue
        name = target / f"scene-{take['scene_position']:03d}-take-{take['number']}.mp4"
        size = client.download(take["video_url"], name)
        saved.append({"take_id": take["id"], "file": str(name), "bytes": size})
        out.say(f"{name} ({size} bytes)")
    out.result(saved, f"{len(saved)} file(s) saved to {target}.")
    return OK if saved else REFUSED


def export(args: argparse.Namespace, out: Out) -> int:
    client = _client()
    started = client.call(
        "POST", f"/api/v1/episodes/{args.episode}/exports", {"kind": args.kind},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )  # fmt: skip
    out.say(f"Export {started['number']} ({started['kind']}) started.")
    current, deadline = started, time.monotonic() + args.timeout
    while args.wait and current["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            out.result(current, "Timed out waiting for the export.")
            return TIMEOUT
        time.sleep(args.interval)
        current = client.call("GET", current["status_url"])
        out.say(f"  {current['progress']:>3}% {current['stage']}")
    if args.wait and current["status"] != "succeeded":
        out.result(current, f"Export {current['status']}: {current['error']}")
        return FAILED
    if args.to and current["video_url"]:
        Path(args.to).mkdir(parents=True, exist_ok=True)
        name = Path(args.to) / f"episode-{args.episode}-export-{current['number']}.mp4"
        client.download(current["video_url"], name)
        out.say(f"Saved {name}.")
    out.result(current, f"Export {current['number']}: {current['status']}.")
    return OK


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="comicstudio", description=__doc__)
    main.add_argument("--json", action="store_true", help="print one JSON document")
    commands = main.add_subparsers(dest="command", required=True)
    sub = commands.add_parser("login", help="store the server URL and a token (0600)")
    sub.add_argument("--url", required=True)
    sub.add_argument("--token", help="read from the terminal when left out")
    sub.set_defaults(run=login)
    script = commands.add_parser("script").add_subparsers(dest="action", required=True)
    sub = script.add_parser("push", help="preview and apply a script file")
    sub.add_argument("file")
    sub.add_argument("--episode", type=int, required=True, help="the episode's id")
    sub.set_defaults(run=script_push)
    sub = commands.add_parser("generate", help="request takes (shows the cost first)")
    sub.add_argument("--episode", type=int, required=True)
    sub.add_argument("--scene", type=int, action="append", help="a scene id (repeatable)")
    sub.add_argument("--yes", action="store_true", help="confirm the total without asking")
    sub.set_defaults(run=generate)
    for name, run in (("wait", wait), ("export", export)):
        sub = commands.add_parser(name)
        sub.add_argument("--episode", type=int, required=True)
        sub.add_argument("--timeout", type=float, default=3600)
        sub.add_argument("--interval", type=float, default=2)
        sub.set_defaults(run=run)
        if name == "export":
            sub.add_argument("--kind", choices=["final", "draft"], default="final")
            sub.add_argument("--wait", action="store_true")
            sub.add_argument("--to", help="save the MP4 in this folder")
    sub = commands.add_parser("download", help="save the takes' MP4s")
    sub.add_argument("--episode", type=int, required=True)
    sub.add_argument("--approved", action="store_true", help="approved takes only")
    sub.add_argument("--to", required=True)
    sub.set_defaults(run=download)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    out = Out(args.json)
    try:
        return int(args.run(args, out))
    except ApiError as exc:
        if args.json:
            print(json.dumps({"error": str(exc), "problem": exc.problem}), file=sys.stderr)
        else:
            print(f"comicstudio: {exc}", file=sys.stderr)
        return exc.code
    except (OSError, ValueError) as exc:
        print(f"comicstudio: {exc}", file=sys.stderr)
        return ERROR


if __name__ == "__main__":
    sys.exit(main())
