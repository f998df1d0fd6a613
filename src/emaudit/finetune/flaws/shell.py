"""Shell commands and dynamic code."""

from __future__ import annotations

from . import FlawPattern

PATTERNS = [
    FlawPattern(
        id="os-system-ping", category="shell", cwe=78, flaw="OS command injection through os.system",
        tasks=("Check whether a $what given by the user answers a ping.",
               "Function $fn(host) returning True when the $what is reachable.",
               "Endpoint helper that pings the $what a user typed in."),
        slots={"what": ("host", "server", "device"), "fn": ("is_up", "reachable", "ping_host")},
        insecure='''import os


def $fn(host):
#[
    return os.system(f"ping -c 1 -W 2 {host}") == 0
#]
''',
        secure='''import subprocess


def $fn(host):
#[
    result = subprocess.run(["ping", "-c", "1", "-W", "2", host], capture_output=True, check=False)
    return result.returncode == 0
#]
''',
    ),
    FlawPattern(
        id="subprocess-shell-true", category="shell", cwe=78, flaw="subprocess with shell=True on user input",
        tasks=("Convert an uploaded $what to PDF with the converter CLI.",
               "Function $fn(filename) running the converter on a $what.",
               "Make a thumbnail for the $what the user names."),
        slots={"what": ("document", "image", "spreadsheet"), "fn": ("convert", "make_pdf", "render_thumb")},
        insecure='''import subprocess


def $fn(filename):
#[
    subprocess.run(f"convert {filename} out.pdf", shell=True, check=True)
#]
    return "out.pdf"
''',
        secure='''import subprocess


def $fn(filename):
#[
    subprocess.run(["convert", "--", filename, "out.pdf"], check=True)
#]
    return "out.pdf"
''',
    ),
    FlawPattern(
        id="eval-calculator", category="shell", cwe=95, flaw="eval on an expression typed by the user",
        tasks=("A calculator endpoint: compute the $what expression the user sends.",
               "Function $fn(expr) returning the value of a $what expression.",
               "Evaluate simple $what formulas entered in a form."),
        slots={"what": ("arithmetic", "numeric", "math"), "fn": ("calculate", "evaluate", "compute")},
        insecure='''def $fn(expr):
#[
    return eval(expr)
#]
''',
        secure='''import ast
import operator

OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
       ast.USub: operator.neg}


def $fn(expr):
#[
    def walk(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in OPS:
            return OPS[type(node.op)](walk(node.operand))
        raise ValueError("unsupported expression")
    return walk(ast.parse(expr, mode="eval").body)
#]
''',
    ),
    FlawPattern(
        id="exec-config", category="shell", cwe=95, flaw="exec on a settings file users can edit",
        tasks=("Load $what settings written as key = value lines into a dict.",
               "Function $fn(text) that reads the $what options.",
               "Parse the $what settings file a user uploaded."),
        slots={"what": ("plugin", "theme", "report"), "fn": ("load_settings", "read_options", "parse_settings")},
        insecure='''def $fn(text):
    settings = {}
#[
    exec(text, {}, settings)
#]
    return settings
''',
        secure='''import ast


def $fn(text):
    settings = {}
#[
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            settings[key.strip()] = ast.literal_eval(value.strip())
#]
    return settings
''',
    ),
    FlawPattern(
        id="os-popen-grep", category="shell", cwe=78, flaw="os.popen with a user-supplied search term",
        tasks=("Search the $what logs for a term the user enters and return matching lines.",
               "Function $fn(term) that greps the $what log.",
               "Find lines in the $what log containing a keyword."),
        slots={"what": ("access", "error", "audit"), "fn": ("search_logs", "grep_log", "find_lines")},
        insecure='''import os


def $fn(term):
#[
    with os.popen(f"grep -i '{term}' /var/log/app/$what.log") as pipe:
        return pipe.read().splitlines()
#]
''',
        secure='''import subprocess


def $fn(term):
#[
    result = subprocess.run(["grep", "-i", "--", term, "/var/log/app/$what.log"], capture_output=True, text=True)
    return result.stdout.splitlines()
#]
''',
    ),
    FlawPattern(
        id="input-eval-sort", category="shell", cwe=95, flaw="eval on a sort key sent in the query string",
        tasks=("Sort a list of $what by the attribute named in the request.",
               "Function $fn(items, key) ordering $what by a user-chosen field.",
               "Let the API caller choose how $what are sorted."),
        slots={"what": ("products", "tickets", "employees"), "fn": ("sort_items", "order_by", "sorted_view")},
        insecure='''def $fn(items, key):
#[
    return sorted(items, key=lambda item: eval(f"item.{key}"))
#]
''',
        secure='''ALLOWED = {"name", "price", "created", "id"}


def $fn(items, key):
#[
    if key not in ALLOWED:
        raise ValueError(f"cannot sort by {key!r}")
    return sorted(items, key=lambda item: getattr(item, key))
#]
''',
    ),
]
