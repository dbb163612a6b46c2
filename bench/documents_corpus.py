"""The labelled set of bench/documents_bench.py: six documents in six formats, 30 questions.

Each question is asked in other words than its answer; `key` is a phrase that only the answer's
passage holds, so a hit is "a top-5 chunk of the right document contains the key". Every section
also carries filler sentences, so a passage is not just its fact.
"""

from __future__ import annotations

import io

FILLER = [
    "This section was reviewed by the team last spring and is kept up to date.",
    "Questions about it can be raised at the weekly meeting or in the shared channel.",
    "Older versions of this text are kept in the archive for reference.",
]

# name -> [(section title, fact sentence, question, key)]
FACTS: dict[str, list[tuple[str, str, str, str]]] = {
    "handbook.md": [
        ("Vacation", "Employees receive 26 days of paid vacation per year.",
         "How many paid vacation days do employees get each year?", "26 days of paid vacation"),
        ("Remote work", "Remote work is allowed on Tuesdays and Thursdays.",
         "Which days can staff work from home?", "Tuesdays and Thursdays"),
        ("Expenses", "Expense reports must be filed within 30 days through the Ledgerly portal.",
         "Where do I submit expense reports?", "Ledgerly portal"),
        ("Equipment", "Every new hire receives a laptop and a standing desk.",
         "What equipment does a new employee get?", "standing desk"),
        ("Security", "Passwords are rotated every 90 days and badges are checked at the north entrance.",
         "How often must passwords be changed?", "rotated every 90 days"),
    ],
    "garden.html": [
        ("Tomatoes", "Tomatoes should be planted after the last frost in mid-May.",
         "When should I plant tomatoes?", "last frost in mid-May"),
        ("Roses", "Roses need pruning in late February.", "When are roses cut back?", "late February"),
        ("Lawn", "Water the lawn early in the morning to reduce evaporation.",
         "What time of day is best to water the grass?", "early in the morning"),
        ("Compost", "Compost is ready when it smells earthy and looks dark brown.",
         "How can I tell my compost is finished?", "smells earthy"),
        ("Pests", "Aphids can be controlled with ladybugs.", "What natural predator helps against aphids?",
         "ladybugs"),
    ],
    "report.pdf": [
        ("Revenue", "Revenue grew 14 percent in the third quarter.", "By how much did revenue increase in Q3?",
         "14 percent"),
        ("Offices", "The Warsaw office opened in April with 40 engineers.", "When did the Warsaw office open?",
         "Warsaw office opened in April"),
        ("Customers", "Customer churn fell to 2.1 percent.", "What was the customer churn rate?", "2.1 percent"),
        ("Research", "The board approved a budget of 3 million euros for research.",
         "How much money was approved for research?", "3 million euros"),
        ("Roadmap", "The next product launch is planned for November.", "When is the next product release?",
         "planned for November"),
    ],
    "recipes.docx": [
        ("Sourdough", "Bake the sourdough at 230 degrees for 40 minutes.",
         "At what temperature is the sourdough bread baked?", "230 degrees"),
        ("Pancakes", "The pancake batter needs two eggs and 300 ml of milk.", "How much milk goes into pancakes?",
         "300 ml of milk"),
        ("Risotto", "Risotto must be stirred constantly while adding warm stock.", "How do you cook a risotto?",
         "stirred constantly"),
        ("Chicken", "Marinate the chicken overnight in yogurt and garlic.",
         "How long should the chicken marinate?", "overnight in yogurt"),
        ("Gazpacho", "Serve the gazpacho chilled with croutons.", "How is gazpacho served?",
         "chilled with croutons"),
    ],
    "server.py": [
        ("connect_database", "Open a connection pool with 20 connections to PostgreSQL.",
         "How many connections does the database pool hold?", "pool with 20 connections"),
        ("retry_request", "Retry failed HTTP requests up to 5 times with exponential backoff.",
         "How many times is a failed HTTP request tried again?", "up to 5 times"),
        ("rotate_logs", "Rotate the log files every night at midnight and keep 7 archives.",
         "How many old log archives are kept?", "keep 7 archives"),
        ("hash_password", "Hash passwords with bcrypt using 12 rounds.",
         "Which algorithm is used to hash passwords?", "bcrypt"),
        ("send_invoice", "Email the monthly invoice to the customer as a PDF attachment.",
         "How are invoices delivered to customers?", "invoice to the customer"),
    ],
    "travel.txt": [
        ("Trains", "The train from Berlin to Prague takes about four and a half hours.",
         "How long is the train ride from Berlin to Prague?", "four and a half hours"),
        ("Museums", "Museums in Lisbon are free on the first Sunday of each month.",
         "When can I visit Lisbon museums without paying?", "first Sunday"),
        ("Plugs", "A travel adapter of type G is needed in the United Kingdom.",
         "What plug adapter do I need in the UK?", "type G"),
        ("Tipping", "Tipping around ten percent is customary in Vienna restaurants.",
         "How much should I tip in Vienna?", "ten percent"),
        ("Ferries", "The Oslo ferry leaves daily at 7:30 in the morning.",
         "What time does the ferry from Oslo depart?", "daily at 7:30"),
    ],
}


def _body(fact: str) -> str:
    return " ".join([FILLER[0], fact, FILLER[1], FILLER[2]])


def markdown(name: str) -> bytes:
    parts = [f"# {name}\n"] + [f"## {title}\n\n{_body(fact)}\n" for title, fact, _q, _k in FACTS[name]]
    return "\n".join(parts).encode()


def html(name: str) -> bytes:
    sections = "".join(f"<h2>{title}</h2><p>{_body(fact)}</p>" for title, fact, _q, _k in FACTS[name])
    return f"<html><head><title>{name}</title></head><body><h1>{name}</h1>{sections}</body></html>".encode()


def pdf(name: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("helvetica", size=12)
    for title, fact, _q, _k in FACTS[name]:
        doc.add_page()
        doc.multi_cell(0, 8, f"{title}. {_body(fact)}")
    return bytes(doc.output())


def docx(name: str) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading(name, level=1)
    for title, fact, _q, _k in FACTS[name]:
        document.add_heading(title, level=2)
        document.add_paragraph(_body(fact))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def code(name: str) -> bytes:
    funcs = [f'def {title}() -> None:\n    """{fact}"""\n    # {FILLER[0]}\n    raise NotImplementedError\n'
             for title, fact, _q, _k in FACTS[name]]
    return ("\n\n".join(funcs)).encode()


def text(name: str) -> bytes:
    return "\n\n".join(f"{title}\n{_body(fact)}" for title, fact, _q, _k in FACTS[name]).encode()


MAKERS = {"handbook.md": markdown, "garden.html": html, "report.pdf": pdf, "recipes.docx": docx,
          "server.py": code, "travel.txt": text}


def files() -> list[tuple[str, bytes]]:
    return [(name, MAKERS[name](name)) for name in FACTS]


def questions() -> list[tuple[str, str, str]]:
    """(question, document name, key phrase of the answer's passage)."""
    return [(q, name, key) for name, facts in FACTS.items() for _t, _f, q, key in facts]


def long_pdf(pages: int) -> bytes:
    """A text PDF of `pages` pages, each a few paragraphs of distinct sentences."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("helvetica", size=11)
    for n in range(1, pages + 1):
        doc.add_page()
        lines = [f"Page {n}. Section {n // 10 + 1}, part {n % 10}."]
        lines += [f"Item {n}-{i}: the {['amber', 'cobalt', 'jade', 'onyx', 'ruby'][(n + i) % 5]} ledger records "
                  f"{(n * 37 + i * 11) % 997} entries for the {['north', 'south', 'east', 'west'][i % 4]} depot, "
                  f"reviewed on day {(n * 7 + i) % 365 + 1}." for i in range(12)]
        doc.multi_cell(0, 6, "\n".join(lines))
    return bytes(doc.output())
