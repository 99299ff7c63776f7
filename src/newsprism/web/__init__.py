"""The newsroom view: FastAPI app with server-rendered pages, a JSON API and standalone story reports."""

from newsprism.web.app import create_app, template_env
from newsprism.web.report import render_story_report

__all__ = ["create_app", "render_story_report", "template_env"]
