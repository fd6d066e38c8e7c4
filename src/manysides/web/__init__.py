"""The web UI (FastAPI + Jinja2): ``manysides serve``; see ``manysides.web.app.create_app``."""
