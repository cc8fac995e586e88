"""HTTP routes of the inventory service."""
from flask import Blueprint, abort, current_app, jsonify, request

from inventory.pricing import quote

bp = Blueprint("inventory", __name__)


class OutOfStock(Exception):
    pass


@bp.get("/items/<int:item_id>")  # @span GET /items/<int:item_id> | kind=server
def get_item(item_id: int):
    item = current_app.config["STORE"].get_item(item_id)
    if item is None:
        abort(404)
    return jsonify(item)


@bp.post("/items/<int:item_id>/reserve")  # @span POST /items/<int:item_id>/reserve | kind=server
def reserve(item_id: int):
    store = current_app.config["STORE"]
    item = store.get_item(item_id)
    count = int(request.args.get("count", "1"))
    if item is None:
        abort(404)
    if item["stock"] < count:
        raise OutOfStock(f"only {item['stock']} of {item['name']} left")
    store.take(item_id, count)
    return jsonify({"reserved": count, "total": quote(item, count)})
