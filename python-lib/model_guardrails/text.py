"""Text the plugin shows users: shortened at a word boundary, never mid-word."""


def shorten(text, limit):
    """``text`` within ``limit`` characters: cut after the last whole word that fits, then "..."."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    head = text[:limit - 3]
    if not text[limit - 3].isspace() and " " in head:  # the cut falls inside a word: drop its start
        head = head[:head.rfind(" ")]
    return head.rstrip(" ,;:(") + "..."
