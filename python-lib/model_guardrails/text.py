"""Text the plugin shows users: shortened at a word boundary, never mid-word."""


def shorten(text, limit):
    """``text`` within ``limit`` characters: cut after the last whole word that fits, then "..."."""
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    head = text[:limit - 3]
    space = head.rfind(" ")
    # the cut falls inside a word: drop its start, unless that word is long (a URL, a token) and
    # dropping it would lose more than half of the room
    if not text[limit - 3].isspace() and space > (limit - 3) // 2:
        head = head[:space]
    return head.rstrip(" ,;:(") + "..."
