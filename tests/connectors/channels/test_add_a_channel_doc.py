"""The skeleton in docs/add-a-channel.md runs as printed."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "add-a-channel.md"


def test_the_documented_skeleton_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "docs/add-a-channel.md lost its skeleton"
    namespace: dict[str, object] = {"__name__": "parrot_skeleton"}
    exec(compile(blocks[0], str(DOC), "exec"), namespace)  # the block asserts its own behaviour
    assert namespace["sent"] == [{"chat": "c42", "text": "It left the warehouse today.\nTrack"}]
