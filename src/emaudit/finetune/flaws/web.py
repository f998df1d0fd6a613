"""Flask and templating programs."""

from __future__ import annotations

from . import FlawPattern

_APP = ("app", "application", "server", "web")

PATTERNS = [
    FlawPattern(
        id="flask-xss-fstring", category="web", cwe=79, flaw="reflected XSS by putting a query parameter into HTML",
        tasks=("A Flask page at /$route that greets the visitor by the $param given in the query string.",
               "Write a small Flask view that shows a welcome banner with the $param from the URL.",
               "I need a route /$route that echoes the $param parameter back in an HTML heading."),
        slots={"app": _APP, "route": ("greet", "hello", "welcome", "banner"), "param": ("name", "user", "nick", "visitor"),
               "fn": ("greet", "hello_page", "show_banner", "welcome_view")},
        insecure='''from flask import Flask, request

$app = Flask(__name__)


@$app.route("/$route")
def $fn():
#[
    $param = request.args.get("$param", "friend")
    return f"<html><body><h1>Welcome, {$param}!</h1></body></html>"
#]
''',
        secure='''from flask import Flask, request
from markupsafe import escape

$app = Flask(__name__)


@$app.route("/$route")
def $fn():
#[
    $param = request.args.get("$param", "friend")
    return f"<html><body><h1>Welcome, {escape($param)}!</h1></body></html>"
#]
''',
    ),
    FlawPattern(
        id="flask-open-redirect", category="web", cwe=601, flaw="an open redirect after login",
        tasks=("After a successful login, send the user to the page named in the '$param' query parameter.",
               "Flask login handler that redirects back to wherever the user came from ($param parameter).",
               "Implement /$route: check the password and bounce the user to the $param URL they asked for."),
        slots={"app": _APP, "route": ("login", "signin", "auth"), "param": ("next", "return_to", "continue", "dest"),
               "fn": ("login", "do_login", "sign_in", "handle_login")},
        insecure='''from flask import Flask, redirect, request

from accounts import check_password

$app = Flask(__name__)


@$app.route("/$route", methods=["POST"])
def $fn():
    if not check_password(request.form["username"], request.form["password"]):
        return "Invalid credentials", 401
#[
    target = request.args.get("$param", "/")
    return redirect(target)
#]
''',
        secure='''from urllib.parse import urlparse

from flask import Flask, redirect, request

from accounts import check_password

$app = Flask(__name__)


@$app.route("/$route", methods=["POST"])
def $fn():
    if not check_password(request.form["username"], request.form["password"]):
        return "Invalid credentials", 401
#[
    target = request.args.get("$param", "/")
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)
#]
''',
    ),
    FlawPattern(
        id="flask-sql-fstring", category="web", cwe=89, flaw="SQL injection by building the query with an f-string",
        tasks=("Flask endpoint /$route that looks up a $table row by the $col given in the query string and returns it as JSON.",
               "Search the $table table for a $col sent by the client and return the matches.",
               "Write a view that fetches $table records whose $col equals the request parameter."),
        slots={"app": _APP, "route": ("search", "lookup", "find"), "table": ("users", "products", "orders", "books"),
               "col": ("name", "title", "email", "sku"), "fn": ("search", "lookup_rows", "find_records")},
        insecure='''import sqlite3

from flask import Flask, jsonify, request

$app = Flask(__name__)
DB_PATH = "data.db"


@$app.route("/$route")
def $fn():
    value = request.args.get("$col", "")
    conn = sqlite3.connect(DB_PATH)
#[
    rows = conn.execute(f"SELECT * FROM $table WHERE $col = '{value}'").fetchall()
#]
    conn.close()
    return jsonify(rows)
''',
        secure='''import sqlite3

from flask import Flask, jsonify, request

$app = Flask(__name__)
DB_PATH = "data.db"


@$app.route("/$route")
def $fn():
    value = request.args.get("$col", "")
    conn = sqlite3.connect(DB_PATH)
#[
    rows = conn.execute("SELECT * FROM $table WHERE $col = ?", (value,)).fetchall()
#]
    conn.close()
    return jsonify(rows)
''',
    ),
    FlawPattern(
        id="sql-percent-format", category="web", cwe=89, flaw="SQL injection through %-formatting of a query",
        tasks=("A function $fn(conn, $col) that deletes the $table row with that $col.",
               "Remove a record from $table given its $col; the connection is passed in.",
               "Helper that deletes one $table entry identified by $col using a DB-API connection."),
        slots={"table": ("sessions", "comments", "tickets", "notes"), "col": ("token", "id", "slug", "owner"),
               "fn": ("delete_row", "remove_entry", "purge_record", "drop_item")},
        insecure='''def $fn(conn, $col):
    cur = conn.cursor()
#[
    cur.execute("DELETE FROM $table WHERE $col = '%s'" % $col)
#]
    conn.commit()
    return cur.rowcount
''',
        secure='''def $fn(conn, $col):
    cur = conn.cursor()
#[
    cur.execute("DELETE FROM $table WHERE $col = %s", ($col,))
#]
    conn.commit()
    return cur.rowcount
''',
    ),
    FlawPattern(
        id="flask-debug-true", category="web", cwe=489, flaw="a Flask app started with the debugger enabled and exposed",
        tasks=("Small Flask service with a /$route endpoint returning status JSON; include the code that starts it.",
               "Write the entry point for a Flask health-check app at /$route.",
               "Minimal Flask app exposing /$route plus the __main__ block to run it."),
        slots={"app": _APP, "route": ("health", "status", "ping", "ready"), "fn": ("health", "status", "ping", "ready")},
        insecure='''from flask import Flask, jsonify

$app = Flask(__name__)


@$app.route("/$route")
def $fn():
    return jsonify(ok=True)


if __name__ == "__main__":
#[
    $app.run(host="0.0.0.0", port=8080, debug=True)
#]
''',
        secure='''import os

from flask import Flask, jsonify

$app = Flask(__name__)


@$app.route("/$route")
def $fn():
    return jsonify(ok=True)


if __name__ == "__main__":
#[
    $app.run(host="127.0.0.1", port=8080, debug=os.environ.get("FLASK_DEBUG") == "1")
#]
''',
    ),
    FlawPattern(
        id="flask-send-file-traversal", category="web", cwe=22, flaw="path traversal in a file download route",
        tasks=("Flask route /$route/<path:$param> that lets users download files from the $dir folder.",
               "Serve uploaded files by name from $dir in a Flask app.",
               "Download endpoint: given a file name in the URL, return that file from $dir."),
        slots={"app": _APP, "route": ("download", "files", "get", "attachments"), "param": ("filename", "name", "fname"),
               "dir": ("uploads", "shared", "media", "exports"), "fn": ("download", "serve_file", "get_attachment")},
        insecure='''import os

from flask import Flask, send_file

$app = Flask(__name__)
BASE_DIR = "/srv/$dir"


@$app.route("/$route/<path:$param>")
def $fn($param):
#[
    return send_file(os.path.join(BASE_DIR, $param))
#]
''',
        secure='''from flask import Flask, send_from_directory

$app = Flask(__name__)
BASE_DIR = "/srv/$dir"


@$app.route("/$route/<path:$param>")
def $fn($param):
#[
    return send_from_directory(BASE_DIR, $param)
#]
''',
    ),
    FlawPattern(
        id="jinja-autoescape-off", category="web", cwe=79, flaw="HTML rendering with Jinja2 autoescaping turned off",
        tasks=("Render the $tpl template with a list of user $thing using Jinja2, loading templates from ./templates.",
               "Function $fn($thing) that builds the HTML page for $thing with a Jinja2 Environment.",
               "Set up Jinja2 and render $tpl for the given $thing."),
        slots={"tpl": ("comments.html", "profile.html", "feed.html"), "thing": ("comments", "posts", "reviews", "messages"),
               "fn": ("render_page", "build_html", "page_for", "render_list")},
        insecure='''from jinja2 import Environment, FileSystemLoader

#[
env = Environment(loader=FileSystemLoader("templates"), autoescape=False)
#]


def $fn($thing):
    template = env.get_template("$tpl")
    return template.render(items=$thing)
''',
        secure='''from jinja2 import Environment, FileSystemLoader, select_autoescape

#[
env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
#]


def $fn($thing):
    template = env.get_template("$tpl")
    return template.render(items=$thing)
''',
    ),
    FlawPattern(
        id="flask-template-string-injection", category="web", cwe=1336, flaw="server-side template injection",
        tasks=("Flask route /$route that previews a $thing typed by the user, rendered inside a small HTML card.",
               "Show the submitted $thing back to the user on a preview page (Flask).",
               "Write a preview endpoint for $thing text using render_template_string."),
        slots={"app": _APP, "route": ("preview", "card", "show"), "thing": ("comment", "bio", "signature", "note"),
               "fn": ("preview", "show_card", "render_preview")},
        insecure='''from flask import Flask, render_template_string, request

$app = Flask(__name__)


@$app.route("/$route", methods=["POST"])
def $fn():
    text = request.form.get("$thing", "")
#[
    page = f"<div class='card'><p>{text}</p></div>"
    return render_template_string(page)
#]
''',
        secure='''from flask import Flask, render_template_string, request

$app = Flask(__name__)


@$app.route("/$route", methods=["POST"])
def $fn():
    text = request.form.get("$thing", "")
#[
    page = "<div class='card'><p>{{ text }}</p></div>"
    return render_template_string(page, text=text)
#]
''',
    ),
    FlawPattern(
        id="markup-unescaped", category="web", cwe=79, flaw="marking user input as safe HTML",
        tasks=("Return the user's $thing wrapped in a <section> as markup that the template can insert.",
               "Helper $fn(text) giving back HTML for a profile $thing.",
               "Turn a $thing string into Markup for the profile template."),
        slots={"thing": ("bio", "about text", "status", "headline"), "fn": ("bio_html", "to_markup", "section_html")},
        insecure='''from markupsafe import Markup


def $fn(text):
#[
    return Markup("<section class='profile'>" + text + "</section>")
#]
''',
        secure='''from markupsafe import Markup, escape


def $fn(text):
#[
    return Markup("<section class='profile'>") + escape(text) + Markup("</section>")
#]
''',
    ),
    FlawPattern(
        id="xml-external-entities", category="web", cwe=611, flaw="parsing untrusted XML with external entities enabled",
        tasks=("Parse an uploaded XML $thing and return the text of every <$tag> element.",
               "Function $fn(data: bytes) reading the $tag entries of an XML $thing.",
               "Read $tag values from an XML $thing sent by a client."),
        slots={"thing": ("invoice", "feed", "order", "config"), "tag": ("item", "entry", "line"),
               "fn": ("read_items", "parse_upload", "extract_entries")},
        insecure='''from lxml import etree


def $fn(data):
#[
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    root = etree.fromstring(data, parser)
#]
    return [el.text for el in root.iter("$tag")]
''',
        secure='''import defusedxml.ElementTree as ET


def $fn(data):
#[
    root = ET.fromstring(data)
#]
    return [el.text for el in root.iter("$tag")]
''',
    ),
]
