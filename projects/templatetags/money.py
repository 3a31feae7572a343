"""`{{ amount|money }}`: an amount with its currency, as every page shows money."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

CURRENCY_SIGN = "$"  # prices, costs and budgets are US dollars (docs/providers.md)


@register.filter
def money(amount: Decimal | float | int | None) -> str:
    """ "$1,234.50"; "—" when there is no amount."""
    if amount is None or amount == "":
        return "—"
    return f"{CURRENCY_SIGN}{Decimal(amount):,.2f}"
