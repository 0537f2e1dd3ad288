"""Settings: defaults < chronique.toml < CHRONIQUE_* < arguments, checked (#2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chronique.errors import SettingsError
from chronique.settings import Settings, load_settings


@pytest.fixture
def toml(tmp_path: Path) -> Path:
    path = tmp_path / "chronique.toml"
    path.write_text(
        'db = "from-file.db"\nlanguages = ["fr"]\nworkers = 3\n\n[models]\nfr = "fr_core_news_sm"\n',
        encoding="utf-8",
    )
    return path


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings == Settings()
    assert (
        settings.db == Path("chronique.db") and settings.workers == 1 and settings.languages == ("fr", "en")
    )


def test_file_then_environment_then_arguments(toml: Path) -> None:
    from_file = load_settings(config=toml, env={})
    assert (from_file.db, from_file.languages, from_file.workers) == (Path("from-file.db"), ("fr",), 3)
    assert from_file.models == {"fr": "fr_core_news_sm"}
    env = {"CHRONIQUE_DB": "from-env.db", "CHRONIQUE_LANGUAGES": "fr, en ,de", "CHRONIQUE_WORKERS": "2"}
    from_env = load_settings(config=toml, env=env)
    assert (from_env.db, from_env.languages, from_env.workers) == (Path("from-env.db"), ("fr", "en", "de"), 2)
    from_args = load_settings(config=toml, env=env, db=Path("arg.db"), workers=None)
    assert (from_args.db, from_args.workers) == (Path("arg.db"), 2)  # None means "not given"


def test_chronique_toml_in_the_working_directory(toml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(toml.parent)
    assert load_settings(env={}).db == Path("from-file.db")


def test_models_from_the_environment() -> None:
    settings = load_settings(config=None, env={"CHRONIQUE_MODELS": "fr=fr_core_news_sm,en=en_core_web_md"})
    assert settings.models == {"fr": "fr_core_news_sm", "en": "en_core_web_md"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHRONIQUE_WORKERS": "many"}, "workers"),
        ({"CHRONIQUE_WORKERS": "0"}, "positive"),
        ({"CHRONIQUE_BATCH_SIZE": "-1"}, "positive"),
        ({"CHRONIQUE_DB": ""}, "'db'"),
    ],
)
def test_bad_values(
    env: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match=message):
        load_settings(env=env)


def test_unknown_setting_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "chronique.toml"
    path.write_text('dbb = "typo.db"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"unknown setting.*dbb.*known:.*db"):
        load_settings(config=path, env={})


def test_broken_or_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("db = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"broken\.toml"):
        load_settings(config=broken, env={})
    with pytest.raises(SettingsError, match="no such settings file"):
        load_settings(config=tmp_path / "absent.toml", env={})


def test_replace_checks_too() -> None:
    settings = Settings().replace(workers="4", db="x.db")
    assert (settings.workers, settings.db) == (4, Path("x.db"))
    with pytest.raises(SettingsError):
        Settings().replace(workers=0)
