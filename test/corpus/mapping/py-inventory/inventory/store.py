"""Items and stock levels in SQLite (the sqlite3 instrumentation traces each statement run through a cursor)."""
import sqlite3


class Store:
    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)
        cur = self.conn.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT, stock INTEGER, price REAL)")  # @span CREATE
        cur.execute("INSERT OR REPLACE INTO items VALUES (1, 'kettle', 4, 25.0), (2, 'teapot', 0, 18.5)")  # @span INSERT
        self.conn.commit()

    def get_item(self, item_id: int):
        cur = self.conn.cursor()
        cur.execute("SELECT id, name, stock, price FROM items WHERE id = ?", (item_id,))  # @span SELECT
        row = cur.fetchone()
        return None if row is None else {"id": row[0], "name": row[1], "stock": row[2], "price": row[3]}

    def take(self, item_id: int, count: int) -> None:
        cur = self.conn.cursor()
        cur.execute("UPDATE items SET stock = stock - ? WHERE id = ?", (count, item_id))  # @span UPDATE
        self.conn.commit()
