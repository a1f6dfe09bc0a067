"""Finding people by what is typed: the Kazakh-aware name search every list uses (docs/DESIGN.md §2): loose name
words (as word starts, or anywhere in a name from three letters on), Latin spellings, IIN and phone digits, and
the choice between walking the name order and sorting the matches."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from desktop import clock, text
from desktop.roles import mask_rows
from desktop.store import Store

# ---- search -------------------------------------------------------------------------------------------------
_WORD = re.compile(r"\w+")


# Below this many name matches a list takes the matches from FTS and sorts just those; above it, it may rather
# walk the Kazakh-order index keeping the matching rows (SearchFilter.prefers_sorted_index decides).
DENSE_MATCHES = 1000
SPARSE_FRAGMENT = 4


@dataclass(frozen=True)
class SearchFilter:
    """A typed query turned into SQL over `people` (alias p): name words of one or two letters as FTS prefix terms,
    longer ones as substrings through the trigram index (both in loose form, or as the Latin key when typed in
    Latin letters), and digit fragments matched inside the IIN and the phone number. `nothing` is a query that
    was typed but holds no letter or digit (only punctuation): it matches nobody."""

    fts: str = ""
    fragments: tuple[str, ...] = ()
    infix: str = ""
    nothing: bool = False

    @property
    def empty(self) -> bool:
        """No condition at all: the whole list (a blank query)."""
        return not self.fts and not self.infix and not self.fragments and not self.nothing

    @property
    def has_names(self) -> bool:
        return bool(self.fts or self.infix)

    def name_rowids(self) -> tuple[str, tuple]:
        """(SQL giving the rowids of people whose name matches every word, parameters)."""
        parts: list[str] = []
        params: list[str] = []
        if self.fts:
            parts.append("SELECT rowid FROM people_fts WHERE people_fts MATCH ?")
            params.append(self.fts)
        if self.infix:
            parts.append("SELECT rowid FROM people_infix WHERE people_infix MATCH ?")
            params.append(self.infix)
        return " INTERSECT ".join(parts), tuple(params)

    def clause(self, walk_sorted_index: bool = False) -> tuple[str, tuple]:
        """(SQL condition, parameters). With walk_sorted_index the rowid tests are written so that SQLite cannot
        use them as the access path (unary +), which makes it scan people by name_sort and stop at the page end."""
        if self.nothing:
            return "0", ()
        plus = "+" if walk_sorted_index else ""
        clauses: list[str] = []
        params: list[str] = []
        if self.has_names:
            names, names_params = self.name_rowids()
            clauses.append(f"{plus}p.rowid IN ({names})")
            params.extend(names_params)
        if self.fragments:
            # A phone number matches by any part of it (people remember the last digits); an IIN by its start,
            # as it is read off a document. The phone index is narrow, so scanning it is far cheaper than
            # scanning the rows; the IIN start is a range of its index.
            parts = []
            for fragment in self.fragments:
                parts.append(
                    "SELECT rowid FROM people WHERE phone LIKE ? UNION ALL "
                    "SELECT rowid FROM people WHERE iin >= ? AND iin < ?"
                )
                params.extend([f"%{fragment}%", fragment, fragment + ":"])  # ':' sorts right after '9'
            clauses.append(f"{plus}p.rowid IN ({' UNION ALL '.join(parts)})")
        return " AND ".join(clauses), tuple(params)

    def prefers_sorted_index(self, store: Store, rows_needed: int = 100) -> bool:
        """True when walking the name order will reach `rows_needed` matches sooner than sorting all matches.

        Sorting costs a row read per match; the walk costs an index step per person it passes. Matches can be
        many yet sit together (a common surname far down the alphabet), so a small sample of the matches tells
        where in the name order the page would end. A digit fragment of 4 or more digits is rare in IINs and
        phone numbers; a shorter one is common."""
        if self.empty or self.nothing:
            return True
        if not self.has_names:
            return min(len(f) for f in self.fragments) < SPARSE_FRAGMENT
        names, params = self.name_rowids()
        found = store.scalar(f"SELECT count(*) FROM ({names} LIMIT ?)", (*params, DENSE_MATCHES * 8))
        if found < DENSE_MATCHES:
            return False
        # FTS yields rowids in insertion order, which says nothing of names: a fair sample of where matches sit.
        sample = sorted(
            r[0]
            for r in store.conn.execute(
                f"SELECT name_sort FROM people WHERE rowid IN ({names} LIMIT ?)", (*params, SAMPLE_SIZE)
            )
        )
        if not sample:
            return False
        # The name (with some margin) at which the walk would have found rows_needed matches…
        quantile = min(1.0, 2 * rows_needed / found)
        end_name = sample[min(len(sample) - 1, int(quantile * len(sample)))]
        # …and how many people it would pass to get there.
        passed = name_order_position(store, end_name)
        return passed * WALK_STEP_COST < found * SORT_ROW_COST


# Sampled positions in the name order, per database file: (when read, [name_sort of every Nth person], N).
_NAME_ORDER_SAMPLES: dict[str, tuple[float, list[str], int]] = {}
SAMPLE_SIZE = 64
WALK_STEP_COST = 1  # relative cost of one step of the name-order walk…
SORT_ROW_COST = 10  # …and of reading one matching row to sort it (measured on 100k people)
NAME_ORDER_REFRESH_S = 600.0


def name_order_position(store: Store, name_sort: str) -> int:
    """About how many people sort before `name_sort`. Read from a sample of every Nth name, refreshed every few
    minutes; it only steers the choice of query plan, so a slightly stale sample does no harm."""
    key = str(store.path)
    now = clock.monotonic()
    cached = _NAME_ORDER_SAMPLES.get(key)
    if cached is None or now - cached[0] > NAME_ORDER_REFRESH_S:
        total = store.scalar("SELECT count(*) FROM people")
        step = max(1, total // 256)
        names = [
            r[0]
            for r in store.conn.execute(
                "SELECT name_sort FROM (SELECT name_sort, row_number() OVER (ORDER BY name_sort) AS n FROM people) "
                "WHERE n % ? = 0",
                (step,),
            )
        ]
        cached = (now, names, step)
        _NAME_ORDER_SAMPLES[key] = cached
    _read_at, names, step = cached
    return bisect.bisect_left(names, name_sort) * step


def prepare_for_lists(store: Store, cache_mb: int = 64, mmap_mb: int = 512) -> None:
    """A larger page cache and memory-mapped reads for the connection the lists read through: a search that sorts
    a few thousand matches visits that many rows, and reading them without a system call each makes every
    keystroke several times faster on a big database."""
    current = store.scalar("PRAGMA cache_size")
    wanted = -cache_mb * 1024
    if current is not None and (current > 0 or current > wanted):
        store.conn.execute(f"PRAGMA cache_size = {wanted}")
    if (store.scalar("PRAGMA mmap_size") or 0) < mmap_mb * 1024 * 1024:
        store.conn.execute(f"PRAGMA mmap_size = {mmap_mb * 1024 * 1024}")


# Words of this many letters or more are matched anywhere in a name (trigram index); shorter ones as word starts.
INFIX_LETTERS = 3


def search_filter(query: str) -> SearchFilter:
    """'кайрат нурл' → every word found in a name word, compared in loose form (so Қайрат Нұрланұлы matches): a
    word of one or two letters as the start of a name word, a longer one anywhere ('бек' finds Асылбеков). A word
    in Latin letters is compared by its Latin key ('Kairat', 'Qayrat' find Қайрат). '701 12' or '8701' → a part
    of the phone number (a leading 8 read as the country code 7) or the start of the IIN. A query of punctuation
    only matches nobody."""
    short: list[str] = []
    long: list[str] = []
    digit_parts: list[str] = []
    for token in (query or "").split():
        if any(ch.isalpha() for ch in token):
            for word in _WORD.findall(text.fold(token)):
                if "_" in word or not any(ch.isalpha() for ch in word):
                    continue
                key = text.latin_key(word) if text.is_latin_word(word) else text.loose(word)
                (long if len(key) >= INFIX_LETTERS else short).append(key.replace('"', ""))
        else:
            digit_parts.append(text.digits(token))
    # Double quotes make each word a literal FTS string; * makes it a prefix.
    fts = " AND ".join(f'"{w}"*' for w in short)
    infix = " AND ".join(f'"{w}"' for w in long)
    fragment = "".join(digit_parts)
    fragments: tuple[str, ...] = ()
    if fragment:
        fragments = (fragment,)
        if fragment.startswith("8") and len(fragment) > 1:
            fragments += ("7" + fragment[1:],)  # 8 701… typed the domestic way; stored +7701…
    typed = bool((query or "").strip())
    nothing = typed and not (fts or infix or fragments)
    return SearchFilter(fts, fragments, infix, nothing)


def search_people(store: Store, query: str, limit: int = 50, offset: int = 0) -> list[dict]:
    """People matching `query`, in Kazakh alphabetical order (the person pickers of every section use this)."""
    flt = search_filter(query)
    sql, params = flt.clause(flt.prefers_sorted_index(store))
    where = "p.deleted = 0" + (f" AND {sql}" if sql else "")
    return mask_rows(
        store,
        store.rows(
            f"SELECT p.* FROM people p WHERE {where} ORDER BY p.name_sort, p.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ),
    )
