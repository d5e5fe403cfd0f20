"""Follow-up letters as e-mail drafts: RFC 5322 `.eml` files a mail client opens as unsent."""

from __future__ import annotations

from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from roundup_crm.documents.environment import labels
from roundup_crm.reports.letters import FollowupLetter


def _address(name: str, email: str) -> Address | None:
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError):  # an address the header registry cannot hold
        return None


def build_eml(
    letter: FollowupLetter,
    *,
    text: str,
    html: str,
    attachments: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """A draft addressed to the contacts met who have an e-mail address (the others are
    listed in the command's summary), plain text with an HTML alternative, PDFs attached.

    `X-Unsent: 1` makes Outlook and Apple Mail open it as a message to send, not one
    received.
    """
    message = EmailMessage(policy=policy.default)
    message["Subject"] = labels(letter.lang)["letter"]["subject"].format(market=letter.market)
    sender = letter.signature
    if sender.email:
        found = _address(sender.name, sender.email)
        if found is not None:
            message["From"] = found
    recipients = [a for r in letter.addressed if (a := _address(r.name, r.email or ""))]
    if recipients:
        message["To"] = recipients
    message["Date"] = format_datetime(letter.generated_at)
    domain = sender.email.split("@")[-1] if sender.email and "@" in sender.email else None
    message["Message-ID"] = make_msgid(domain=domain)
    message["X-Unsent"] = "1"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for filename, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return message.as_bytes()
