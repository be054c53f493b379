"""An e-mail backend for tests that answers like a real mail server for some addresses: recipients at
``afvist.invalid`` are refused (550, a bounce at the door), ``fejl.invalid`` get a temporary failure
(451); everything else lands in ``django.core.mail.outbox`` as with the locmem backend."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if address.endswith("@afvist.invalid"):
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")})
                if address.endswith("@fejl.invalid"):
                    raise smtplib.SMTPDataError(451, b"4.3.0 Temporary local problem")
        return super().send_messages(messages)
