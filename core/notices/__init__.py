"""What waits for a person: the desk's list (:mod:`core.notices.inbox`) and the e-mails
sent when it grows (:mod:`core.notices.mail`)."""
