"""Finding companies that are probably the same buyer spelled twice, without comparing all pairs.

Names are compared by their match key (case, accents, punctuation and legal forms gone)
with rapidfuzz, but only within a block: the same country and a shared first or longest
word. That keeps 100k names to a few comparisons each instead of 10^10, and two
companies in different countries are different buyers (national branches) anyway.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from roundup_crm.errors import InvalidInput
from roundup_crm.models import Company
from roundup_crm.services.parsing import parse_country

DEFAULT_THRESHOLD = 90
T = TypeVar("T")


def _blocks(key: str, country: str | None) -> set[tuple[str | None, str]]:
    words = key.split()
    if not words:
        return set()
    return {(country, words[0]), (country, max(words, key=len))}


class NearDuplicateIndex(Generic[T]):
    """Names seen so far, blocked by country and word, to ask "is this one like any?"."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD) -> None:
        if not 50 <= threshold <= 100:
            raise InvalidInput("threshold", threshold, "must be between 50 and 100")
        self.threshold = threshold
        self._keys: dict[tuple[str | None, str], list[str]] = {}
        self._items: dict[tuple[str | None, str], list[T]] = {}

    def add(self, key: str, country: str | None, item: T) -> None:
        for block in _blocks(key, country):
            self._keys.setdefault(block, []).append(key)
            self._items.setdefault(block, []).append(item)

    def similar(self, key: str, country: str | None) -> list[tuple[T, float]]:
        """Items whose key scores at least the threshold against `key`, best first."""
        found: dict[int, tuple[T, float]] = {}
        for block in _blocks(key, country):
            keys = self._keys.get(block)
            if not keys:
                continue
            items = self._items[block]
            for _choice, score, index in process.extract(
                key,
                keys,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=self.threshold,
                limit=None,
            ):
                item = items[index]
                previous = found.get(id(item))
                if previous is None or previous[1] < score:
                    found[id(item)] = (item, score)
        return sorted(found.values(), key=lambda pair: -pair[1])


@dataclass(frozen=True)
class CompanyName:
    id: uuid.UUID
    name: str
    country: str | None


@dataclass(frozen=True)
class LikelyDuplicate:
    """Two live companies that are probably one buyer, with how alike their names are."""

    first: CompanyName
    second: CompanyName
    score: float


def likely_duplicates(
    session: Session, *, threshold: int = DEFAULT_THRESHOLD, country: str | None = None
) -> list[LikelyDuplicate]:
    """Pairs of companies (not yet merged) whose names are alike in the same country."""
    index: NearDuplicateIndex[CompanyName] = NearDuplicateIndex(threshold)
    query = (
        select(Company.id, Company.name, Company.match_key, Company.country)
        .where(Company.merged_into_id.is_(None))
        .order_by(Company.created_at, Company.id)
    )
    if country is not None:
        query = query.where(Company.country == parse_country(country))
    pairs: list[LikelyDuplicate] = []
    for company_id, name, key, company_country in session.execute(query):
        here = CompanyName(company_id, name, company_country)
        for other, score in index.similar(key, company_country):
            pairs.append(LikelyDuplicate(other, here, score))
        index.add(key, company_country, here)
    pairs.sort(key=lambda p: (-p.score, p.first.name.casefold(), p.second.name.casefold()))
    return pairs
