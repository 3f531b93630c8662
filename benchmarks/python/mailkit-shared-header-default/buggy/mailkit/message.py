"""A plain-text message with threading-aware reply and forward."""

from __future__ import annotations

from collections.abc import Iterable

from mailkit.address import bare, normalize

_ORDER = ("From", "To", "Cc", "Subject")


class Message:
    def __init__(
        self,
        sender: str,
        to: Iterable[str],
        subject: str,
        body: str = "",
        cc: Iterable[str] = (),
        headers: dict[str, str] = {},
    ):
        self.sender = normalize(sender)
        self.to = [normalize(a) for a in to]
        self.cc = [normalize(a) for a in cc]
        self.subject = subject
        self.body = body
        self.headers = headers
        if not self.to:
            raise ValueError("a message needs at least one recipient")

    def set_header(self, name: str, value: str) -> None:
        """Set an extra header; the standard ones are set through attributes."""
        if name.title() in _ORDER:
            raise ValueError(f"{name} is set through the Message attributes")
        self.headers[name] = value

    def recipients(self) -> list[str]:
        """Bare addresses of every recipient, without duplicates, in order."""
        seen: list[str] = []
        for addr in self.to + self.cc:
            if bare(addr) not in seen:
                seen.append(bare(addr))
        return seen

    def render(self) -> str:
        lines = [f"From: {self.sender}", f"To: {', '.join(self.to)}"]
        if self.cc:
            lines.append(f"Cc: {', '.join(self.cc)}")
        lines.append(f"Subject: {self.subject}")
        lines.extend(f"{name}: {value}" for name, value in sorted(self.headers.items()))
        return "\n".join(lines) + "\n\n" + self.body

    def _threaded(self, reply: Message) -> Message:
        msg_id = self.headers.get("Message-ID")
        if msg_id:
            reply.set_header("In-Reply-To", msg_id)
            refs = self.headers.get("References", "")
            reply.set_header("References", f"{refs} {msg_id}".strip())
        return reply

    def reply(self, me: str, body: str, reply_all: bool = False) -> Message:
        subject = self.subject if self.subject.lower().startswith("re:") else f"Re: {self.subject}"
        cc: list[str] = []
        if reply_all:
            mine = {bare(me), bare(self.sender)}
            cc = [a for a in self.to + self.cc if bare(a) not in mine]
        quoted = "\n".join("> " + line for line in self.body.splitlines())
        text = f"{body}\n\n{quoted}" if quoted else body
        return self._threaded(Message(me, [self.sender], subject, text, cc))

    def forward(self, me: str, to: Iterable[str], note: str = "") -> Message:
        original = self.render()
        text = f"{note}\n\n---------- Forwarded message ----------\n{original}"
        return Message(me, to, f"Fwd: {self.subject}", text.lstrip("\n"))
