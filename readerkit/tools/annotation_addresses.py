"""Which source of the reader a web address names, for annotation import.

A source is found at its `url:` (else its `cite` entry's `url`), or at its page in the web
edition, `<source-id>.html`. Addresses compare after normalising what does not name a
different page: scheme, host case, `www.`, a trailing slash, `index.html`, the fragment and
tracking parameters.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from readerkit.model import Project

TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid)$", re.IGNORECASE)
WEB_PAGE = re.compile(r"^([a-z0-9][a-z0-9-]*)\.html$")


def normalise_url(address: str) -> str:
    """An address as compared: scheme and host case, `www.`, trailing slash, index.html,
    fragment and tracking parameters do not count."""
    parts = urlsplit(address.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"/index\.html?$", "/", parts.path).rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not TRACKING.match(k)])
    return urlunsplit(("", host + (f":{parts.port}" if parts.port else ""), path, query, ""))


def original_url(project: Project, source_id: str) -> str:
    """Where the source is on the web: its `url:`, else its `cite` entry's `url` ('' if
    neither is known)."""
    source = project.sources[source_id]
    entry = project.bibliography.get(source.cite)
    return source.url or (entry.fields.get("url", "") if entry else "")


def source_addresses(project: Project) -> dict[str, list[str]]:
    """Normalised address -> the sources found there (several excerpts may share a page)."""
    found: dict[str, list[str]] = {}
    for source in project.sources.values():
        address = original_url(project, source.id)
        if address:
            found.setdefault(normalise_url(address), []).append(source.id)
    return found


def route(targets: list[str], project: Project, addresses: dict[str, list[str]],
          forced: str | None) -> list[str]:
    """The sources an annotation may belong to. Of its targets, the one naming the fewest
    sources wins: a web edition page (one source) over an original page several share."""
    if forced:
        return [forced]
    options = []
    for target in targets:
        sources = addresses.get(normalise_url(target), [])
        page = WEB_PAGE.match(urlsplit(target).path.rsplit("/", 1)[-1])
        if not sources and page and page.group(1) in project.sources:
            sources = [page.group(1)]  # the web edition's own page for a source
        if sources:
            options.append(sources)
    return min(options, key=len) if options else []
