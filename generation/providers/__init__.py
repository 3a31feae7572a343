"""Video providers by name. A project (or scene) names one; see DESIGN.md, "Providers"."""

from generation.providers.animatic import AnimaticProvider
from generation.providers.base import Provider, ProviderConfig, ProviderError
from generation.providers.openai_videos import OpenAIVideosProvider
from generation.providers.veo import VeoProvider
from projects.screenplay import ShotRules

PROVIDERS: dict[str, type[Provider]] = {
    AnimaticProvider.name: AnimaticProvider,
    OpenAIVideosProvider.name: OpenAIVideosProvider,
    VeoProvider.name: VeoProvider,
}


def get_provider_class(name: str) -> type[Provider]:
    """The named provider's class; ProviderError if there is none of that name."""
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ProviderError(f"No provider named {name!r} is configured.", permanent=True) from None


def provider_names() -> tuple[str, ...]:
    """Names of the video providers a project or scene may choose (docs/providers.md)."""
    return tuple(PROVIDERS)


def shot_rules(name: str) -> ShotRules:
    """What the named provider accepts in one shot, for the breakdown and storyboard edits."""
    capabilities = get_provider_class(name).capabilities
    return ShotRules(durations=capabilities.durations, max_characters=capabilities.max_characters)


def get_provider(name: str, config: ProviderConfig | None = None) -> Provider:
    """An instance of the named provider with a studio's credential (None for local ones)."""
    return get_provider_class(name)(config)


__all__ = [
    "PROVIDERS",
    "Provider",
    "ProviderConfig",
    "ProviderError",
    "get_provider",
    "get_provider_class",
    "provider_names",
    "shot_rules",
]
