"""Video providers by name. A project (or scene) names one; see DESIGN.md, "Providers"."""

from generation.providers.animatic import AnimaticProvider
from generation.providers.base import Provider, ProviderError

PROVIDERS: dict[str, type[Provider]] = {
    AnimaticProvider.name: AnimaticProvider,
}


def get_provider(name: str) -> Provider:
    """An instance of the named provider; ProviderError if there is none of that name."""
    try:
        return PROVIDERS[name]()
    except KeyError:
        raise ProviderError(f"No provider named {name!r} is configured.", permanent=True) from None


__all__ = ["PROVIDERS", "Provider", "ProviderError", "get_provider"]
