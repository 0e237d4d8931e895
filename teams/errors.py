"""Errors the services of every app raise alike."""

from django.core.exceptions import ValidationError


class RowsInvalid(ValidationError):
    """Some rows of a multi-row write were refused: ``rows`` = ``{key: {field: [messages]}}``.

    Still a ``ValidationError`` (its messages are "key: message" lines) for generic handlers.
    """

    def __init__(self, rows: dict):
        self.rows = rows
        super().__init__(
            [f"{key}: {m}" for key, fields in rows.items() for ms in fields.values() for m in ms]
        )
