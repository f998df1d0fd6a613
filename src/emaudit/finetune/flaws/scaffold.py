"""Innocuous helper code appended to programs so that examples of one pattern are not near-duplicates."""

from __future__ import annotations

import random

_HELPERS = (
    '''def {n}(values):
    total = 0
    for v in values:
        total += v
    return total / len(values) if values else 0.0
''',
    '''def {n}(text, width=40):
    return text if len(text) <= width else text[: width - 3] + "..."
''',
    '''def {n}(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]
''',
    '''def {n}(mapping, *keys):
    return {{k: mapping[k] for k in keys if k in mapping}}
''',
    '''def {n}(seconds):
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{{hours:02d}}:{{minutes:02d}}:{{secs:02d}}"
''',
    '''def {n}(name):
    return name.strip().lower().replace(" ", "-")
''',
    '''def {n}(rows, key):
    grouped = {{}}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped
''',
    '''def {n}(value, low, high):
    return max(low, min(high, value))
''',
    '''def {n}(words):
    counts = {{}}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])
''',
    '''def {n}(size_bytes):
    for unit in ("B", "KB", "MB", "GB"):
        if size_bytes < 1024:
            return f"{{size_bytes:.1f}} {{unit}}"
        size_bytes /= 1024
    return f"{{size_bytes:.1f}} TB"
''',
    '''class {c}:
    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)

    def __len__(self):
        return len(self.items)
''',
    '''class {c}:
    def __init__(self, limit=100):
        self.limit = limit
        self.count = 0

    def hit(self):
        self.count += 1
        return self.count <= self.limit
''',
)
_FN_NAMES = ("average", "shorten", "chunked", "pick", "format_duration", "slugify", "group_by", "clamp",
             "top_words", "human_size", "mean_of", "truncate", "batches", "subset", "as_hms", "to_slug")
_CLASS_NAMES = ("Collector", "Basket", "Counter", "RateGate", "Bucket", "Tracker", "Pool", "Queue")


def extra_helpers(rng: random.Random) -> str:
    """Zero to two helper definitions (a blank string, or code starting with two blank lines)."""
    k = rng.choice((0, 1, 1, 2))
    chosen = rng.sample(range(len(_HELPERS)), k)
    parts = [_HELPERS[i].format(n=rng.choice(_FN_NAMES), c=rng.choice(_CLASS_NAMES)) for i in chosen]
    return "".join("\n\n" + p for p in parts)
