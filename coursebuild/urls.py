"""Where things live on the built site. Print (QR codes) and the site share these."""
from __future__ import annotations

from urllib.parse import urljoin

HANDOUT_DIR = "handouts"
VERIFY_DIR = "verify"


def module_path(module_id: str) -> str:
    return f"modules/{module_id}/"


def quiz_path(module_id: str) -> str:
    return f"quiz/{module_id}/"


def handout_file(module_id: str) -> str:
    return f"{HANDOUT_DIR}/{module_id}.pdf"


def quiz_sheet_file(module_id: str) -> str:
    return f"{HANDOUT_DIR}/{module_id}-quiz.pdf"


# Answer keys and the trainer edition (with trainer notes) go to dist/trainer/, never to the public
# site: trainees must not find the notes or the answer keys by browsing handouts/.
TRAINER_DIR = "trainer"


def answers_file(module_id: str) -> str:
    """Relative to dist/, unlike the site paths above."""
    return f"{TRAINER_DIR}/{module_id}-answers.pdf"


BOOK_FILE = f"{HANDOUT_DIR}/course-book.pdf"
TRAINER_BOOK_FILE = f"{TRAINER_DIR}/course-book-trainer.pdf"


def is_trainer_file(path: str) -> bool:
    return path.startswith(TRAINER_DIR + "/")
# What print wrote, for the downloads page: [{"file", "title", "kind", "module", "pages", "bytes"}].
MANIFEST_FILE = f"{HANDOUT_DIR}/manifest.json"


def page_path(name: str) -> str:
    """An extra page such as "glossary.md" → "glossary/" (MkDocs use_directory_urls)."""
    return name.removesuffix(".md") + "/"


def absolute(site_url: str, path: str) -> str:
    return urljoin(site_url, path)
