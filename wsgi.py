"""WSGI entry point: `flask --app wsgi …`, gunicorn `wsgi:app`."""

from hai import create_app

app = create_app()
