"""Report renderers over the plain JSON form of a comparison: JSON, terminal (rich), self-contained HTML."""

from newsprism.report.html import render_html
from newsprism.report.json_report import render_json
from newsprism.report.terminal import render_terminal

__all__ = ["render_html", "render_json", "render_terminal"]
