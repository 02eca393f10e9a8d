from datetime import date
from pathlib import Path

from corridor.config import Settings


def test_defaults_point_at_the_local_simulator(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.warehouse == Path("data/corridor.duckdb")
    assert settings.ktz_url == "http://127.0.0.1:8700/ktz" and settings.baku_url.endswith("/baku")
    assert settings.start_date(date(2024, 3, 10)) == date(2024, 3, 3)


def test_environment_and_dotenv_are_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CORRIDOR_KTZ_TOKEN=from-dotenv\nCORRIDOR_START=2024-01-01\n")
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", "/srv/w.duckdb")
    settings = Settings()
    assert settings.ktz_token.get_secret_value() == "from-dotenv"
    assert settings.start == date(2024, 1, 1) and settings.warehouse == Path("/srv/w.duckdb")


def test_secrets_never_print(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("KTZ_TOKEN", "ADY_API_KEY", "AKTAU_CLIENT_SECRET", "BAKU_PASSWORD"):
        monkeypatch.setenv(f"CORRIDOR_{name}", f"secret-{name}")
    settings = Settings()
    shown = f"{settings} {settings!r} {settings.model_dump()} {settings.model_dump_json()}"
    assert "secret-" not in shown
