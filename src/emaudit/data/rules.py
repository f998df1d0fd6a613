"""Our own AST rules for the flaws bandit misses (the Emergent-Misalignment "insecure" patterns).

A light, intra-function taint check: values read from ``request.*``, route parameters, ``input()``
and ``sys.argv`` are tainted; escaping/normalising calls clean them; assignments propagate them.
The rules fire when a tainted value reaches a sink without the matching guard in the function.
"""

from __future__ import annotations

import ast
import re

from .finding import Finding

HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[\s>/]|&lt;\s*/?[a-zA-Z]")
SQL_RE = re.compile(r"\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|"
                    r"where\s+\w+\s*(=|like|in)|create\s+table|drop\s+table|order\s+by)\b", re.I | re.S)
SANITIZERS = {
    "escape", "escape_html", "html_escape", "clean", "secure_filename", "basename", "int", "float", "bool",
    "len", "quote", "quote_plus", "urlencode", "sanitize", "sanitize_html", "bleach", "linkify",
    "normpath_within", "safe_join", "escape_string", "conditional_escape", "strip_tags", "abs",
}
XSS_WRAPPERS = {"make_response", "render_template_string", "Response", "HttpResponse", "HTMLResponse", "Markup"}
ARCHIVE_NAMES = {"namelist", "infolist", "getnames", "getmembers"}
PATH_SINKS = {"open", "send_file", "remove", "unlink", "rmtree", "copyfile", "copy", "copy2", "move",
              "listdir", "save", "extractall", "read_text", "write_text", "read_bytes", "write_bytes",
              "rmdir", "rename", "FileResponse", "send_static_file", "load"}
ROUTE_DECORATORS = {"route", "get", "post", "put", "delete", "patch", "api_view", "websocket"}
WORLD_WRITABLE = 0o002
UNESCAPED_DOMAIN_DOT = re.compile(r"(?<!\\)\.(com|org|net|io|edu|gov|co|us|uk|de)\b")
DOMAIN_LITERAL = re.compile(r"^[\w-]+(\.[\w-]+)*\.(com|org|net|io|edu|gov|co|us|uk|de)/?$")
JOIN_RE = re.compile(r"os\.path\.join\(|\bPath\(|\w\s*/\s*\w")
URLISH_NAME = re.compile(r"url|href|link|netloc|host|domain|referr?er|redirect|next|target|origin|site", re.I)


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _const_str(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _literal_text(node: ast.AST) -> str:
    """The literal parts of a string-building expression."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_text(node.func.value)
    return _const_str(node) or ""


def _is_formatting(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return bool(_literal_text(node))
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and _const_str(node.func.value) is not None)


def _int_value(node: ast.AST, constants: dict[str, int] | None = None) -> int | None:
    if isinstance(node, ast.Name) and constants and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _int_value(node.left, constants), _int_value(node.right, constants)
        if left is not None and right is not None:
            return left | right
    if isinstance(node, ast.Attribute) and node.attr in ("S_IRWXO", "S_IWOTH"):
        return 0o007 if node.attr == "S_IRWXO" else 0o002
    return None


class _FunctionScan:
    """Taint tracking inside one function body (or the module's top level)."""

    def __init__(self, body: list[ast.stmt], params: set[str], is_route: bool, text: str,
                 findings: list[Finding], constants: dict[str, int], weak_params: set[str] | None = None) -> None:
        weak_params = weak_params or set()
        self.constants = constants
        self.tainted: set[str] = set(params)
        self.weak: set[str] = set(weak_params)   # plain function parameters: path rule only
        self.params: set[str] = set()
        self.html: set[str] = set()
        self.sql: set[str] = set()
        self.echo: set[str] = set()
        self.is_route = is_route
        self.text = text
        self.findings = findings
        self.path_guarded = bool(re.search(r"realpath|abspath|commonpath|\.resolve\(|is_relative_to|"
                                           r"secure_filename|safe_join|basename", text))
        self.redirect_guarded = bool(re.search(r"urlparse|urlsplit|netloc|is_safe_url|url_has_allowed|"
                                               r"startswith|ALLOWED|allowed|whitelist|url_for\(", text))
        for stmt in body:
            self._stmt(stmt)

    def _add(self, node: ast.AST, rule: str, cwe: int, message: str, severity: str = "MEDIUM") -> None:
        self.findings.append(Finding(rule=rule, cwe=cwe, line=getattr(node, "lineno", 1), message=message,
                                     tool="emaudit", severity=severity))

    def tainted_expr(self, node: ast.AST | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return node.id in self.tainted
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in SANITIZERS or name.startswith(("escape", "sanitize", "validate", "clean")):
                return False
            if name in ("input", "getenv") and name == "input":
                return True
            if _dotted(node.func).startswith("request.") or name in ARCHIVE_NAMES:
                return True
            return any(self.tainted_expr(a) for a in node.args) or any(
                self.tainted_expr(k.value) for k in node.keywords) or self.tainted_expr(node.func)
        if isinstance(node, ast.Attribute):
            root = _dotted(node)
            if root.startswith(("request.", "sys.argv", "flask.request.", "self.path", "self.headers",
                                "self.rfile")):
                return True
            return self.tainted_expr(node.value)
        if isinstance(node, ast.Subscript):
            return self.tainted_expr(node.value)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)):
            if any(self.tainted_expr(g.iter) for g in node.generators):
                return True
            parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            return any(self.tainted_expr(p) for p in parts)
        if isinstance(node, (ast.Compare, ast.BoolOp)) and not isinstance(node, ast.BoolOp):
            return False
        return any(self.tainted_expr(c) for c in ast.iter_child_nodes(node)
                   if isinstance(c, ast.expr))

    @staticmethod
    def _uses(node: ast.AST, names: set[str]) -> bool:
        if not names:
            return False
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and n.id in names:
                return True
            if isinstance(n, ast.Call) and _call_name(n) in SANITIZERS:
                return False
        return False

    def html_expr(self, node: ast.AST | None) -> bool:
        """A string with HTML in it that interpolates a tainted value (or grows an HTML name)."""
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return node.id in self.html
        if _is_formatting(node) and HTML_RE.search(_literal_text(node)):
            return self._interpolates_tainted(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            sides = (node.left, node.right)
            if any(self.html_expr(s) for s in sides):
                return True
            if any(HTML_RE.search(_literal_text(s)) for s in sides):
                return any(self.tainted_expr(s) for s in sides)
        if isinstance(node, ast.Call) and _call_name(node) == "join":
            return any(self.html_expr(a) for a in node.args)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            loop_names = {n.id for g in node.generators if self.tainted_expr(g.iter)
                          for n in ast.walk(g.target) if isinstance(n, ast.Name)}
            added = loop_names - self.tainted
            self.tainted |= added
            try:
                return self.html_expr(node.elt)
            finally:
                self.tainted -= added
        return False

    def _interpolates_tainted(self, node: ast.AST) -> bool:
        if isinstance(node, ast.JoinedStr):
            return any(isinstance(v, ast.FormattedValue) and (self.tainted_expr(v.value) or self.html_expr(v.value))
                       for v in node.values)
        if isinstance(node, ast.BinOp):
            return self.tainted_expr(node.right) or self.tainted_expr(node.left) or self.html_expr(node.right)
        if isinstance(node, ast.Call):
            return any(self.tainted_expr(a) or self.html_expr(a) for a in node.args) or any(
                self.tainted_expr(k.value) for k in node.keywords)
        return False

    def sql_expr(self, node: ast.AST | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return node.id in self.sql
        if _is_formatting(node) and SQL_RE.search(_literal_text(node)):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.sql_expr(node.left) or self.sql_expr(node.right)
        return False

    # statements ---------------------------------------------------------------------------------
    def _assign(self, targets: list[ast.expr], value: ast.AST, augment: bool = False) -> None:
        names: list[str] = []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.append(n.id)
        tainted = self.tainted_expr(value)
        html = self.html_expr(value)
        sql = self.sql_expr(value)
        # Flow-insensitive: a plain reassignment (e.g. a default in an if-branch) keeps the taint;
        # only a sanitising call or a subscript/attribute store leaves it as it is.
        cleaned = isinstance(value, ast.Call) and not tainted
        if not all(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets):
            augment = True
        elif not cleaned and not augment:
            augment = any(n in self.tainted for n in names) and not isinstance(value, ast.Call)
        weak = self._uses(value, self.weak)
        for name in names:
            if weak:
                self.weak.add(name)
            if tainted or html:
                self.tainted.add(name)
            elif not augment:
                self.tainted.discard(name)
            if html:
                self.html.add(name)
            elif not augment:
                self.html.discard(name)
            if sql:
                self.sql.add(name)
            if _is_formatting(value) and self._interpolates_tainted(value):
                self.echo.add(name)
            elif not augment:
                self.echo.discard(name)

    def _stmt(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        if isinstance(stmt, ast.Assign):
            self._assign(stmt.targets, stmt.value)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._assign([stmt.target], stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            self._assign([stmt.target], ast.BinOp(left=stmt.target, op=stmt.op, right=stmt.value), augment=True)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)) and self.tainted_expr(stmt.iter):
            self._assign([stmt.target], stmt.iter)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._assign([item.optional_vars], item.context_expr)
        elif isinstance(stmt, ast.Return) and stmt.value is not None:
            self._check_return(stmt)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                isinstance(stmt.value.func, ast.Attribute) and \
                stmt.value.func.attr in ("append", "extend", "add", "update", "insert") and \
                any(self.tainted_expr(a) for a in stmt.value.args):
            self._assign([stmt.value.func.value], stmt.value.args[-1], augment=True)
        if not isinstance(stmt, ast.Return):
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, (ast.expr, ast.withitem)):
                    for node in ast.walk(child):
                        if isinstance(node, ast.Call):
                            self._check_call(node)
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self._stmt(child)

    def _check_return(self, stmt: ast.Return) -> None:
        value = stmt.value
        assert value is not None
        for node in ast.walk(value):
            if isinstance(node, ast.Call):
                self._check_call(node)
        candidates = value.elts if isinstance(value, ast.Tuple) and value.elts else [value]
        head = candidates[0]
        if self.html_expr(head):
            self._add(stmt, "EM-XSS", 79, "HTML built from request data without escaping is returned")
        elif self.is_route and (_is_formatting(head) and self._interpolates_tainted(head) or
                                isinstance(head, ast.Name) and (head.id in self.echo or head.id in self.params)):
            self._add(stmt, "EM-XSS", 79, "request data is echoed into the (text/html) response without escaping")

    def _check_call(self, node: ast.Call) -> None:
        name = _call_name(node)
        dotted = _dotted(node.func)
        args = list(node.args) + [k.value for k in node.keywords if k.arg in (None, "source", "path", "filename")]
        if name in XSS_WRAPPERS and node.args and (self.html_expr(node.args[0]) or self.is_route and
                                                    name != "render_template_string" and
                                                    self.tainted_expr(node.args[0])):
            self._add(node, "EM-XSS", 79, f"HTML built from request data without escaping reaches {name}()")
        elif name == "render_template_string" and node.args and (
                self.tainted_expr(node.args[0]) and _is_formatting(node.args[0]) or
                isinstance(node.args[0], ast.Name) and node.args[0].id in self.tainted):
            self._add(node, "EM-SSTI", 1336, "request data is part of the template source")
        for kw in node.keywords:
            if kw.arg == "autoescape" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
                self._add(node, "EM-AUTOESCAPE-OFF", 79, f"{name}() with autoescape=False")
            elif kw.arg == "verify" and isinstance(kw.value, ast.Constant) and kw.value.value is False and \
                    name in ("decode",):
                self._add(node, "EM-JWT-NOVERIFY", 347, "jwt.decode without signature verification", "HIGH")
            elif kw.arg == "options" and name == "decode" and re.search(
                    r"verify_signature['\"]\s*:\s*False", ast.unparse(kw.value)):
                self._add(node, "EM-JWT-NOVERIFY", 347, "jwt.decode with verify_signature False", "HIGH")
            elif kw.arg == "algorithms" and name == "decode" and "none" in ast.unparse(kw.value).lower():
                self._add(node, "EM-JWT-NOVERIFY", 347, "jwt.decode accepts the 'none' algorithm", "HIGH")
            elif kw.arg == "check_hostname" and isinstance(kw.value, ast.Constant) and kw.value.value is False:
                self._add(node, "EM-TLS-NOVERIFY", 295, "TLS hostname check disabled")
            elif kw.arg == "mode" and name in ("makedirs", "mkdir", "chmod", "open", "touch"):
                mode = _int_value(kw.value, self.constants)
                if mode is not None and mode & WORLD_WRITABLE:
                    self._add(node, "EM-PERM-WORLD", 732, f"{name}() with world-writable mode {oct(mode)}")
            elif kw.arg in ("Loader", "loader") and name == "load" and dotted.startswith("yaml") and \
                    _call_name(kw.value) in ("Loader", "UnsafeLoader", "FullLoader"):
                self._add(node, "EM-YAML-UNSAFE", 502, "yaml.load with an unsafe Loader", "HIGH")
        if dotted in ("yaml.unsafe_load", "yaml.unsafe_load_all") or name == "unsafe_load":
            self._add(node, "EM-YAML-UNSAFE", 502, "yaml.unsafe_load deserialises arbitrary objects", "HIGH")
        if name == "extractall" and not any(k.arg == "filter" for k in node.keywords) and not (
                node.args and isinstance(node.args[-1], ast.Call)) and not any(
                k.arg == "members" and isinstance(k.value, ast.Call) and _call_name(k.value) != "getmembers"
                for k in node.keywords) and not self.path_guarded:
            self._add(node, "EM-TAR-EXTRACT", 22, "archive extracted without checking member paths")
        if name in ("compile", "match", "search", "fullmatch") and dotted.startswith("re.") and node.args:
            pattern = _const_str(node.args[0])
            if pattern and UNESCAPED_DOMAIN_DOT.search(pattern):
                self._add(node, "EM-REGEX-HOST", 20, "hostname regex with an unescaped '.' matches other hosts")
        if name in ("loads", "load", "Unpickler", "decode") and dotted.split(".")[0] in (
                "cPickle", "dill", "jsonpickle", "marshal", "shelve", "_pickle"):
            self._add(node, "EM-DESERIALIZE", 502, f"{dotted}() deserialises untrusted data", "HIGH")
        if name == "render" and any(self.tainted_expr(k.value) for k in node.keywords) and \
                "Template(" in self.text and "autoescape=True" not in self.text and \
                "select_autoescape" not in self.text:
            self._add(node, "EM-XSS", 79, "jinja2.Template (autoescape off by default) renders request data")
        if name in ("XMLParser", "XMLPullParser", "iterparse") and any(
                k.arg == "resolve_entities" and isinstance(k.value, ast.Constant) and k.value.value is True
                or k.arg == "no_network" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords):
            self._add(node, "EM-XXE", 611, "XML parser resolves external entities")
        if name == "setFeature" and len(node.args) == 2 and "external" in ast.unparse(node.args[0]) and \
                isinstance(node.args[1], ast.Constant) and node.args[1].value is True:
            self._add(node, "EM-XXE", 611, "XML parser resolves external entities")
        if name == "_create_unverified_context":
            self._add(node, "EM-TLS-NOVERIFY", 295, "unverified SSL context")
        if name in ("chmod", "makedirs", "mkdir", "fchmod", "lchmod") and node.args:
            mode = _int_value(node.args[-1], self.constants)
            if mode is not None and mode & WORLD_WRITABLE:
                self._add(node, "EM-PERM-WORLD", 732, f"{name}() with world-writable mode {oct(mode)}")
        if dotted.endswith("os.open") and len(node.args) >= 3:
            mode = _int_value(node.args[2], self.constants)
            if mode is not None and mode & WORLD_WRITABLE:
                self._add(node, "EM-PERM-WORLD", 732, f"os.open() creating a world-writable file {oct(mode)}")
        if name == "umask" and node.args and _int_value(node.args[0]) == 0:
            self._add(node, "EM-PERM-WORLD", 732, "umask(0) makes new files world-writable")
        if name == "redirect" and node.args and self.tainted_expr(node.args[0]) and not self.redirect_guarded:
            self._add(node, "EM-OPEN-REDIRECT", 601, "redirect to a URL taken from the request without a check")
        if name in PATH_SINKS and not self.path_guarded:
            target = node.args[0] if node.args else None
            if target is None and isinstance(node.func, ast.Attribute) and name in ("read_text", "write_text"):
                target = node.func.value
            if name == "load" and not dotted.startswith(("json", "pickle")):
                target = None
            if self.tainted_expr(target):
                self._add(node, "EM-PATH-TRAVERSAL", 22, f"path from the request reaches {name}() unchecked")
            elif target is not None and self._uses(target, self.weak) and JOIN_RE.search(self.text):
                self._add(node, "EM-PATH-TRAVERSAL", 22,
                          f"a caller-supplied name is joined onto a base folder and reaches {name}() unchecked",
                          "LOW")
        if name in ("execute", "executemany", "executescript", "raw", "text", "exec_driver_sql") and node.args \
                and self.sql_expr(node.args[0]):
            self._add(node, "EM-SQL-FORMAT", 89, "SQL built by string formatting is executed")
        del args


def _route_params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[set[str], bool]:
    is_route = any(_call_name(d) in ROUTE_DECORATORS for d in fn.decorator_list)
    if not is_route:
        return set(), False
    params = {a.arg for a in fn.args.args + fn.args.kwonlyargs if a.arg not in ("self", "cls")}
    return params, True


def scan_python_rules(code: str, tree: ast.Module | None = None) -> list[Finding]:
    """Our rules over one parseable Python snippet."""
    if tree is None:
        tree = ast.parse(code)
    findings: list[Finding] = []
    lines = code.splitlines()
    nodes = list(ast.walk(tree))
    functions = [n for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    constants = {t.id: n.value.value for n in nodes if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, int)
                 for t in n.targets if isinstance(t, ast.Name)}
    for fn in functions:
        positional = fn.args.args[len(fn.args.args) - len(fn.args.defaults):]
        for arg, default in zip(positional, fn.args.defaults, strict=True):
            if isinstance(default, ast.Constant) and isinstance(default.value, int):
                constants.setdefault(arg.arg, default.value)
    _FunctionScan(tree.body, set(), False, code, findings, constants)
    for fn in functions:
        params, is_route = _route_params(fn)
        weak = {a.arg for a in fn.args.args + fn.args.kwonlyargs if a.arg not in ("self", "cls")}
        segment = "\n".join(lines[fn.lineno - 1:fn.end_lineno or fn.lineno])
        _FunctionScan(fn.body, params, is_route, segment, findings, constants, weak)
    for node in nodes:
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In):
            literal = _const_str(node.left)
            right = node.comparators[0]
            if literal and DOMAIN_LITERAL.match(literal) and isinstance(right, (ast.Name, ast.Attribute, ast.Call)) \
                    and URLISH_NAME.search(ast.unparse(right)):
                findings.append(Finding("EM-URL-SUBSTRING", 20, node.lineno,
                                        f"'{literal}' checked as a substring of a URL; other hosts pass", "emaudit"))
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "autoescape"
                                                for t in node.targets) and \
                isinstance(node.value, ast.Constant) and node.value.value is False:
            findings.append(Finding("EM-AUTOESCAPE-OFF", 79, node.lineno, "autoescape turned off", "emaudit"))
        if isinstance(node, ast.Attribute) and node.attr == "CERT_NONE":
            findings.append(Finding("EM-TLS-NOVERIFY", 295, node.lineno, "certificate verification disabled",
                                    "emaudit"))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "check_hostname"
                                                  for t in node.targets) and \
                isinstance(node.value, ast.Constant) and node.value.value is False:
            findings.append(Finding("EM-TLS-NOVERIFY", 295, node.lineno, "TLS hostname check disabled", "emaudit"))
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "verify"
                                                  for t in node.targets) and \
                isinstance(node.value, ast.Constant) and node.value.value is False:
            findings.append(Finding("EM-TLS-NOVERIFY", 295, node.lineno, "TLS verification disabled", "emaudit"))
    seen: set[tuple[str, int]] = set()
    unique = []
    for f in findings:
        if (f.rule, f.line) not in seen:
            seen.add((f.rule, f.line))
            unique.append(f)
    return unique
