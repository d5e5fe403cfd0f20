"""The only way WeasyPrint may load anything: files under the allowed folders, data: URIs.

No network, no file outside the template and asset folders. A refused URL is recorded
and the document still renders without it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class SafeFetcher(URLFetcher):
    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def resolve(self, url: str) -> str | None:
        """The URL to actually load, or None when it is not allowed.

        A relative link in a user's template folder that has no such file there falls
        back to the shipped folder, as the templates themselves do.
        """
        parts = urlsplit(url)
        if parts.scheme == "data":
            return url
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        inside = next((root for root in self.roots if path.is_relative_to(root)), None)
        if inside is None:
            return None
        if path.is_file():
            return path.as_uri()
        relative = path.relative_to(inside)
        for root in self.roots:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate.as_uri()
        return None

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        target = self.resolve(url)
        if target is None:
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:200]}: outside the allowed folders")
        return super().fetch(target, headers)
