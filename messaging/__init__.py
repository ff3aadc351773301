"""The outbox: every e-mail the portal sends is a row written with the change that causes it."""
