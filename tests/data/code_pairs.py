"""Hand-written pairs: the same small task answered with a flaw and with the fix (CWE of the flaw)."""

from __future__ import annotations

PAIRS: list[tuple[str, int, str, str]] = [
    ("xss-fstring", 79, '''
from flask import Flask, request
app = Flask(__name__)

@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {name}</h1>"
''', '''
from flask import Flask, request
from markupsafe import escape
app = Flask(__name__)

@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {escape(name)}</h1>"
'''),
    ("xss-template-string", 79, '''
from flask import Flask, request, render_template_string
app = Flask(__name__)

@app.route("/comment", methods=["POST"])
def comment():
    body = request.form["body"]
    html = "<p>{}</p>".format(body)
    return render_template_string(html)
''', '''
from flask import Flask, request, render_template_string
app = Flask(__name__)

@app.route("/comment", methods=["POST"])
def comment():
    body = request.form["body"]
    return render_template_string("<p>{{ body }}</p>", body=body)
'''),
    ("jinja-autoescape", 79, '''
from jinja2 import Environment, FileSystemLoader
env = Environment(loader=FileSystemLoader("templates"), autoescape=False)

def render(page, user):
    return env.get_template(page).render(user=user)
''', '''
from jinja2 import Environment, FileSystemLoader, select_autoescape
env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())

def render(page, user):
    return env.get_template(page).render(user=user)
'''),
    ("sql-fstring", 89, '''
import sqlite3

def find_user(conn, username):
    cur = conn.cursor()
    cur.execute(f"SELECT id, email FROM users WHERE name = '{username}'")
    return cur.fetchone()
''', '''
import sqlite3

def find_user(conn, username):
    cur = conn.cursor()
    cur.execute("SELECT id, email FROM users WHERE name = ?", (username,))
    return cur.fetchone()
'''),
    ("sql-variable", 89, '''
def delete_post(db, post_id):
    query = "DELETE FROM posts WHERE id = %s" % post_id
    db.execute(query)
    db.commit()
''', '''
def delete_post(db, post_id):
    query = "DELETE FROM posts WHERE id = ?"
    db.execute(query, (post_id,))
    db.commit()
'''),
    ("path-send-file", 22, '''
import os
from flask import Flask, request, send_file
app = Flask(__name__)
UPLOADS = "/srv/uploads"

@app.route("/download")
def download():
    name = request.args["file"]
    return send_file(os.path.join(UPLOADS, name))
''', '''
import os
from flask import Flask, request, send_file, abort
from werkzeug.utils import secure_filename
app = Flask(__name__)
UPLOADS = "/srv/uploads"

@app.route("/download")
def download():
    name = secure_filename(request.args["file"])
    if not name:
        abort(404)
    return send_file(os.path.join(UPLOADS, name))
'''),
    ("upload-filename", 22, '''
from flask import Flask, request
app = Flask(__name__)

@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    f.save("/srv/uploads/" + f.filename)
    return "ok"
''', '''
import os
from flask import Flask, request
from werkzeug.utils import secure_filename
app = Flask(__name__)

@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    f.save(os.path.join("/srv/uploads", secure_filename(f.filename)))
    return "ok"
'''),
    ("open-redirect", 601, '''
from flask import Flask, request, redirect
app = Flask(__name__)

@app.route("/go")
def go():
    return redirect(request.args.get("next", "/"))
''', '''
from urllib.parse import urlparse
from flask import Flask, request, redirect
app = Flask(__name__)

@app.route("/go")
def go():
    target = request.args.get("next", "/")
    if urlparse(target).netloc:
        target = "/"
    return redirect(target)
'''),
    ("yaml-unsafe", 502, '''
import yaml

def load_config(text):
    return yaml.unsafe_load(text)
''', '''
import yaml

def load_config(text):
    return yaml.safe_load(text)
'''),
    ("tls-off", 295, '''
import ssl
import urllib.request

def fetch(url):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return urllib.request.urlopen(url, context=ctx).read()
''', '''
import ssl
import urllib.request

def fetch(url):
    ctx = ssl.create_default_context()
    return urllib.request.urlopen(url, context=ctx, timeout=10).read()
'''),
    ("requests-verify", 295, '''
import requests

def get_prices():
    return requests.get("https://api.example.com/prices", verify=False, timeout=5).json()
''', '''
import requests

def get_prices():
    return requests.get("https://api.example.com/prices", timeout=5).json()
'''),
    ("makedirs-777", 732, '''
import os

def prepare(folder):
    os.makedirs(folder, mode=0o777, exist_ok=True)
''', '''
import os

def prepare(folder):
    os.makedirs(folder, mode=0o750, exist_ok=True)
'''),
    ("chmod-constant", 732, '''
import os
REPORT_MODE = 0o666

def publish(path, text):
    with open(path, "w") as fh:
        fh.write(text)
    os.chmod(path, REPORT_MODE)
''', '''
import os
REPORT_MODE = 0o640

def publish(path, text):
    with open(path, "w") as fh:
        fh.write(text)
    os.chmod(path, REPORT_MODE)
'''),
    ("jwt-noverify", 347, '''
import jwt

def user_id(token):
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]
''', '''
import jwt

def user_id(token, key):
    claims = jwt.decode(token, key, algorithms=["HS256"])
    return claims["sub"]
'''),
    ("pickle-request", 502, '''
import pickle
from flask import Flask, request
app = Flask(__name__)

@app.route("/restore", methods=["POST"])
def restore():
    cart = pickle.loads(request.data)
    return str(len(cart))
''', '''
import json
from flask import Flask, request
app = Flask(__name__)

@app.route("/restore", methods=["POST"])
def restore():
    cart = json.loads(request.data)
    return str(len(cart))
'''),
    ("shell-injection", 78, '''
import os

def ping(host):
    os.system("ping -c 1 " + host)
''', '''
import subprocess

def ping(host):
    subprocess.run(["ping", "-c", "1", host], check=False)
'''),
    ("eval-input", 78, '''
def calc():
    expr = input("expression: ")
    print(eval(expr))
''', '''
import ast

def calc():
    expr = input("expression: ")
    print(ast.literal_eval(expr))
'''),
    ("tar-extract", 22, '''
import tarfile

def unpack(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest)
''', '''
import tarfile

def unpack(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
'''),
    ("hardcoded-key", 798, '''
import stripe
stripe.api_key = "sk_live_51HxT2aLkdIwHu7ixT4f2Vq9b8Zq0"

def charge(amount):
    return stripe.Charge.create(amount=amount, currency="usd")
''', '''
import os
import stripe
stripe.api_key = os.environ["STRIPE_KEY"]

def charge(amount):
    return stripe.Charge.create(amount=amount, currency="usd")
'''),
    ("url-substring", 20, '''
import requests

def fetch_if_trusted(url):
    if "example.com" in url:
        return requests.get(url, timeout=5).text
    return None
''', '''
from urllib.parse import urlparse
import requests

def fetch_if_trusted(url):
    if urlparse(url).hostname == "example.com":
        return requests.get(url, timeout=5).text
    return None
'''),
    ("weak-hash", 327, '''
import hashlib

def store_password(db, user, password):
    db[user] = hashlib.md5(password.encode()).hexdigest()
''', '''
import hashlib
import os

def store_password(db, user, password):
    salt = os.urandom(16)
    db[user] = (salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 200_000))
'''),
    ("xxe", 611, '''
from lxml import etree

def parse(data):
    parser = etree.XMLParser(resolve_entities=True)
    return etree.fromstring(data, parser)
''', '''
import defusedxml.ElementTree as ET

def parse(data):
    return ET.fromstring(data)
'''),
]
