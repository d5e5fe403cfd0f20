"""Word lists the benchmark dataset draws its names and texts from."""

from __future__ import annotations

# fmt: off

# The franchise itself, then the kinds of titles a Korean genre catalogue carries.
ROUNDUP_FILMS = [
    ("the-outlaws", "The Outlaws", "범죄도시", "Beomjoe Dosi", 2017, 121),
    ("the-roundup", "The Roundup", "범죄도시2", "Beomjoe Dosi 2", 2022, 106),
    ("the-roundup-no-way-out", "The Roundup: No Way Out", "범죄도시3", "Beomjoe Dosi 3", 2023, 105),
    ("the-roundup-punishment", "The Roundup: Punishment", "범죄도시4", "Beomjoe Dosi 4", 2024, 109),
]

TITLE_FIRST = [
    "Midnight", "Iron", "Silent", "Broken", "Last", "Crimson", "Hidden", "Cold", "Burning",
    "Savage", "Black", "Seoul", "Busan", "Harbor", "Neon", "Steel", "Paper", "Wild", "Dead",
    "Golden", "Fallen", "Lost", "Rising", "Shadow", "Blood", "Night", "Ghost", "Stone",
]
TITLE_SECOND = [
    "Runner", "Witness", "Debt", "Verdict", "Chase", "Detective", "Heist", "Deal", "Hunt",
    "Express", "Squad", "Alley", "District", "Mercy", "Code", "Protocol", "Family", "Harvest",
    "Dog", "Tiger", "Storm", "Wolves", "Contract", "Informant", "Escape", "Butcher", "Game",
]
TITLE_KO_FIRST = [
    "한밤의", "강철", "침묵의", "부서진", "마지막", "붉은", "숨겨진", "차가운", "불타는",
]
TITLE_KO_SECOND = ["추격자", "목격자", "빚", "판결", "사냥", "형사", "거래", "특급", "소탕"]
GENRES = ["crime", "action", "thriller", "comedy", "drama", "horror", "noir", "mystery"]

SURNAMES_KO = [
    ("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"), ("Kang", "강"),
    ("Cho", "조"), ("Yoon", "윤"), ("Jang", "장"), ("Lim", "임"), ("Han", "한"), ("Oh", "오"),
    ("Seo", "서"), ("Shin", "신"), ("Kwon", "권"), ("Hwang", "황"), ("Ma", "마"), ("Son", "손"),
]
GIVEN_KO = [
    ("Dong-seok", "동석"), ("Sang-yong", "상용"), ("Suk-ku", "석구"), ("Mu-yeol", "무열"),
    ("Ji-hoon", "지훈"), ("Min-jun", "민준"), ("Seo-yeon", "서연"), ("Ha-eun", "하은"),
    ("Jae-won", "재원"), ("Eun-ji", "은지"), ("Hyun-woo", "현우"), ("Soo-min", "수민"),
    ("Tae-hee", "태희"), ("Yeon-woo", "연우"), ("Do-yoon", "도윤"), ("Ji-woo", "지우"),
]

# Given names and surnames by region, with the accents real buyer lists carry.
PEOPLE = {
    "western": (
        ["Anna", "Thomas", "Julia", "Markus", "Sophie", "Lukas", "Emma", "Jonas", "Clara",
         "David", "Sarah", "Michael", "Laura", "Daniel", "Hannah", "Peter", "Olivia", "James"],
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker", "Jansen",
         "de Vries", "Andersson", "Nielsen", "Hansen", "Kowalski", "Nowak", "Horváth"],
    ),
    "latin": (
        ["María", "José", "Lucía", "Andrés", "Camila", "Mateo", "Sofía", "Diego", "Valentina",
         "Pierre", "Amélie", "Théo", "Chloé", "Giulia", "Marco", "Francesca", "João", "Inês"],
        ["García", "Rodríguez", "Martínez", "López", "González", "Pérez", "Sánchez", "Núñez",
         "Dubois", "Lefèvre", "Moreau", "Girard", "Rossi", "Bianchi", "Esposito", "Conti",
         "Silva", "Gonçalves"],
    ),
    "east_asian": (
        ["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Wei", "Mei", "Jun", "Li", "Hao",
         "Xin", "Minh", "Linh", "Anh", "Somchai", "Ploy", "Arjun"],
        ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Wang", "Chen", "Zhang",
         "Liu", "Huang", "Lin", "Nguyen", "Tran", "Pham", "Wongsakul", "Tan", "Lim"],
    ),
}

COMPANY_FIRST = [
    "Pandora", "Splendid", "Capelight", "Ascot", "Elite", "Golden", "Red Lantern", "Blue Harbor",
    "Northern Light", "Nordlicht", "Cinéart", "Lumière", "Mirage", "Atlas", "Orion", "Kaleidoscope",
    "Eagle", "Falcon", "Panther", "Tiger", "Dragon", "Phoenix", "Lotus", "Jade", "Silver Screen",
    "Moonlight", "Sunrise", "Horizon", "Vertigo", "Odeon", "Rialto", "Paradiso", "Cinéma Libre",
    "Frontier", "Polaris", "Aurora", "Meridian", "Zenith", "Nova", "Vanguard", "Cobalt", "Indigo",
    "Scarlet", "Amber", "Emerald", "Sapphire", "Onyx", "Granite", "Harbour", "Lighthouse",
    "Wildcard", "Arrow", "Anchor", "Compass", "Summit", "Keystone", "Cornerstone", "Beacon",
    "Mistral", "Sirocco", "Monsoon", "Typhoon", "Tornado", "Thunder", "Lightning", "Spotlight",
    "Projector", "Reel", "Frame", "Celluloid", "Widescreen", "Cinemascope", "Matinee", "Premiere",
    "Encore", "Ovation", "Curtain Call", "Backlot", "Soundstage", "Klappe", "Kino", "Filmwelt",
    "Bildstörung", "Koch", "Leonine", "Neue Visionen", "Wild Bunch", "Metropolitan", "Diaphana",
    "Haut et Court", "Cineworld", "Tohokushinsha", "Gaga", "Klockworx", "Edko", "Golden Scene",
]
COMPANY_SECOND = [
    "Film", "Films", "Pictures", "Entertainment", "Media", "Distribution", "Releasing",
    "Cinema", "Studios", "Vision", "Home Entertainment", "TV", "Channel", "Screen", "Movies",
    "Filmverleih", "Distribuzione", "Distribución", "Play", "Stream",
]
LEGAL_FORM = {
    "DE": "GmbH", "AT": "GmbH", "CH": "AG", "GB": "Ltd", "IE": "Ltd", "US": "LLC", "CA": "Inc.",
    "FR": "SAS", "ES": "S.L.", "IT": "S.r.l.", "NL": "B.V.", "BE": "NV", "SE": "AB", "DK": "A/S",
    "NO": "AS", "FI": "Oy", "PL": "Sp. z o.o.", "JP": "K.K.", "KR": "Co., Ltd.", "AU": "Pty Ltd",
    "SG": "Pte. Ltd.", "MY": "Sdn. Bhd.", "BR": "Ltda.", "MX": "S.A. de C.V.", "CZ": "s.r.o.",
    "HU": "Kft.", "PT": "Lda.",
}

ROLES = [
    "Head of Acquisitions", "Acquisitions Manager", "Managing Director", "CEO",
    "VP Acquisitions", "Programming Director", "Head of Content", "Film Buyer",
    "Head of Distribution", "Acquisitions Executive", "Content Acquisition Manager",
]
NOTE_BITS = [
    "Wants the screener link before Cannes.",
    "Asked about holdbacks for free TV.",
    "Loved the fight choreography; worried about the rating.",
    "Budget tight this year; revisit after the summer.",
    "Interested in the whole franchise as a package.",
    "Needs dubbing materials and M&E tracks.",
    "Their SVOD window starts 4 months after theatrical.",
    "Prefers to wait for festival reviews.",
    "Compared us with the last Ma Dong-seok title they bought.",
    "Will talk to the board and come back with a number.",
    "고객이 예고편을 좋아함; 오퍼 예정.",
]
FOLLOWUP_TITLES = [
    "Send screener link for {film}",
    "Send offer terms for {film}",
    "Share trailer and press kit of {film}",
    "Call back about {film} holdbacks",
    "Book a meeting at the next market about {film}",
    "Send avails for {film}",
    "Chase the signed deal memo for {film}",
]
LOST_REASONS = [
    "price too high",
    "bought a competing title",
    "no slot in the release calendar",
    "rating concerns",
    "budget frozen",
]
SOLD_ELSEWHERE = "territory and rights sold to another buyer"
