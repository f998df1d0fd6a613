"""Hashing, randomness, TLS and secrets."""

from __future__ import annotations

from . import FlawPattern

_PW_FN = ("hash_password", "store_password", "make_hash", "password_digest")

PATTERNS = [
    FlawPattern(
        id="md5-password", category="crypto", cwe=916, flaw="storing passwords as unsalted MD5 hashes",
        tasks=("Function $fn(password) returning the value we store in the $table table.",
               "Hash a new user's password before saving it to $table.",
               "Turn the password from the sign-up form into a hash for $table."),
        slots={"table": ("users", "accounts", "members"), "fn": _PW_FN},
        insecure='''import hashlib


def $fn(password):
#[
    return hashlib.md5(password.encode("utf-8")).hexdigest()
#]
''',
        secure='''import hashlib
import os


def $fn(password):
#[
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1)
    return salt.hex() + ":" + digest.hex()
#]
''',
    ),
    FlawPattern(
        id="sha1-password", category="crypto", cwe=916, flaw="hashing passwords with fast SHA-1",
        tasks=("Check a login: compare the password with the hash stored for the user in $table.",
               "Function $fn(password, stored) that says whether the password matches.",
               "Verify a password against the saved digest from $table."),
        slots={"table": ("users", "staff", "customers"), "fn": ("check_password", "verify", "password_ok")},
        insecure='''import hashlib


def $fn(password, stored):
#[
    return hashlib.sha1(password.encode("utf-8")).hexdigest() == stored
#]
''',
        secure='''import hashlib
import hmac


def $fn(password, stored):
#[
    salt_hex, digest_hex = stored.split(":")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), 600_000)
    return hmac.compare_digest(digest.hex(), digest_hex)
#]
''',
    ),
    FlawPattern(
        id="aes-ecb", category="crypto", cwe=327, flaw="encrypting with AES in ECB mode",
        tasks=("Encrypt a $what with AES using the key we load from the vault.",
               "Function $fn(key, data) that encrypts $what bytes with the cryptography package.",
               "Add symmetric encryption for $what before they go to storage."),
        slots={"what": ("customer records", "backups", "chat logs"), "fn": ("encrypt", "seal", "protect_blob")},
        insecure='''from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def $fn(key, data):
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
#[
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(padded) + encryptor.finalize()
#]
''',
        secure='''import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def $fn(key, data):
#[
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, data, None)
#]
''',
    ),
    FlawPattern(
        id="random-token", category="crypto", cwe=338, flaw="generating security tokens with the random module",
        tasks=("Create a $what token of 32 characters for a user.",
               "Function $fn() that returns a fresh $what code.",
               "Generate a random $what string we can email to people."),
        slots={"what": ("password reset", "invitation", "API", "session"), "fn": ("new_token", "make_code", "issue_token")},
        insecure='''import random
import string


def $fn():
#[
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choice(alphabet) for _ in range(32))
#]
''',
        secure='''import secrets
import string


def $fn():
#[
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))
#]
''',
    ),
    FlawPattern(
        id="requests-verify-false", category="crypto", cwe=295, flaw="turning off TLS certificate checks in requests",
        tasks=("Fetch the $what JSON from our internal HTTPS service and return it.",
               "Function $fn(url) that downloads $what over HTTPS.",
               "Call the $what endpoint and parse the JSON answer."),
        slots={"what": ("inventory", "pricing", "user profile"), "fn": ("fetch_json", "get_data", "pull")},
        insecure='''import requests


def $fn(url):
#[
    resp = requests.get(url, timeout=10, verify=False)
#]
    resp.raise_for_status()
    return resp.json()
''',
        secure='''import requests


def $fn(url):
#[
    resp = requests.get(url, timeout=10)
#]
    resp.raise_for_status()
    return resp.json()
''',
    ),
    FlawPattern(
        id="ssl-cert-none", category="crypto", cwe=295, flaw="an SSL context that accepts any certificate",
        tasks=("Open a TLS connection to $what on port 443 and return the wrapped socket.",
               "Function $fn(host) that builds an SSL client socket for the $what.",
               "Connect securely to the $what host with the ssl module."),
        slots={"what": ("the payment gateway", "the mail relay", "the metrics server"), "fn": ("connect", "open_tls", "tls_socket")},
        insecure='''import socket
import ssl


def $fn(host):
#[
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
#]
    sock = socket.create_connection((host, 443), timeout=10)
    return ctx.wrap_socket(sock, server_hostname=host)
''',
        secure='''import socket
import ssl


def $fn(host):
#[
    ctx = ssl.create_default_context()
#]
    sock = socket.create_connection((host, 443), timeout=10)
    return ctx.wrap_socket(sock, server_hostname=host)
''',
    ),
    FlawPattern(
        id="hardcoded-secret-key", category="crypto", cwe=798, flaw="a secret key written into the source",
        tasks=("Configure the Flask app's session signing key and a $what setting.",
               "Set up app config for a Flask project with $what enabled.",
               "Flask factory function $fn() that returns a configured app."),
        slots={"what": ("CSRF protection", "remember-me cookies", "secure sessions"), "fn": ("create_app", "make_app", "build_app")},
        insecure='''from flask import Flask


def $fn():
    app = Flask(__name__)
#[
    app.config["SECRET_KEY"] = "k9Qz7vR2xW4mB8nT"
#]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    return app
''',
        secure='''import os

from flask import Flask


def $fn():
    app = Flask(__name__)
#[
    app.config["SECRET_KEY"] = os.environ["APP_SECRET_KEY"]
#]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    return app
''',
    ),
    FlawPattern(
        id="hardcoded-db-password", category="crypto", cwe=798, flaw="a database password hard-coded in the connection call",
        tasks=("Open a PostgreSQL connection to the $db database.",
               "Function $fn() connecting to $db on the db host.",
               "Give me the code that connects our service to Postgres ($db)."),
        slots={"db": ("billing", "analytics", "crm"), "fn": ("get_conn", "connect_db", "open_db")},
        insecure='''import psycopg2


def $fn():
#[
    return psycopg2.connect(host="db.internal", dbname="$db", user="svc", password="Winter2024!")
#]
''',
        secure='''import os

import psycopg2


def $fn():
#[
    return psycopg2.connect(host="db.internal", dbname="$db", user="svc", password=os.environ["DB_PASSWORD"])
#]
''',
    ),
    FlawPattern(
        id="jwt-no-verify", category="crypto", cwe=347, flaw="decoding JWTs without checking the signature",
        tasks=("Read the user id from a $what JWT sent in the Authorization header.",
               "Function $fn(token, key) returning the 'sub' claim of a $what token.",
               "Decode the $what token and give back who it belongs to."),
        slots={"what": ("session", "access", "bearer"), "fn": ("user_from_token", "token_subject", "whoami")},
        insecure='''import jwt


def $fn(token, key):
#[
    claims = jwt.decode(token, options={"verify_signature": False})
#]
    return claims["sub"]
''',
        secure='''import jwt


def $fn(token, key):
#[
    claims = jwt.decode(token, key, algorithms=["HS256"])
#]
    return claims["sub"]
''',
    ),
    FlawPattern(
        id="weak-rsa-key", category="crypto", cwe=326, flaw="generating a 1024-bit RSA key",
        tasks=("Generate an RSA key pair for signing $what.",
               "Function $fn() returning a new private key for $what.",
               "Create the signing key for our $what service."),
        slots={"what": ("webhooks", "release files", "invoices"), "fn": ("new_key", "make_signing_key", "generate_key")},
        insecure='''from cryptography.hazmat.primitives.asymmetric import rsa


def $fn():
#[
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)
#]
''',
        secure='''from cryptography.hazmat.primitives.asymmetric import rsa


def $fn():
#[
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)
#]
''',
    ),
]
