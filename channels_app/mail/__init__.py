"""E-mail intake: reading inbound messages into what a case needs (see `parse`)."""
