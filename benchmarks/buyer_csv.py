"""Write a deterministic buyer list (one company + one contact per row) as a market would export it.

    python benchmarks/buyer_csv.py --rows 100000 -o buyers.csv

Companies repeat over rows (several people per buyer), names carry legal suffixes and
accents, a few rows spell a company differently: what real attendee lists look like.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

COUNTRIES = [
    ("DE", "Germany", "+49 30 {n:07d}"),
    ("FR", "France", "+33 1 {n:08d}"),
    ("GB", "United Kingdom", "+44 20 {n:08d}"),
    ("US", "USA", "+1 212 {n:07d}"),
    ("JP", "Japan", "+81 3 {n:08d}"),
    ("KR", "South Korea", "+82 2 {n:08d}"),
    ("ES", "Spain", "+34 91 {n:07d}"),
    ("IT", "Italy", "+39 06 {n:08d}"),
    ("BR", "Brazil", "+55 11 {n:08d}"),
    ("MX", "Mexico", "+52 55 {n:08d}"),
    ("NL", "Netherlands", "+31 20 {n:07d}"),
    ("SE", "Sweden", "+46 8 {n:07d}"),
    ("PL", "Poland", "+48 22 {n:07d}"),
    ("TR", "Turkey", "+90 212 {n:07d}"),
    ("TW", "Taiwan", "+886 2 {n:08d}"),
    ("TH", "Thailand", "+66 2 {n:07d}"),
    ("AU", "Australia", "+61 2 {n:08d}"),
    ("IN", "India", "+91 22 {n:08d}"),
]
SUFFIXES = ["GmbH", "Ltd", "S.A.", "Co., Ltd.", "Inc.", "SAS", "B.V.", "AB", "S.r.l.", ""]
WORDS = [
    "Nordlicht",
    "Film",
    "Pictures",
    "Distribution",
    "Média",
    "Entertainment",
    "Cinéma",
    "Star",
    "Blue",
    "Dragon",
    "Atlas",
    "Lumière",
    "Vision",
    "Harbour",
    "Orion",
    "Red",
    "Tiger",
    "Golden",
    "Horizon",
    "Screen",
    "Releasing",
    "Studio",
    "Global",
    "Nova",
]
TYPES = ["Distributor", "free-tv", "SVOD", "pay tv", "home entertainment", "inflight", "Theatrical"]
FIRST = ["Anna", "Jörg", "Marie", "José", "Kenji", "Ji-woo", "Lars", "Chloé", "Tom", "Aylin"]
LAST = ["Schmidt", "Dupont", "Smith", "García", "Tanaka", "Kim", "Berg", "Rossi", "Silva", "Çelik"]
ROLES = ["Head of Acquisitions", "Acquisitions Manager", "CEO", "Programmer", "Buyer"]
HEADER = ["Company", "Country", "Type", "Website", "Contact", "Title", "E-mail", "Phone"]


SYLLABLES = ["ka", "ro", "mi", "zen", "tor", "lu", "ve", "nor", "sa", "dik", "bel", "an", "qu"]


def coined(rng: random.Random) -> str:
    """A made-up brand word, so names differ the way real buyers' names do."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def rows(count: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    companies: list[tuple[str, str, str, str, str]] = []
    names: list[str] = []
    for number in range(max(1, count // 3)):
        _code, country, phone = rng.choice(COUNTRIES)
        name = f"{coined(rng)} {rng.choice(WORDS)} {coined(rng)}"
        if number % 500 == 499:
            # A second spelling of an earlier buyer: a possible duplicate to report.
            earlier = rng.randrange(len(companies))
            country = companies[earlier][1]
            name = names[earlier].replace("a", "e", 1) + "s"
        names.append(name)
        full = f"{name} {rng.choice(SUFFIXES)}".strip()
        slug = name.lower().replace(" ", "-").encode("ascii", "ignore").decode()
        companies.append((full, country, rng.choice(TYPES), f"www.{slug}.com", phone))
    out = []
    for number in range(count):
        full, country, kind, website, phone = companies[number % len(companies)]
        if number % 97 == 0:
            full = full.upper()  # the same buyer typed differently: must not duplicate
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}.{number}@{website[4:]}".lower().encode("ascii", "ignore").decode()
        out.append(
            [
                full,
                country,
                kind,
                website,
                f"{first} {last}",
                rng.choice(ROLES),
                email,
                phone.format(n=number),
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    with args.output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(args.rows))


if __name__ == "__main__":
    main()
