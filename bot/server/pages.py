"""The pages a browser opens: the embeddable widget script, a demo shop page, the agent console."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)

# Shops embed this script; a stale copy in a CDN or browser cache would outlive an API change.
_NO_CACHE = {"Cache-Control": "no-cache"}


@router.get("/widget.js")
async def widget() -> FileResponse:
    return FileResponse(STATIC_DIR / "widget.js", media_type="application/javascript", headers=_NO_CACHE)


@router.get("/", response_class=HTMLResponse)
async def demo_shop(locale: Literal["en", "zh"] = Query("en")) -> HTMLResponse:
    """Harbor Goods, a demo shop page embedding the widget with one script tag (?locale=zh for Chinese)."""
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(page.replace("{{locale}}", locale), headers=_NO_CACHE)


@router.get("/console", response_class=HTMLResponse)
async def console() -> HTMLResponse:
    return HTMLResponse((STATIC_DIR / "console.html").read_text(encoding="utf-8"))
