"""The newsroom web app: server-rendered pages readable without JavaScript, and the same data as JSON under /api."""

from __future__ import annotations

import hmac
import logging
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from newsprism.errors import NewsprismError
from newsprism.settings import Settings, load_settings
from newsprism.store.sqlite import SqliteStore
from newsprism.web import markup, queries
from newsprism.web.ingest_api import ingest_records

log = logging.getLogger(__name__)

HERE = Path(__file__).parent


def template_env() -> Environment:
    """The Jinja2 environment: autoescape on for every template, markup helpers as globals."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      extensions=["jinja2.ext.do"])
    env.globals.update(
        safe_url=markup.safe_url,
        changed_pair=markup.changed_pair,
        article_marks=markup.article_marks,
        timeline_svg=markup.timeline_svg,
        scoreboard_svg=markup.scoreboard_svg,
        standalone=False,
    )
    env.filters["short_time"] = lambda value: (value or "")[:16].replace("T", " ")
    return env


class IngestRecord(BaseModel):
    """One article as in the JSONL format: `text` or `html`, plus metadata."""

    id: str | None = None
    text: str | None = None
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None


class IngestRequest(BaseModel):
    articles: list[IngestRecord] = Field(default_factory=list)


class _ScoreboardCache:
    """The outlet scoreboard, recomputed only when findings or reuse links change."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._value: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def get(self, store: SqliteStore) -> dict[str, dict[str, int]]:
        key = tuple(store.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM findings), (SELECT count(*) FROM findings), "
            "(SELECT count(*) FROM reuse), (SELECT count(*) FROM articles)"
        )[0])
        with self._lock:
            if key != self._key:
                self._value = queries.outlet_scoreboard(store)
                self._key = key
            return self._value


def create_app(db_path: str, token: str | None = None, settings: Settings | None = None) -> FastAPI:
    """The FastAPI app over the store at `db_path`; `token` enables POST /api/ingest (None disables it)."""
    settings = settings or load_settings()
    store = SqliteStore(db_path)
    queries.ensure_indexes(store)
    env = template_env()
    scoreboard = _ScoreboardCache()
    ingest_lock = threading.Lock()  # one ingest at a time: two requests clustering side by side split stories
    # Swagger/ReDoc pages load their scripts from a CDN, which an offline machine cannot reach: /api is a
    # server-rendered reference built from the same OpenAPI schema (still served at /openapi.json).
    app = FastAPI(title="newsprism", description="Compare how outlets report the same story.", version="1",
                  docs_url=None, redoc_url=None)
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(name: str, request: Request, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(request_path=request.url.path, **context)
        return HTMLResponse(html)

    def list_stories(**filters: Any) -> dict[str, Any]:
        try:
            return queries.list_stories(store, **filters)
        except ValueError as exc:  # a since / until that is not a date
            raise HTTPException(422, str(exc)) from exc

    # -------------------------------------------------------------------------------------- HTML pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request, since: str | None = None, until: str | None = None, outlet: str | None = None,
        speaker: str | None = None, q: str | None = None, page_no: int = Query(1, alias="page", ge=1, le=queries.MAX_PAGE),
    ) -> HTMLResponse:
        data = list_stories(since=since, until=until, outlet=outlet, speaker=speaker, text=q, page=page_no)
        filters = {"since": since or "", "until": until or "", "outlet": outlet or "", "speaker": speaker or "",
                   "q": q or ""}
        return page("stories.html", request, data=data, filters=filters, outlets=queries.outlet_names(store))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        data = queries.story_detail(store, story_id)
        if data is None:
            raise HTTPException(404, f"no story {story_id}")
        return page("story.html", request, data=data)

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(request: Request) -> HTMLResponse:
        return page("speakers.html", request, speakers=queries.list_speakers(store))

    @app.get("/speaker", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, name: str) -> HTMLResponse:
        return page("speaker.html", request, data=queries.speaker_detail(store, name))

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request) -> HTMLResponse:
        return page("outlets.html", request, outlets=queries.list_outlets(store), board=scoreboard.get(store))

    @app.get("/outlet", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(request: Request, name: str) -> HTMLResponse:
        return page("outlet.html", request, data=queries.outlet_detail(store, name, scoreboard.get(store)))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        data = queries.article_detail(store, article_id)
        if data is None:
            raise HTTPException(404, f"no article {article_id}")
        return page("article.html", request, data=data)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request) -> HTMLResponse:
        return page("api.html", request, endpoints=_endpoints(app.openapi()))

    # -------------------------------------------------------------------------------------- JSON API

    @app.get("/api/stories", tags=["read"])
    def api_stories(
        since: str | None = None, until: str | None = None, outlet: str | None = None,
        speaker: str | None = None, q: str | None = None, page_no: int = Query(1, alias="page", ge=1, le=queries.MAX_PAGE),
    ) -> dict[str, Any]:
        """Stories, newest first, filtered by date range, outlet, speaker and text (`q`: every word in the title
        or text of one article, as a word or the start of one; or a piece of the story label)."""
        return list_stories(since=since, until=until, outlet=outlet, speaker=speaker, text=q, page=page_no)

    @app.get("/api/stories/{story_id}", tags=["read"])
    def api_story(story_id: str) -> dict[str, Any]:
        """One story: articles, findings by kind, statements and reuse links."""
        data = queries.story_detail(store, story_id)
        if data is None:
            raise HTTPException(404, f"no story {story_id}")
        return data

    @app.get("/api/speakers", tags=["read"])
    def api_speakers() -> list[dict[str, Any]]:
        """Speakers with their quote counts."""
        return queries.list_speakers(store)

    @app.get("/api/speaker", tags=["read"])
    def api_speaker(name: str) -> dict[str, Any]:
        """Every quote attributed to one speaker, in time order."""
        return queries.speaker_detail(store, name)

    @app.get("/api/outlets", tags=["read"])
    def api_outlets() -> dict[str, Any]:
        """Outlets with article counts and the fidelity scoreboard."""
        return {"outlets": queries.list_outlets(store), "scoreboard": scoreboard.get(store)}

    @app.get("/api/outlet", tags=["read"])
    def api_outlet(name: str) -> dict[str, Any]:
        """One outlet's scoreboard, cases and copies."""
        return queries.outlet_detail(store, name, scoreboard.get(store))

    @app.get("/api/articles/{article_id}", tags=["read"])
    def api_article(article_id: str) -> dict[str, Any]:
        """One article with its quotes and the findings about it."""
        data = queries.article_detail(store, article_id)
        if data is None:
            raise HTTPException(404, f"no article {article_id}")
        return data

    @app.post("/api/ingest", tags=["write"])
    def api_ingest(body: IngestRequest, request: Request) -> dict[str, Any]:
        """Store articles (needs `Authorization: Bearer <token>`; disabled when the server has no token)."""
        if not token:
            raise HTTPException(403, "ingest is disabled: the server was started without a token")
        given = request.headers.get("authorization", "")
        if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
        try:
            with ingest_lock:
                return ingest_records(store, settings, [r.model_dump(exclude_none=True) for r in body.articles])
        except NewsprismError as exc:
            raise HTTPException(503, str(exc)) from exc

    return app


def _endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per API operation of an OpenAPI schema: method, path, description and parameters."""
    rows = []
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            params = [{"name": p["name"], "where": p["in"], "required": p.get("required", False)}
                      for p in op.get("parameters", [])]
            if "requestBody" in op:
                params.append({"name": "JSON body", "where": "body", "required": True})
            rows.append({"method": method.upper(), "path": path, "params": params,
                         "description": op.get("description") or op.get("summary", "")})
    return rows
