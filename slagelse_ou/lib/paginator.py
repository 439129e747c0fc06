"""A paginator that stops counting.

Counting every match is the dearest part of a long list: at 100,000 prøvehandlinger a
manager's list spent 20–27 ms of each page on `SELECT COUNT(*)` alone (`make bench`).
`CappedPaginator` counts at most `cap` + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`),
which stops at the cap, and pages through the first `cap` matches. Past the cap the list
says so and points to the filters and the search, as large search engines do; nobody pages
through a thousand rows to find one.

The first page is read before anything is counted: when it is not full, its rows are the
whole count and no COUNT query runs at all. That is the common case for a filtered list,
and the dear one, for a narrow filter makes PostgreSQL read every candidate to count them.

With `few` (a function of the queryset), the count comes first instead, and when it is
within the cap the rows are read from `few(queryset)`. A list uses it to choose its plan by
the number of matches, which PostgreSQL can only guess: for a few matches, read them all
and sort them; for many, walk an index in the list's order until the page is full. Guessed
wrong, the walk read a whole index to find no row (100 ms at 100,000; `make bench`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    object_list: QuerySet[Any]  # counted with SQL: a queryset, never a plain sequence

    def __init__(self, object_list: QuerySet[Any], per_page, *, cap: int, few=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.few = few

    @cached_property
    def _counted(self) -> int:
        # Without the list's order: which rows are counted up to the cap does not change the
        # number, and an ORDER BY there made PostgreSQL sort every match first (43 ms for a
        # unit's public trials at 100,000; `make bench`).
        # And only the ids: a search's rank and snippet (ts_headline) were computed for every
        # row counted (19 ms of a search page at 100,000).
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def capped(self) -> bool:
        """True when there are more matches than the list shows."""
        return self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    def get_page(self, number):
        """As Paginator.get_page; page 1 (and a missing or bad number) reads its rows first."""
        try:
            first = number in (None, "") or int(number) == 1
        except (TypeError, ValueError):
            first = True
        if self.few is not None and not self.capped:
            self.object_list = self.few(self.object_list)
        if not first or "_counted" in self.__dict__:
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["_counted"] = len(rows)  # the whole list fits on this page
        return self._get_page(rows, 1, self)


class TailPaginator(Paginator):
    """A paginator that reads pages in the second half of the list from its end.

    `OFFSET n` makes PostgreSQL produce and throw away n rows first. A dialogue thread opens
    on its newest page, the last one: at 4,500 posts, `OFFSET 4480` sorted and joined every
    post to show 19 (14 ms of a 70 ms page; `make bench`). Read backwards (the queryset's
    order reversed, which its index serves as well), the last page is `OFFSET 0`. The pages
    are the same as Paginator's; the queryset must have a total order (ties broken by pk).
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2 or not getattr(self.object_list, "ordered", False):
            return self._get_page(self.object_list[bottom:top], number, self)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)
