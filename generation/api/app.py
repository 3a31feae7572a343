"""The API object: token auth, the per-token rate limit, problem+json errors, the routers."""

from __future__ import annotations

from ninja.openapi.docs import Swagger

from generation.api import (
    characters,
    events,
    exports,
    problems,
    retakes,
    review,
    scenes,
    scripts,
    studios,
    takes,
    webhooks,
)
from generation.api.auth import TokenAuth, TokenRateThrottle
from generation.api.schema import ComicStudioApi

api = ComicStudioApi(
    title="Comic Studio API",
    version="1",
    description="Scripts, scenes, characters, takes, review and exports (docs/api.md).",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
for module in (
    studios,
    scripts,
    scenes,
    characters,
    takes,
    retakes,
    review,
    exports,
    webhooks,
    events,
):
    api.add_router("", module.router)
