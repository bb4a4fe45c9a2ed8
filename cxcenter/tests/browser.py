"""Browser test support (Playwright driving Debian's Chromium against the live server)."""
