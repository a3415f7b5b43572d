"""Pattern tables and small helpers for the capture cleaner (see readerkit.tools.clean_source).

Kept apart from the passes so that a new kind of site junk is one more row here, not new logic.
Every pattern is matched against a single line whose text-level damage (mojibake, ligatures,
odd whitespace) has already been repaired.
"""

from __future__ import annotations

import re

# Space-like characters that should be a plain space.
SPACE_LIKE = "\u00a0\u2007\u202f\u2009\u200a\u3000\t"

# --- junk lines --------------------------------------------------------------------------------
NAV_EXACT = frozenset(
    {
        "back",
        "home",
        "menu",
        "next",
        "previous",
        "prev",
        "skip to content",
        "skip to main content",
        "search",
        "log in",
        "login",
        "sign in",
        "sign up",
        "register",
        "load more",
        "read more",
        "show more",
        "see more",
        "more",
        "top",
        "go back",
        "main menu",
        "toggle navigation",
        "close",
        "open menu",
        "what happened today in history?",
        "what happened",
        "today in history?",
        "today in history",
        "on this day",
        "next post",
        "previous post",
        "next article",
        "previous article",
    }
)
NAV_RE = re.compile(
    r"^\[\s*[A-Za-z]{3,9}\.?\s+\d{1,2}\s*\]$"  # date pager such as "[ Oct 28 ]"
    r"|^home\s*[>»›/|]"  # breadcrumbs
    r"|^(?:«|‹|<|←)\s*(?:previous|prev|older)|^(?:next|newer)\b.*(?:»|›|>|→)$",
    re.IGNORECASE,
)

# (kind, pattern). Strong patterns identify junk on their own.
STRONG_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "advertisement label",
        re.compile(
            r"^(?:advertisement|advertising|sponsored(?: content| post)?|paid content|promoted"
            r"|(?:story|article) continues (?:below|after)(?: (?:this|the))?(?: advertisement| ad)?"
            r"|advertisement[ -:–—]+(?:scroll|continue|story)\b.*)$",
            re.IGNORECASE,
        ),
    ),
    (
        "hosting chrome",
        re.compile(
            r"make your own free (?:web)?site|create (?:your own |a )?free (?:web)?site"
            r"|start your own free (?:web)?site|free web hosting"
            r"|hosted (?:free )?(?:by|on) (?:tripod|angelfire|geocities|weebly|wix|webs)"
            r"|^this (?:web)?site (?:was )?(?:built|made|created) (?:with|on|using)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "cookie banner",
        re.compile(
            r"\b(?:we|this (?:web)?site|our (?:web)?site)\b.{0,40}\buses?\b.{0,20}\bcookies\b"
            r"|\bcookies?\b.{0,60}\b(?:consent|preferences|settings|privacy policy|cookie policy"
            r"|improve your (?:browsing )?experience)\b"
            r"|\bby continuing\b.{0,60}\b(?:agree|accept|consent)\b"
            r"|^(?:manage )?cookie (?:settings|preferences|policy|consent)$",
            re.IGNORECASE,
        ),
    ),
    (
        "comment form",
        re.compile(
            r"^leave a (?:reply|comment)\b|^want to join the discussion\??$"
            r"|^feel free to contribute!?$|^cancel reply$|^(?:post|submit) comment$"
            r"|^\d+\s+(?:comments?|replies|responses)$|^(?:no )?comments?$"
            r"|^(?:\d+|one|two|three) (?:thoughts?|responses?|replies|comments?) (?:on|to) \S"
            r"|your email address will not be published|required fields are marked"
            r"|save my name,? email,? and website|recaptcha"
            r"|notify me of (?:follow-up comments|new posts)|you must be logged in to post",
            re.IGNORECASE,
        ),
    ),
    (
        "newsletter form",
        re.compile(
            r"^subscribe\b|sign up (?:for|to) (?:our |the )?(?:\w+ )?newsletter"
            r"|\bnewsletters?!?$|^enter your e-?mail|delivered (?:straight )?to your inbox"
            r"|unsubscribe at any time",
            re.IGNORECASE,
        ),
    ),
    (
        "footer",
        re.compile(
            r"^(?:©|\(c\)|copyright\b)|all rights reserved|^privacy policy\b"
            r"|^terms (?:of use|of service|and conditions)\b|^powered by\b|^back to top$"
            r"|^(?:sitemap|contact us|about us|cookie policy)$",
            re.IGNORECASE,
        ),
    ),
    (
        "site notice",
        re.compile(
            r"has been retired and is no longer maintained|please see the full notice"
            r"|this (?:page|site|article) (?:has been |is )archived",
            re.IGNORECASE,
        ),
    ),
]

# Weak patterns are junk only next to a strong line of the same kind (buttons, form fields,
# a notice heading): "Accept" or "Name *" on their own prove little.
WEAK_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "cookie banner",
        re.compile(
            r"^(?:accept(?: all)?(?: cookies)?|reject(?: all)?|decline|ok|got it!?|i agree"
            r"|allow all|necessary only|manage (?:preferences|options))$",
            re.IGNORECASE,
        ),
    ),
    (
        "comment form",
        re.compile(r"^(?:name|e-?mail|website|comment)\s*\*?$", re.IGNORECASE),
    ),
    (
        "newsletter form",
        re.compile(r"\bsubscri|\bnewsletter|\binbox\b|^sign up$|^e-?mail address$", re.IGNORECASE),
    ),
    ("site notice", re.compile(r"^notes? to (?:readers|users)$|^notice$", re.IGNORECASE)),
]
WEAK_WINDOW = 3  # non-blank lines either side in which a strong line must appear
WEAK_MAX_WORDS = 40

SHARE_TOKEN = (
    r"(?:share(?: (?:on|to|via|by|with) \w+)?(?: this(?: article| page| post| story)?)?:?"
    r"|tweet(?: this)?"
    r"|pin(?: it)?|e-?mail|print|copy link|facebook|twitter|x|linkedin|whatsapp|reddit"
    r"|pinterest|telegram|like this:?|like loading\.*)"
)
SHARE_RE = re.compile(rf"^{SHARE_TOKEN}(?:\s*[|·•,/]?\s*{SHARE_TOKEN})*$", re.IGNORECASE)

RELATED_HEADING_RE = re.compile(
    r"^(?:related(?: (?:posts?|articles?|resources|stories|content|links|reading))?"
    r"|top articles"
    r"|latest (?:posts|articles|news)|recent (?:posts|articles)|popular (?:posts|articles)"
    r"|you (?:may|might) also (?:like|enjoy)|more (?:stories|articles) from\b.*|read next"
    r"|trending(?: now)?|recommended for you)$",
    re.IGNORECASE,
)

AUTHOR_KV_RE = re.compile(
    r"^(?:author|name|birthday|birth ?date|address|phone|job|occupation|hobby|hobbies"
    r"|introduction|views|rating|reviews|last updated|e-?mail|website|location)\s*:",
    re.IGNORECASE,
)
AUTHOR_HEADING_RE = re.compile(
    r"^(?:article information|author information|about the author|author|author bio)$",
    re.IGNORECASE,
)
AUTHOR_MIN_FIELDS = 3
AUTHOR_GAP = 3  # raw lines allowed between two fields of the same box

# A caption names a picture near its start ("Reconnaissance photo of ...", "Map: ...") or
# credits its source; narrative that merely mentions photos does neither.
CAPTION_RE = re.compile(
    r"^(?:\S+\s+){0,3}(?:photo(?:graph)?s?|images?|pictures?|maps?|figures?|fig\.|illustrations?"
    r"|cartoons?|charts?|diagrams?|posters?|screenshots?)\b(?:\s+(?:of|from|showing|shows)\b|:)"
    r"|\bfrom an? (?:newspaper|magazine)\b|^(?:photo|image) (?:credit|courtesy)\b"
    r"|^(?:courtesy of|credit:|source:)",
    re.IGNORECASE,
)
CAPTION_MAX_WORDS = 25

BYLINE_RE = re.compile(r"^(?:published|posted|updated|last updated|by)\b", re.IGNORECASE)
# "By Mary Ellen Carter, Staff Correspondent": the name is the author.
BYLINE_NAME_RE = re.compile(r"^by\s+(?P<name>[^,|•·]+?)\s*(?:[,|•·].*)?$", re.IGNORECASE)
BYLINE_MAX_WORDS = 12

LINK_FARM_MIN_RUN = 5
LINK_FARM_MAX_WORDS = 25
LINK_FARM_MAX_CHARS = 160
LINK_FARM_UNRELATED_SHARE = 0.7

STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "also",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "just",
        "more",
        "most",
        "once",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "what",
    ]
)

# --- near-duplicate comparison --------------------------------------------------------------
COUNTRY_RE = re.compile(
    r"\bunited states of america\b|\bunited states\b|\busa\b"
    r"|\bu\.\s?s\.\s?a\.(?!\w)|\bu\.\s?s\.(?!\w)"
)
SPELLING_VARIANTS: dict[str, str] = {
    "advisor": "adviser",
    "advisors": "advisers",
    "favor": "favour",
    "favored": "favoured",
    "favorable": "favourable",
    "center": "centre",
    "defense": "defence",
    "offense": "offence",
    "honor": "honour",
    "color": "colour",
    "labor": "labour",
    "behavior": "behaviour",
    "program": "programme",
    "toward": "towards",
}
IZE_RE = re.compile(r"(?<=\w\w)iz(e|ed|es|ing|ation|ations)\b")
