"""Tiny markdown helpers shared by the benchmark reports."""
from __future__ import annotations


def table(headers, rows) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def block(name: str, content: str) -> str:
    """content wrapped in markers, so another command can regenerate just this part."""
    begin, end = _markers(name)
    return f"{begin}\n{content.strip()}\n{end}"


def extract_block(text: str, name: str) -> str | None:
    begin, end = _markers(name)
    if begin not in text or end not in text:
        return None
    return text[text.index(begin): text.index(end) + len(end)]


def replace_block(text: str, name: str, content: str) -> str:
    """text with block `name` replaced by content (appended when absent)."""
    old = extract_block(text, name)
    new = block(name, content)
    return text.replace(old, new) if old is not None else text.rstrip() + "\n\n" + new + "\n"
