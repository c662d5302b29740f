"""Lead images: checking an uploaded or fetched file, and the renditions for ``srcset``.

Renditions are made with Pillow once, when the file arrives (upload or fetch), at a few
fixed widths; pages then only read their stored names. Pillow is all it takes, so no
thumbnail library (and no generate-on-request cache) is needed.
"""

from __future__ import annotations

import io
import urllib.request
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

# Widths of the renditions (px); none wider than the original is made.
RENDITION_WIDTHS = (480, 960, 1600)
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def max_bytes() -> int:
    return getattr(settings, "LEAD_IMAGE_MAX_BYTES", 10 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "LEAD_IMAGE_MAX_PIXELS", 40_000_000)


class ImageProblem(ValueError):
    """A file that cannot be a lead image; the message says why."""


@dataclass
class Checked:
    format: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check_image(data: bytes | io.IOBase, size: int | None = None) -> Checked:
    """Check that ``data`` is a JPEG, PNG, WebP or GIF within the byte and pixel limits.

    Raises ImageProblem naming the reason. The pixel count is read from the header
    before any decoding, so a decompression bomb is refused without being unpacked.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    if size is None:
        size = len(data) if isinstance(data, bytes) else None
    if size is not None and size > max_bytes():
        raise ImageProblem(
            f"too large: {_megabytes(size)}; the limit is {_megabytes(max_bytes())}."
        )
    if size == 0:
        raise ImageProblem("the file is empty.")
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                fmt = image.format
                if width * height > max_pixels():
                    raise ImageProblem(
                        f"too many pixels: {width}×{height} = {width * height:,}; "
                        f"the limit is {max_pixels():,}."
                    )
                if fmt not in ALLOWED_FORMATS:
                    raise ImageProblem(
                        f"{fmt} images are not accepted; use JPEG, PNG, WebP or GIF."
                    )
                image.verify()
            stream.seek(0)
            with Image.open(stream) as image:
                image.load()  # a truncated file fails here
    except ImageProblem:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageProblem(f"refused as a decompression bomb ({exc}).") from exc
    except UnidentifiedImageError as exc:
        raise ImageProblem("not an image (JPEG, PNG, WebP or GIF expected).") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"a damaged image ({exc}).") from exc
    finally:
        stream.seek(0)
    return Checked(format=fmt, width=width, height=height)


def make_renditions(lead_image) -> list[dict]:
    """Write the renditions of ``lead_image.file`` and return ``[{width, height, name}]``.

    The original counts as the widest rendition when it is narrower than the largest width.
    """
    lead_image.file.open("rb")
    lead_image.file.seek(0)
    with Image.open(lead_image.file) as image:
        image.load()
        width, height = image.size
        keep_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        out_format = "PNG" if keep_alpha else "JPEG"
        rgb = image.convert("RGBA" if keep_alpha else "RGB")
    lead_image.file.close()
    renditions = []
    base = lead_image.file.name.rsplit(".", 1)[0]
    for target in RENDITION_WIDTHS:
        if target >= width:
            break
        scaled = rgb.resize((target, max(1, round(height * target / width))), Image.LANCZOS)
        buffer = io.BytesIO()
        options = {"quality": 82, "optimize": True} if out_format == "JPEG" else {"optimize": True}
        scaled.save(buffer, out_format, **options)
        ext = "png" if out_format == "PNG" else "jpg"
        name = default_storage.save(f"{base}-{target}w.{ext}", ContentFile(buffer.getvalue()))
        renditions.append({"width": target, "height": scaled.height, "name": name})
    renditions.append({"width": width, "height": height, "name": lead_image.file.name})
    return renditions


def download(url: str) -> bytes:
    """The bytes at ``url``, refusing more than the byte limit (tests replace this)."""
    request = urllib.request.Request(url, headers={"User-Agent": "Newsroom image fetch"})
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (http(s) only)
        data = response.read(max_bytes() + 1)
    return data


def fetch_reference(article, *, by=None):
    """Fetch ``article.og_image_url`` into the library and make it the lead image.

    Raises ImageProblem (nothing stored) when the download fails or the file is refused,
    PermissionDenied when ``by`` may not change the article.
    The caption and credit start from the article's; the alt text from the caption or
    headline, for the editor to correct.
    """
    from articles.models import LeadImage
    from articles.publishing import check_write

    check_write(by=by, action="change", obj=article)
    url = article.og_image_url
    if not url.startswith(("http://", "https://")):
        raise ImageProblem("no og:image reference to fetch.")
    try:
        data = download(url)
    except OSError as exc:
        raise ImageProblem(f"could not download {url} ({exc}).") from exc
    checked = check_image(data)
    image = LeadImage(
        alt=(article.image_caption or article.headline)[:300],
        caption=article.image_caption,
        credit=article.image_credit,
        source_url=url,
    )
    image.file.save(file_name_for(url, checked), ContentFile(data), save=False)
    image.renditions = make_renditions(image)
    image.save()
    article.lead_image = image
    if by is not None:
        article._history_user = by  # the history says who fetched it
    article.save(update_fields=["lead_image"])
    return image


def file_name_for(url: str, checked: Checked) -> str:
    stem = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].rsplit(".", 1)[0] or "image"
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)[:80] or "image"
    return f"{stem}.{ALLOWED_FORMATS[checked.format]}"


def lead_image_data(article, request) -> dict | None:
    """The article's lead image with absolute URLs (the page's Open Graph, JSON-LD, API)."""
    image = article.shown_image
    if image is None:
        return None
    return {
        "url": request.build_absolute_uri(image.url),
        "width": image.width,
        "height": image.height,
        "alt": image.alt,
        "caption": article.shown_caption,
        "credit": article.shown_credit,
        "renditions": [
            {
                "url": request.build_absolute_uri(default_storage.url(r["name"])),
                "width": r["width"],
                "height": r["height"],
            }
            for r in image.renditions
        ],
    }
