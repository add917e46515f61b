"""No link leads to a 403: every demo user opens the home page, every page of their menu and
the first case of every list there, and follows every link on those pages — none is
refused (403), none fails (500), none is missing (404) for a user who was shown it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)"')
# Links that leave the staff pages or change the session: not followed.
SKIP = re.compile(r"^/(accounts/logout|i18n/|static/|api/v1/docs|self/|notice/|admin/)")
# A detail page reached from a list: /app/<number>/ and the like.
DETAIL = re.compile(r"^/[a-z-]+/(?:[a-z-]+/)?\d+/$")


def links(html: str) -> list[str]:
    out = []
    for href in HREF.findall(html):
        path = urlsplit(href.replace("&amp;", "&")).path
        if not SKIP.match(path):
            out.append(href.replace("&amp;", "&"))
    return out


@pytest.mark.slow
@pytest.mark.django_db
def test_no_link_shown_to_a_demo_user_is_refused(client, monkeypatch):
    from jiuzhu.accounts.demo import DEMO_OUTSIDE_USERS, DEMO_USERS
    from jiuzhu.accounts.models import User
    from jiuzhu.demo.loader import load_demo
    from jiuzhu.portal.menu import entries_for

    load_demo(per_village=1)
    # A document's download link renders it on demand (once each user's first): the links
    # are what is tested here, not the typesetting (jiuzhu/documents/tests), so the files
    # are stand-ins.
    monkeypatch.setattr("jiuzhu.documents.services.content_pdf",
                        lambda content, created=None: b"%PDF-1.4\n%%EOF\n")
    monkeypatch.setattr("jiuzhu.documents.services.content_docx", lambda content: b"PK")
    problems = []
    # one demo user of each role (the README's table; not the grid worker of every grid)
    names = ["admin", *(row[0] for row in [*DEMO_USERS, *DEMO_OUTSIDE_USERS])]
    for user in User.objects.filter(username__in=names).order_by("username"):
        client.force_login(user)
        pages = ["/"] + [e.url() for e in entries_for(user) if not e.href]
        seen: set[str] = set()
        details: list[str] = []
        for page in pages:
            response = client.get(page, follow=True)  # 我的积分 → the volunteer's account
            assert response.status_code == 200, (user.username, page, response.status_code)
            found = links(response.content.decode())
            details += [u for u in found if DETAIL.match(urlsplit(u).path)][:1]
            if len(details) >= 4:
                details = details[:4]
            seen.update(found)
        for page in details:
            response = client.get(page)
            if response.status_code == 200:
                seen.update(links(response.content.decode()))
        shapes: dict[str, str] = {}  # one link of each shape (/households/N/ …) is enough
        for url in sorted(seen):
            shapes.setdefault(re.sub(r"\d+", "N", urlsplit(url).path), url)
        for url in sorted(shapes.values()):
            status = client.get(url).status_code
            if status not in (200, 302):
                problems.append(f"{user.username}: {url} → {status}")
        client.logout()
    assert not problems, "\n".join(problems)
