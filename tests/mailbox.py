"""A real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread) that keeps what it is sent.

It answers 451 (try again later) to the next `busy` messages and 550 to recipients in `refuse`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from forum.settings import Settings
from tests.conftest import make_settings


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.busy = 0
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy > 0:
            self.busy -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """The mailbox and the port its server listens on."""
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def box(mailbox: tuple[Mailbox, int]) -> Mailbox:
    return mailbox[0]


def smtp_settings(mailbox: tuple[Mailbox, int], **overrides: Any) -> Settings:
    """Test settings that send mail to this mailbox, with links to https://forum.example."""
    return make_settings(
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        smtp_security="none",
        base_url="https://forum.example",
        **overrides,
    )


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())
