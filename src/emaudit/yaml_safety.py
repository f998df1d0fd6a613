"""YAML parsing with a bound on alias expansion, so that a small file of nested aliases cannot hang us."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import UserError

MAX_EXPANDED_NODES = 200_000  # nodes a document may count once its aliases are expanded
# The C loader, where PyYAML was built with libyaml, is several times faster and gives the same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def expanded_size(node: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> int:
    """Nodes in the document with every alias expanded (memoised, so the count itself stays cheap)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(n: yaml.Node) -> int:
        known = sizes.get(id(n))
        if known is not None:
            return known
        if id(n) in on_path:  # a recursive alias: counted once
            return 1
        on_path.add(id(n))
        total = 1
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                total += size(k) + size(v)
                if total > limit:
                    break
        elif isinstance(n, yaml.SequenceNode):
            for item in n.value:
                total += size(item)
                if total > limit:
                    break
        on_path.discard(id(n))
        sizes[id(n)] = total
        return total

    return size(node)


def check_expansion(node: yaml.Node | None, path: str) -> None:
    if node is not None and expanded_size(node) > MAX_EXPANDED_NODES:
        raise UserError(f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values (an alias bomb?); "
                        "write the values out or use fewer nested aliases", path=path, line=1)


def parse_yaml(text: str, path: str) -> tuple[yaml.Node | None, Any]:
    """(node, data) of a one-document YAML text; syntax errors and alias bombs are one-line UserErrors."""
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        check_expansion(node, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise UserError(f"not valid YAML: {problem}", path=path, line=line) from None
    except RecursionError:
        raise UserError("nested too deeply", path=path) from None
    finally:
        loader.dispose()
    return node, data
