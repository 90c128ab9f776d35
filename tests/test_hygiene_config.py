"""The config file on its own: tables, key spellings, value conversion, validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from reuse_audit.hygiene import HygieneInputError
from reuse_audit.hygiene.config import read_config, settings_for
from tests.test_hygiene_cli import APP


def _settings(tmp_path: Path, text: str, *path: str) -> dict[str, object]:
    cfg = tmp_path / "reuse-audit.toml"
    cfg.write_text(text)
    root = typer.main.get_command(APP)
    return {k: v.value for k, v in settings_for(read_config(cfg), root, tuple(path)).items()}


def test_keys_take_dashes_or_underscores_and_the_option_name(tmp_path: Path) -> None:
    got = _settings(tmp_path, '[audit]\nfail-on = "pwned"\nmin_length = 14\nformat = "json"\n', "audit")
    assert got == {"fail_on": "pwned", "min_length": 14, "output_format": "json"}


def test_lists_become_comma_lists_or_repeated_options(tmp_path: Path) -> None:
    got = _settings(tmp_path, '[audit]\nchecks = ["reuse", "strength"]\nignore-group = "PINs"\n', "audit")
    assert got == {"checks": "reuse,strength", "ignore_group": ["PINs"]}


def test_paths_are_expanded_and_relative_to_the_file(tmp_path: Path) -> None:
    got = _settings(tmp_path, '[audit]\nbaseline = "b.json"\nhibp-file = "~/pwned.txt"\n', "audit")
    assert got["baseline"] == str(tmp_path / "b.json")
    assert got["hibp_file"] == str(Path("~/pwned.txt").expanduser())


def test_top_level_keys_apply_to_every_command_that_has_them(tmp_path: Path) -> None:
    text = 'offline = true\nfail-on = "pwned"\n[audit]\nmin-length = 16\n[baseline.create]\nslim = true\n'
    assert _settings(tmp_path, text, "trend") == {}
    assert _settings(tmp_path, text, "baseline", "create") == {"offline": True, "min_length": 16, "slim": True}


@pytest.mark.parametrize(("text", "message"), [
    ("[baseline]\nslim = true\n", "unknown setting 'slim' in [baseline]"),
    ("[baseline.create]\nfail-on = 'x'\n", "unknown setting 'fail-on' in [baseline.create]"),
    ("config = 'x.toml'\n", "unknown setting 'config'"),
])
def test_unknown_keys_and_tables_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(HygieneInputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _settings(tmp_path, text, "audit")
