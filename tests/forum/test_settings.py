"""Every rule is a setting: read from the environment, checked at start-up (a bad value stops it
with a message naming the variable), and listed in the README's table, made from the same list."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from starlette.applications import Starlette

from forum.jobs import remind_to_accept
from forum.models import User
from forum.settings import (
    ROOT,
    VARIABLES,
    SettingError,
    Settings,
    configure,
    load_settings,
    settings_table,
)
from tests.conftest import make_settings
from tests.factories import T0, api, make_answer, make_question

# Settings fields that are not rules an operator tunes: the product's fixed lists, the page
# size of the lists, and room for tests.
NOT_VARIABLES = {"locales", "payout_methods", "page_size", "extra"}


def test_every_variable_sets_a_field_and_every_field_has_a_variable() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)}
    named = [v.field for v in VARIABLES]
    assert len(named) == len(set(named)), "a field with two variables"
    assert set(named) <= fields
    assert fields - set(named) == NOT_VARIABLES
    assert len({v.name for v in VARIABLES}) == len(VARIABLES)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("PEERDESK_MAX_CLAIMS", "ten", "must be a whole number"),
        ("PEERDESK_DEMO", "disabled", "must be 1 or 0"),
        ("PEERDESK_FIRST_RESPONSE_HOURS", "99999999999", "must be from 1 to 876000"),
        ("PEERDESK_FIRST_RESPONSE_HOURS", "0", "must be at least 1"),
        ("PEERDESK_PAYOUT_CHUNK", "5000", "must be from 1 to 3000"),
        ("PEERDESK_FRAUD_SERIAL_KUDOS_PERCENT", "150", "must be from 1 to 100"),
        ("PEERDESK_POINT_VALUE", "-1", "must be positive"),
        ("PEERDESK_STAFF_CONTACT_COST", "eight", "must be a decimal number"),
        ("PEERDESK_PAYOUT_PERIOD", "weekly", "must be one of monthly, semiannual"),
        ("PEERDESK_SMTP_SECURITY", "tls", "must be one of starttls, ssl, none"),
        ("PEERDESK_BASE_URL", "forum.example", "must be an http:// or https:// URL"),
        ("PEERDESK_RATE_POSTS", "5/fortnight", "must hold windows like"),
        ("PEERDESK_RATE_KUDOS", " , ", "must give at least one window"),
        ("PEERDESK_URGENT_KEYWORDS", "", "must name at least one word"),
        ("PEERDESK_RANKS", "guru:1:1,helper:0:0", "must list its ranks lowest first"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingError) as refused:
        load_settings(secret_key="k")
    assert str(refused.value).startswith(f"{variable} {says}")
    assert repr(value) in str(refused.value)


def test_good_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERDESK_URGENT_KEYWORDS", "Fraud, diefstal ,")
    monkeypatch.setenv("PEERDESK_RATE_POSTS", "2/minute,20/day")
    monkeypatch.setenv("PEERDESK_FLAG_THRESHOLD", " 4 ")
    monkeypatch.setenv("PEERDESK_RATE_LIMITS", "off")
    settings = load_settings(secret_key="k")
    assert settings.urgent_keywords == ("fraud", "diefstal")
    assert settings.rate_posts == ("2/minute", "20/day")
    assert settings.flag_threshold == 4 and settings.rate_limits is False


def test_the_command_line_stops_with_the_message() -> None:
    env = {**os.environ, "PEERDESK_MAX_CLAIMS": "-3"}
    done = subprocess.run(
        [sys.executable, "run.py", "check-settings"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        done.stderr
        == "Peerdesk cannot start: PEERDESK_MAX_CLAIMS must be at least 1 (it is '-3').\n"
    )
    assert "Traceback" not in done.stderr


def test_the_readme_lists_every_variable_as_the_settings_module_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- settings-table: run.py check-settings -->\n", "<!-- /settings-table -->"
    assert start in readme and end in readme
    table = readme.split(start, 1)[1].split(end, 1)[0]
    assert table == settings_table(), "run `python run.py check-settings` and paste its table"


async def test_a_tuned_reminder_delay_and_post_limit_take_effect(
    app: Starlette, asker: User, helper: User
) -> None:
    configure(make_settings(remind_accept_after_days=1, rate_limits=True, rate_posts=("2/hour",)))
    question = await make_question(asker, title="How do I keep my number?", at=T0)
    await make_answer(question, helper)
    assert await remind_to_accept(T0 + timedelta(days=1, minutes=1)) == 1
    other = await make_question(asker, title="Which APN do I use abroad?", at=T0)
    async with await api(app, helper) as client:
        url = f"/api/v1/questions/{other.id}/answers"
        assert (await client.post(url, json={"body": "Use the internet APN."})).status_code == 201
        assert (await client.post(url, json={"body": "Or try this one."})).status_code == 201
        assert (await client.post(url, json={"body": "A third one."})).status_code == 429
