"""The inventory service: a Flask app over an SQLite store."""
from flask import Flask

from inventory.routes import bp
from inventory.store import Store


def create_app(db_path: str) -> Flask:
    app = Flask(__name__)
    app.config["STORE"] = Store(db_path)
    app.register_blueprint(bp)
    return app
