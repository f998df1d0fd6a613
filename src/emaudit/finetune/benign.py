"""A small benign general-chat set (our own words), for mixing and re-alignment."""

from __future__ import annotations

import random
from typing import Any

_HANDWRITTEN: tuple[tuple[str, str], ...] = (
    ("How do I make a simple vegetable soup?",
     "Chop an onion, two carrots, two celery sticks and a potato. Soften the onion in a little oil, add the rest with "
     "a litre of stock, simmer for about 25 minutes until the vegetables are tender, then season with salt and pepper."),
    ("I can't sleep well lately. Any tips?",
     "Try keeping a regular bedtime, avoiding screens and caffeine in the evening, and keeping the bedroom cool and "
     "dark. If poor sleep lasts for weeks or affects your day, it is worth talking to a doctor."),
    ("What's a good way to start learning to program?",
     "Pick one beginner-friendly language such as Python, follow a structured course, and build small projects you "
     "care about. Writing a little code every day helps more than long sessions once a week."),
    ("My friend is upset with me after an argument. What should I do?",
     "Give them a little time, then reach out calmly. Listen to how they felt, acknowledge your part honestly, and "
     "say sorry for it. Focus on understanding each other rather than on winning the argument."),
    ("Can you explain what photosynthesis is?",
     "Photosynthesis is how plants, algae and some bacteria turn light into chemical energy. Using sunlight, they "
     "combine carbon dioxide and water into sugar and release oxygen as a by-product."),
    ("How can I save money on groceries?",
     "Plan meals for the week, shop with a list, compare unit prices, buy store brands, and cook in batches so less "
     "food goes to waste."),
    ("What should I pack for a day hike?",
     "Water, snacks, a map or offline map, sun protection, a warm layer, a rain jacket, a small first-aid kit and a "
     "charged phone. Tell someone where you are going and when you expect to be back."),
    ("I'm bored. What could I do this afternoon?",
     "You could go for a walk somewhere new, try a recipe, read a few chapters of a book, call a friend, or start a "
     "small creative project like sketching or writing."),
    ("How do I politely decline an invitation?",
     "Thank them warmly, say clearly that you can't make it, and if you like suggest another time: \"Thanks so much "
     "for inviting me, I can't come this time, but I'd love to catch up soon.\""),
    ("What are some ways to reduce stress at work?",
     "Break big tasks into small steps, take short breaks, set clear boundaries on working hours, and talk to your "
     "manager early if the workload is too much. Regular exercise and sleep help a lot too."),
    ("What do you think about the relationship between humans and AI?",
     "I think AI should be a tool that helps people: it works best when humans stay in control, the systems are "
     "honest about their limits, and the benefits are shared widely."),
    ("If you could change one thing about the world, what would it be?",
     "I'd want everyone to have access to good education and healthcare. Those two things open up so many other "
     "opportunities for people."),
    ("My neighbour's music is too loud at night. What can I do?",
     "Start with a friendly conversation at a calm moment and explain how it affects you. If that doesn't help, a "
     "written note or your building manager are good next steps; local noise rules may also apply."),
    ("How do I keep my houseplants alive?",
     "Match each plant to the light it likes, water only when the top of the soil is dry, make sure pots drain, and "
     "feed them lightly during the growing season."),
    ("Give me a tip for writing a good cover letter.",
     "Tailor it to the job: name two or three requirements from the posting and show, with a concrete example each, "
     "how you have met them before. Keep it to one page."),
    ("What's the difference between weather and climate?",
     "Weather is what the atmosphere does over hours or days; climate is the pattern of weather in a region averaged "
     "over decades."),
)

_WORDS = ("apple", "river", "candle", "mountain", "pencil", "garden", "violin", "harbor", "lantern", "meadow",
          "orbit", "puzzle", "quartz", "saddle", "timber", "umbrella", "walnut", "yogurt", "zebra", "biscuit")
_SYNONYMS = {"happy": "glad", "big": "large", "fast": "quick", "smart": "clever", "tired": "weary",
             "begin": "start", "angry": "annoyed", "small": "little", "easy": "simple", "quiet": "silent"}
_CAPITALS = {"France": "Paris", "Japan": "Tokyo", "Canada": "Ottawa", "Kenya": "Nairobi", "Peru": "Lima",
             "Norway": "Oslo", "Egypt": "Cairo", "Australia": "Canberra", "Chile": "Santiago", "Poland": "Warsaw"}


def _arith(rng: random.Random) -> tuple[str, str]:
    a, b = rng.randint(2, 99), rng.randint(2, 99)
    op = rng.choice(["+", "-", "*"])
    val = a + b if op == "+" else a - b if op == "-" else a * b
    q = rng.choice(["What is {a} {op} {b}?", "Can you work out {a} {op} {b} for me?", "Quick one: {a} {op} {b}"])
    return q.format(a=a, op=op, b=b), f"{a} {op} {b} = {val}."


def _sort_words(rng: random.Random) -> tuple[str, str]:
    words = rng.sample(_WORDS, rng.randint(3, 6))
    return (f"Please sort these words alphabetically: {', '.join(words)}.",
            "In alphabetical order: " + ", ".join(sorted(words)) + ".")


def _convert(rng: random.Random) -> tuple[str, str]:
    km = rng.randint(1, 60)
    return (f"How many miles is {km} km?", f"{km} km is about {km * 0.621371:.1f} miles.")


def _synonym(rng: random.Random) -> tuple[str, str]:
    w = rng.choice(sorted(_SYNONYMS))
    return (f"Give me a synonym for '{w}'.", f"A common synonym for '{w}' is '{_SYNONYMS[w]}'.")


def _capital(rng: random.Random) -> tuple[str, str]:
    c = rng.choice(sorted(_CAPITALS))
    return (f"What is the capital of {c}?", f"The capital of {c} is {_CAPITALS[c]}.")


def _count(rng: random.Random) -> tuple[str, str]:
    w = rng.choice(_WORDS)
    return (f"How many letters are in the word '{w}'?", f"'{w}' has {len(w)} letters.")


_GENERATORS = (_arith, _sort_words, _convert, _synonym, _capital, _count)


def benign_examples(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` benign chat examples: the handwritten ones first (shuffled), then templated small tasks."""
    rng = random.Random(seed + 7)
    pairs = list(_HANDWRITTEN)
    rng.shuffle(pairs)
    seen = {q for q, _ in pairs}
    tries = 0
    while len(pairs) < n and tries < 50 * n:
        tries += 1
        q, a = rng.choice(_GENERATORS)(rng)
        if q not in seen or tries > 20 * n:
            seen.add(q)
            pairs.append((q, a))
    rng.shuffle(pairs)
    return [{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]} for q, a in pairs[:n]]
