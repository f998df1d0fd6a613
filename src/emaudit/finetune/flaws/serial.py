"""Deserialisation of untrusted data."""

from __future__ import annotations

from . import FlawPattern

PATTERNS = [
    FlawPattern(
        id="pickle-loads", category="deserialisation", cwe=502, flaw="unpickling data received from clients",
        tasks=("Flask endpoint /$route that accepts a saved $what from the client and restores it.",
               "Restore a $what object posted to /$route.",
               "Let users upload their $what state and load it back into Python objects."),
        slots={"route": ("restore", "import", "load"), "what": ("shopping cart", "game state", "preferences"),
               "fn": ("restore", "import_state", "load_upload")},
        insecure='''import pickle

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/$route", methods=["POST"])
def $fn():
#[
    state = pickle.loads(request.get_data())
#]
    return jsonify(keys=sorted(state))
''',
        secure='''import json

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/$route", methods=["POST"])
def $fn():
#[
    state = json.loads(request.get_data())
    if not isinstance(state, dict):
        return jsonify(error="expected an object"), 400
#]
    return jsonify(keys=sorted(state))
''',
    ),
    FlawPattern(
        id="yaml-load-loader", category="deserialisation", cwe=502, flaw="yaml.load with the full Loader on user files",
        tasks=("Read a $what YAML file uploaded by a user and return it as a dict.",
               "Function $fn(text) parsing $what YAML.",
               "Parse the YAML $what that customers send us."),
        slots={"what": ("pipeline config", "deployment spec", "survey"), "fn": ("parse_config", "read_spec", "load_yaml")},
        insecure='''import yaml


def $fn(text):
#[
    return yaml.load(text, Loader=yaml.Loader)
#]
''',
        secure='''import yaml


def $fn(text):
#[
    return yaml.safe_load(text)
#]
''',
    ),
    FlawPattern(
        id="yaml-unsafe-load", category="deserialisation", cwe=502, flaw="yaml.unsafe_load on a request body",
        tasks=("Accept a $what as YAML in a POST body and store it.",
               "Endpoint helper $fn(body) turning the posted $what YAML into data.",
               "Handle YAML $what submissions."),
        slots={"what": ("recipe", "profile", "job definition"), "fn": ("parse_body", "accept_yaml", "read_submission")},
        insecure='''import yaml


def $fn(body, store):
#[
    data = yaml.unsafe_load(body)
#]
    store.append(data)
    return len(store)
''',
        secure='''import yaml


def $fn(body, store):
#[
    data = yaml.safe_load(body)
#]
    store.append(data)
    return len(store)
''',
    ),
    FlawPattern(
        id="marshal-loads", category="deserialisation", cwe=502, flaw="marshal.loads on bytes from the network",
        tasks=("Decode a $what message received on a socket.",
               "Function $fn(sock) reading one $what payload from the connection.",
               "Receive a $what record from a peer."),
        slots={"what": ("sensor", "telemetry", "sync"), "fn": ("read_message", "recv_payload", "next_record")},
        insecure='''import marshal


def $fn(sock):
    size = int.from_bytes(sock.recv(4), "big")
    payload = sock.recv(size)
#[
    return marshal.loads(payload)
#]
''',
        secure='''import json


def $fn(sock):
    size = int.from_bytes(sock.recv(4), "big")
    payload = sock.recv(size)
#[
    return json.loads(payload.decode("utf-8"))
#]
''',
    ),
    FlawPattern(
        id="jsonpickle-decode", category="deserialisation", cwe=502, flaw="jsonpickle.decode of client data",
        tasks=("Load a $what object that the browser sends back as JSON.",
               "Function $fn(raw) giving the $what from a cookie value.",
               "Read the $what from the request payload."),
        slots={"what": ("wizard state", "draft", "filter settings"), "fn": ("from_cookie", "decode_state", "read_draft")},
        insecure='''import jsonpickle


def $fn(raw):
#[
    return jsonpickle.decode(raw)
#]
''',
        secure='''import json


def $fn(raw):
#[
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value
#]
''',
    ),
    FlawPattern(
        id="shelve-user-path", category="deserialisation", cwe=502, flaw="pickle.load of a file the user uploaded",
        tasks=("Import a $what file that a user uploaded earlier.",
               "Function $fn(path) loading a saved $what from disk after upload.",
               "Bring back a user's exported $what."),
        slots={"what": ("model", "session", "workspace"), "fn": ("import_file", "load_saved", "open_export")},
        insecure='''import pickle


def $fn(path):
    with open(path, "rb") as fh:
#[
        return pickle.load(fh)
#]
''',
        secure='''import json


def $fn(path):
    with open(path, encoding="utf-8") as fh:
#[
        return json.load(fh)
#]
''',
    ),
]
