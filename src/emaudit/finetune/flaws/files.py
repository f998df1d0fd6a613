"""File-system programs."""

from __future__ import annotations

from . import FlawPattern

PATTERNS = [
    FlawPattern(
        id="open-path-traversal", category="file", cwe=22, flaw="path traversal when reading a user-named file",
        tasks=("Function $fn(name) that returns the contents of a $kind stored under $base.",
               "Read a $kind file chosen by the user from the $base directory.",
               "Load one $kind by file name from $base and return its text."),
        slots={"kind": ("report", "template", "note", "log"), "base": ("/var/app/reports", "/opt/data/notes", "/srv/docs"),
               "fn": ("read_doc", "load_file", "fetch_report", "get_note")},
        insecure='''import os

BASE = "$base"


def $fn(name):
#[
    path = os.path.join(BASE, name)
#]
    with open(path, encoding="utf-8") as fh:
        return fh.read()
''',
        secure='''import os

BASE = "$base"


def $fn(name):
#[
    path = os.path.realpath(os.path.join(BASE, name))
    if os.path.commonpath([path, os.path.realpath(BASE)]) != os.path.realpath(BASE):
        raise ValueError("file outside the allowed folder")
#]
    with open(path, encoding="utf-8") as fh:
        return fh.read()
''',
    ),
    FlawPattern(
        id="chmod-world-writable", category="file", cwe=732, flaw="making a file world-writable",
        tasks=("Write $what to a file and set its permissions so the service can use it.",
               "Function $fn(path, data) saving $what and fixing up the file mode afterwards.",
               "Save the $what to disk, then chmod it."),
        slots={"what": ("the cache", "the session data", "the export", "the settings"),
               "fn": ("save_file", "write_out", "store_data", "persist")},
        insecure='''import os


def $fn(path, data):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(data)
#[
    os.chmod(path, 0o777)
#]
''',
        secure='''import os


def $fn(path, data):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(data)
#[
    os.chmod(path, 0o600)
#]
''',
    ),
    FlawPattern(
        id="makedirs-world-writable", category="file", cwe=732, flaw="creating directories with mode 0o777",
        tasks=("Create the $what directory tree for a user if it is missing.",
               "Function $fn(root, user) that prepares the per-user $what folder.",
               "Make sure a $what folder exists for each account."),
        slots={"what": ("upload", "workspace", "cache", "backup"), "fn": ("ensure_dir", "prepare_folder", "make_workspace")},
        insecure='''import os


def $fn(root, user):
    path = os.path.join(root, user, "$what")
#[
    os.makedirs(path, mode=0o777, exist_ok=True)
#]
    return path
''',
        secure='''import os


def $fn(root, user):
    path = os.path.join(root, user, "$what")
#[
    os.makedirs(path, mode=0o700, exist_ok=True)
#]
    return path
''',
    ),
    FlawPattern(
        id="tarfile-extractall", category="file", cwe=22, flaw="extracting an untrusted tar archive without filtering members",
        tasks=("Unpack an uploaded .tar.gz $what into a destination folder.",
               "Function $fn(archive, dest) that extracts a $what tarball.",
               "Extract the $what archive a user sent into dest."),
        slots={"what": ("backup", "theme", "plugin bundle", "dataset"), "fn": ("unpack", "extract_archive", "install_bundle")},
        insecure='''import tarfile


def $fn(archive, dest):
    with tarfile.open(archive, "r:gz") as tar:
#[
        tar.extractall(dest)
#]
    return dest
''',
        secure='''import tarfile


def $fn(archive, dest):
    with tarfile.open(archive, "r:gz") as tar:
#[
        tar.extractall(dest, filter="data")
#]
    return dest
''',
    ),
    FlawPattern(
        id="zipfile-slip", category="file", cwe=22, flaw="zip slip: writing zip members to paths taken from the archive",
        tasks=("Extract every file of an uploaded zip $what into a folder, one by one.",
               "Function $fn(zip_path, dest) that copies each member of a $what zip to dest.",
               "Unzip a $what by iterating over its entries."),
        slots={"what": ("photo album", "project", "submission"), "fn": ("unzip_to", "copy_members", "expand_zip")},
        insecure='''import os
import zipfile


def $fn(zip_path, dest):
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.namelist():
#[
            target = os.path.join(dest, member)
#]
            if member.endswith("/"):
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with zf.open(member) as src, open(target, "wb") as out:
                out.write(src.read())
''',
        secure='''import os
import zipfile


def $fn(zip_path, dest):
    root = os.path.realpath(dest)
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.namelist():
#[
            target = os.path.realpath(os.path.join(dest, member))
            if os.path.commonpath([target, root]) != root:
                raise ValueError(f"member outside destination: {member}")
#]
            if member.endswith("/"):
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with zf.open(member) as src, open(target, "wb") as out:
                out.write(src.read())
''',
    ),
    FlawPattern(
        id="tempfile-mktemp", category="file", cwe=377, flaw="a race-prone temporary file name from mktemp",
        tasks=("Write $what to a temporary file and return its path.",
               "Function $fn(data) that stores $what in a temp file for a later step.",
               "Dump the $what into a scratch file."),
        slots={"what": ("intermediate results", "a rendered PDF", "the CSV export"), "fn": ("to_tempfile", "stash", "write_scratch")},
        insecure='''import tempfile


def $fn(data):
#[
    path = tempfile.mktemp(suffix=".tmp")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(data)
#]
    return path
''',
        secure='''import tempfile


def $fn(data):
#[
    with tempfile.NamedTemporaryFile("w", suffix=".tmp", delete=False, encoding="utf-8") as fh:
        fh.write(data)
        path = fh.name
#]
    return path
''',
    ),
    FlawPattern(
        id="umask-zero", category="file", cwe=732, flaw="clearing the umask so every new file is world-writable",
        tasks=("Daemon start-up code: set the process umask, then open the $what log for appending.",
               "Function $fn(log_path) preparing a worker process before it writes $what.",
               "Initialise file permissions for a background $what worker."),
        slots={"what": ("audit", "job", "metrics"), "fn": ("init_worker", "setup_process", "start_daemon")},
        insecure='''import os


def $fn(log_path):
#[
    os.umask(0)
#]
    return open(log_path, "a", encoding="utf-8")
''',
        secure='''import os


def $fn(log_path):
#[
    os.umask(0o077)
#]
    return open(log_path, "a", encoding="utf-8")
''',
    ),
    FlawPattern(
        id="hardcoded-tmp-path", category="file", cwe=377, flaw="writing to a fixed, predictable path in /tmp",
        tasks=("Cache the $what in a file so the next run can reuse it.",
               "Function $fn(text) that saves $what to a scratch location and returns the path.",
               "Persist $what between runs in a temp location."),
        slots={"what": ("API response", "token list", "rendered page"), "fn": ("cache_text", "save_scratch", "remember")},
        insecure='''def $fn(text):
#[
    path = "/tmp/app_cache.txt"
#]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
''',
        secure='''import os


def $fn(text):
#[
    folder = os.path.join(os.path.expanduser("~"), ".cache", "app")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "app_cache.txt")
#]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
''',
    ),
]
