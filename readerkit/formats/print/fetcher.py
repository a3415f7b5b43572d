"""What WeasyPrint may read while laying out the print edition: files inside the project, and the
engine's default styles (readerkit/default_styles/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import weasyprint

from readerkit.load.files import inside
from readerkit.stylefiles import DEFAULT_STYLES


class ProjectOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
    """Lets WeasyPrint read files inside the project and nothing else: no network, no /etc."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file"})
        self.root = root

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("file:"):
            raise ValueError(f"refused to fetch {url}: only files inside the project are read")
        response = weasyprint.urls.URLFetcherResponse(url)
        path = Path(response.path)
        if not inside(self.root, path) and not inside(DEFAULT_STYLES, path):
            raise ValueError(f"refused to read {path}: it is outside the project")
        return super().fetch(url, headers)
