"""Visibility rules built once per viewer and process, and read afresh at every use.

A visibility rule (`Character.objects.visible_to`, `Project/Episode/Scene.objects.for_user`)
is a filter of several correlated subqueries. Building it (Django resolving each subquery's
joins) cost about 1 ms of CPU, and a storyboard page asks two rules. The built queryset
holds nothing but the viewer's id: what it finds is decided by the database when a clone
of it runs, so a memo of the built queryset never serves an old answer.

Only a rule asked of a model's whole table is kept (`Character.objects.visible_to(user)`);
one asked of an already narrowed queryset is built as before.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, cast

from django.db.models import QuerySet

from characters.requests import Viewer, signed_in

VIEWERS_KEPT = 512

_built: OrderedDict[tuple[object, ...], QuerySet[Any]] = OrderedDict()
_lock = threading.Lock()


def _whole_table(queryset: QuerySet[Any]) -> bool:
    query = queryset.query
    return (
        not query.where
        and not query.is_sliced
        and not query.order_by
        and not query.annotations
        and not query.select_related
        and not query.distinct
        and not query.extra
        and not getattr(queryset, "_prefetch_related_lookups", ())
        and getattr(queryset, "_result_cache", None) is None
    )


def per_viewer[Rule: Callable[..., Any]](rule: Rule) -> Rule:
    """Keep the rule's built queryset per (model, database, viewer); hand out clones."""

    @functools.wraps(rule)
    def kept(queryset: QuerySet[Any], user: Viewer) -> QuerySet[Any]:
        viewer = signed_in(user)
        if viewer is None or not _whole_table(queryset):
            return rule(queryset, user)
        key = (rule.__qualname__, queryset.model, queryset.db, viewer.pk)
        with _lock:
            built = _built.get(key)
            if built is not None:
                _built.move_to_end(key)
        if built is None:
            built = rule(queryset, viewer)
            with _lock:
                _built[key] = built
                while len(_built) > VIEWERS_KEPT:
                    _built.popitem(last=False)
        return built.all()  # a clone: the kept one never runs

    return cast(Rule, kept)
