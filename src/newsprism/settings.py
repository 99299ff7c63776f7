"""One keyword-only `Settings` object goes through every stage; defaults live in `defaults.toml`."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import ConfigError


@dataclass(slots=True, kw_only=True)
class IngestSettings:
    min_words: int = 40
    max_bytes: int = 20_000_000
    user_agent: str = "newsprism/0.1"
    timeout_s: float = 20.0
    retries: int = 2
    backoff_s: float = 0.5
    max_redirects: int = 5
    respect_robots: bool = True

    def __post_init__(self) -> None:
        if self.min_words < 0 or self.max_bytes <= 0:
            raise ConfigError("ingest.min_words must be >= 0 and ingest.max_bytes > 0")
        if self.retries < 0 or self.backoff_s < 0 or self.max_redirects < 0 or self.timeout_s <= 0:
            raise ConfigError("ingest.retries, backoff_s and max_redirects must be >= 0 and timeout_s > 0")


@dataclass(slots=True, kw_only=True)
class AnalyzeSettings:
    spacy_model: str = "en_core_web_sm"
    embedder: str = "minilm"
    quote_encoder: bool = False


@dataclass(slots=True, kw_only=True)
class CompareSettings:
    align_threshold: float = 0.62
    verbatim_max_edits: int = 0

    def __post_init__(self) -> None:
        if not 0.0 < self.align_threshold < 1.0:
            raise ConfigError(f"compare.align_threshold must be in (0, 1), got {self.align_threshold}")


@dataclass(slots=True, kw_only=True)
class ClusterSettings:
    window_days: int = 7
    story_threshold: float = 0.08
    merge_threshold: float = 0.3
    candidate_floor: float = 0.03
    entity_weight: float = 0.15
    entity_expected: float = 0.2
    average_weight: float = 1.0
    year_penalty: float = 0.03
    minhash_perm: int = 128
    minhash_threshold: float = 0.5
    shingle_words: int = 5
    copy_containment: float = 0.5
    paraphrase_cosine: float = 0.65
    paraphrase_share: float = 0.6
    paraphrase_gate: float = 0.35
    paraphrase_checks: bool = True

    def __post_init__(self) -> None:
        if self.window_days <= 0:
            raise ConfigError("cluster.window_days must be positive")
        if not 0.0 < self.minhash_threshold < 1.0 or self.minhash_perm < 2 or self.shingle_words < 1:
            raise ConfigError("cluster.minhash_threshold must be in (0, 1), minhash_perm >= 2, shingle_words >= 1")


@dataclass(slots=True, kw_only=True)
class Settings:
    """Every knob of the pipeline, grouped by stage."""

    db: str = "newsprism.db"
    jobs: int = 0   # worker processes for quotes and analysis; 0: one per CPU core
    ingest: IngestSettings = field(default_factory=IngestSettings)
    analyze: AnalyzeSettings = field(default_factory=AnalyzeSettings)
    compare: CompareSettings = field(default_factory=CompareSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)

    def __post_init__(self) -> None:
        if not isinstance(self.jobs, int) or self.jobs < 0:
            raise ConfigError(f"jobs must be >= 0 (0: one per CPU core), got {self.jobs}")


_SECTIONS = {
    "ingest": IngestSettings,
    "analyze": AnalyzeSettings,
    "compare": CompareSettings,
    "cluster": ClusterSettings,
}


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from `defaults.toml`, then `config_file`, then `NEWSPRISM_DB`, then keyword overrides.

    Overrides use `section__field=value` for stage settings (e.g. `compare__align_threshold=0.7`).
    """
    data = tomllib.loads(resources.files("newsprism").joinpath("defaults.toml").read_text("utf-8"))
    if config_file:
        try:
            user = tomllib.loads(Path(config_file).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{config_file}: cannot read settings: {exc}") from exc
        for key, value in user.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
    if os.environ.get("NEWSPRISM_DB"):
        data["db"] = os.environ["NEWSPRISM_DB"]
    for key, value in overrides.items():
        if value is None:
            continue
        section, _, name = key.partition("__")
        if name:
            data.setdefault(section, {})[name] = value
        else:
            data[key] = value
    try:
        return _build(data)
    except ConfigError as exc:
        raise ConfigError(f"{config_file}: {exc}" if config_file else str(exc)) from None


def _build(data: dict[str, Any]) -> Settings:
    kwargs: dict[str, Any] = {}
    top = {f.name: f for f in dataclasses.fields(Settings)}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{key} must be a table ([{key}] with its settings), got {value!r}")
            fields = {f.name: f for f in dataclasses.fields(_SECTIONS[key])}
            unknown = set(value) - set(fields)
            if unknown:
                raise ConfigError(f"unknown setting(s) in [{key}]: {', '.join(sorted(unknown))}")
            kwargs[key] = _SECTIONS[key](**{name: _typed(f"{key}.{name}", item, fields[name].default)
                                            for name, item in value.items()})
        elif key in top:
            kwargs[key] = _typed(key, value, top[key].default)
        else:
            raise ConfigError(f"unknown setting: {key}")
    return Settings(**kwargs)


def _typed(name: str, value: Any, default: Any) -> Any:
    """`value` when it has the type of the setting's default (an int is taken for a float), else ConfigError:
    "false" in quotes must not switch a flag on, nor "forty" reach a comparison with a number."""
    for kind, label in ((bool, "true or false"), (int, "a whole number"), (float, "a number"), (str, "a string")):
        if isinstance(default, kind):
            fits = isinstance(value, kind) or (kind is float and isinstance(value, int))
            if not fits or (kind is not bool and isinstance(value, bool)):
                raise ConfigError(f"{name} must be {label}, got {value!r}")
            return float(value) if kind is float else value
    return value
