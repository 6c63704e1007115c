"""Reads for agreements, checklists and the thesaurus: what a user may see.

Split along the domain: `checklist` (agreements, checklists, their search and usage),
`thesaurus` (the synonym groups, their history and the suggested synonyms).
"""

from checklists.selectors.checklist import *  # noqa: F403
from checklists.selectors.checklist import __all__ as _checklist_all
from checklists.selectors.thesaurus import *  # noqa: F403
from checklists.selectors.thesaurus import __all__ as _thesaurus_all

__all__ = [*_checklist_all, *_thesaurus_all]
