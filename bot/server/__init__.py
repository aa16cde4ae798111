"""The HTTP face of the service: FastAPI app factory, widget, websocket, health."""

from __future__ import annotations
