"""URL parts the public links carry, matched strictly so that a malformed one is a 404 before any query."""


class TokenConverter:
    """A link's token: URL-safe base64 (secrets.token_urlsafe), at most 64 characters. A NUL byte or any other
    character PostgreSQL or the token's alphabet would refuse never reaches a view."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
