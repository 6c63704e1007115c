"""Markdown in checklists, rendered safely: nh3 keeps only harmless tags and attributes."""

import markdown as md
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "a", "br", "code", "blockquote"}


@register.filter
def markdown_safe(text: str) -> SafeString:
    html = md.markdown(text or "", extensions=[], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
