"""Submit a Django admin change form the way a browser does, from the page's own HTML.

Every ``<input>``, checked box, selected option and ``<textarea>`` of the form is sent
back as the page shows it, with textarea line breaks as CRLF (what browsers send: the
HTML standard normalises a textarea's newlines to CRLF on submission).
"""

from __future__ import annotations

import lxml.html


def browser_form_data(html: str, *, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields a browser would submit from the change form in ``html``."""
    doc = lxml.html.fromstring(html)
    # The admin's change form is "<model>_form"; the header's log-out form is another POST.
    change_form = '//form[substring(@id, string-length(@id) - 4) = "_form"]'
    xpath = f'//form[@id="{form_id}"]' if form_id else change_form
    [form] = doc.xpath(xpath)
    data: dict[str, list[str]] = {}
    for field in form.xpath(".//input|.//select|.//textarea"):
        name = field.get("name")
        if not name or field.get("disabled") is not None:
            continue
        if field.tag == "input":
            kind = (field.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and field.get("checked") is None:
                continue
            data.setdefault(name, []).append(field.get("value", "on" if kind == "checkbox" else ""))
        elif field.tag == "select":
            chosen = [o.get("value", o.text or "") for o in field.xpath(".//option[@selected]")]
            if not chosen and field.get("multiple") is None:
                options = field.xpath(".//option")
                chosen = [options[0].get("value", options[0].text or "")] if options else []
            data.setdefault(name, []).extend(chosen)
        else:
            # lxml drops the one newline that HTML ignores right after <textarea>.
            text = field.text or ""
            data.setdefault(name, []).append(text.replace("\r\n", "\n").replace("\n", "\r\n"))
    return data


def submit_unchanged(client, url: str, **extra: str):
    """GET the change form at ``url`` and POST it straight back (plus ``extra`` fields)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = browser_form_data(page.content.decode())
    data.pop("_addanother", None)
    data.pop("_continue", None)
    for key, value in extra.items():
        data[key] = [value]
    data.setdefault("_save", ["Save"])
    return client.post(url, data)
