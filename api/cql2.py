"""Filters of OGC API – Features Part 3: the queryables of a collection, ``filter=`` in CQL2 text, and a
queryable as a query parameter (``size_class=small``). Each becomes a Django condition on the collection's
own fields, so the database filters and a GIS client (QGIS) need not download a layer to filter it.

A hand-written recursive-descent parser of the CQL2 subset declared in ``CONFORMANCE``: basic CQL2 (=, <>,
<, <=, >, >=, IS NULL, AND, OR, NOT) and the advanced comparison operators (LIKE, BETWEEN, IN). Only a
collection's declared queryables can be named; never a personal field. A null matches no comparison, as
in SQL; a NOT before parentheses is Django's negation, under which a null does match.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import models
from django.db.models import Q
from rest_framework.exceptions import ValidationError

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
]
FILTER_PARAMETERS = {"filter", "filter-lang", "filter-crs"}
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
# A filter is a query string: long or deeply nested ones are refused before they cost the database.
MAX_FILTER_LENGTH = 4000
MAX_DEPTH = 32
BIGINT = 2**63
# What a literal compared with a property of each type must be, for the 400.
WANTED = {
    "boolean": ("true or false", "true বা false"),
    "integer": ("a whole number", "একটি পূর্ণসংখ্যা"),
    "number": ("a number", "একটি সংখ্যা"),
    "string": ("text in single quotes", "একক উদ্ধৃতিচিহ্নে লেখা"),
    "date-time": ("a date-time, e.g. TIMESTAMP('2024-01-31T12:00:00Z')", "একটি তারিখ-সময়"),
}


@dataclass(frozen=True)
class Queryable:
    path: str  # ORM path
    type: str  # JSON Schema type: string, integer, number, boolean
    title: str
    format: str | None = None  # "date-time" for timestamps
    enum: tuple[str, ...] = ()

    def schema(self) -> dict:
        schema = {"title": self.title, "type": self.type}
        if self.type == "integer":  # compared as a bigint (see _literal_for)
            schema.update(minimum=-BIGINT + 1, maximum=BIGINT - 1)
        if self.format:
            schema["format"] = self.format
        if self.enum:
            schema["enum"] = list(self.enum)
        return schema


def _field(model, path: str) -> models.Field:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def queryables_of(model, columns: dict[str, str]) -> dict[str, Queryable]:
    """The queryable of each output column (name -> ORM path), typed from the model field it reads."""
    queryables = {}
    for name, path in columns.items():
        field = _field(model, path)
        if isinstance(field, models.BooleanField):
            type_, format_ = "boolean", None
        elif isinstance(field, models.IntegerField):
            type_, format_ = "integer", None
        elif isinstance(field, models.FloatField | models.DecimalField):
            type_, format_ = "number", None
        elif isinstance(field, models.DateTimeField):
            type_, format_ = "string", "date-time"
        else:
            type_, format_ = "string", None
        enum = tuple(str(value) for value, _ in field.choices) if field.choices else ()
        queryables[name] = Queryable(path, type_, str(field.verbose_name), format_, enum)
    return queryables


def queryables_document(queryables: dict[str, Queryable], *, url: str, title: str) -> dict:
    """The JSON Schema of /collections/{id}/queryables."""
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": url,
        "type": "object",
        "title": title,
        "properties": {name: queryable.schema() for name, queryable in queryables.items()},
        "additionalProperties": False,
    }


def invalid(message_en: str, message_bn: str, *, parameter: str = "filter") -> ValidationError:
    return ValidationError({parameter: f"{message_en} / {message_bn}"})


# --- queryables as query parameters --------------------------------------------------------------------


def parameter_conditions(params, queryables: dict[str, Queryable], *, skip: set[str]) -> Q:
    """``name=value`` for each queryable given as a parameter (and not in ``skip``, the collection's own
    filters of the same name): the property equals the value. An empty value is "not given", as for
    every other parameter (a form left blank)."""
    condition = Q()
    for name in params:
        if name in queryables and name not in skip and params[name] != "":
            queryable = queryables[name]
            condition &= Q(**{queryable.path: _parameter_value(params[name], queryable, name)})
    return condition


def _parameter_value(text: str, queryable: Queryable, name: str):
    """A parameter's text read as the literal its queryable's type takes (text as a quoted string)."""
    kind = {"boolean": "word", "integer": "number", "number": "number"}.get(queryable.type, "string")
    if kind == "string":
        text = "'" + text.replace("'", "''") + "'"
    return _literal_for((kind, text), queryable, name, parameter=name)


# --- CQL2 text ----------------------------------------------------------------------------------------

TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<identifier>"[^"]+")
      | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<operator><=|>=|<>|=|<|>|\(|\)|,)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.:]*)
    )""",
    re.VERBOSE,
)
COMPARISONS = {"=": "exact", "<>": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
FLIPPED = {"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
KEYWORDS = {"AND", "OR", "NOT", "IS", "NULL", "LIKE", "BETWEEN", "IN", "TRUE", "FALSE", "DATE", "TIMESTAMP"}


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            snippet = text[position : position + 20].strip()
            raise invalid(
                f"CQL2 text cannot be read at «{snippet}» (character {position + 1}).",
                f"ফিল্টারের «{snippet}» অংশটি বোঝা যায়নি (অক্ষর {position + 1})।",
            )
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word" and value.upper() in KEYWORDS:
            kind, value = "keyword", value.upper()
        tokens.append((kind, value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, queryables: dict[str, Queryable]):
        self.tokens = _tokens(text)
        self.position = 0
        self.queryables = queryables
        self.depth = 0

    # token helpers
    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def accept(self, kind: str, value: str | None = None) -> bool:
        token = self.peek()
        if token and token[0] == kind and (value is None or token[1] == value):
            self.position += 1
            return True
        return False

    def expect(self, kind: str, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if not self.accept(kind, value):
            found = token[1] if token else "the end"
            wanted = value or kind
            raise invalid(
                f"CQL2 text: expected {wanted}, found «{found}».",
                f"ফিল্টারে {wanted} থাকার কথা, পাওয়া গেল «{found}»।",
            )
        return token

    # grammar
    def parse(self) -> Q:
        condition = self.expression()
        if self.peek():
            raise invalid(
                f"CQL2 text: unexpected «{self.peek()[1]}».",
                f"ফিল্টারে অপ্রত্যাশিত «{self.peek()[1]}»।",
            )
        return condition

    def expression(self) -> Q:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise invalid(
                f"CQL2 text nests deeper than {MAX_DEPTH} levels.",
                f"ফিল্টারের স্তর {MAX_DEPTH}-এর বেশি গভীর।",
            )
        condition = self.term()
        while self.accept("keyword", "OR"):
            condition |= self.term()
        self.depth -= 1
        return condition

    def term(self) -> Q:
        condition = self.factor()
        while self.accept("keyword", "AND"):
            condition &= self.factor()
        return condition

    def factor(self) -> Q:
        if self.accept("keyword", "NOT"):
            return ~self.factor()
        return self.primary()

    def primary(self) -> Q:
        if self.accept("operator", "("):
            condition = self.expression()
            self.expect("operator", ")")
            return condition
        if self.peek() in (("keyword", "TRUE"), ("keyword", "FALSE")) and not self._is_comparison_next(1):
            return Q() if self.expect("keyword")[1] == "TRUE" else Q(pk__in=[])
        return self.predicate()

    def _is_comparison_next(self, offset: int) -> bool:
        token = self.peek(offset)
        return bool(token and token[0] == "operator" and token[1] in COMPARISONS)

    def predicate(self) -> Q:
        left = self.operand()
        negated = self.accept("keyword", "NOT")
        if self.accept("keyword", "LIKE"):
            name, queryable = self.as_property(left)
            return self.negate(self.like(name, queryable), negated, queryable)
        if self.accept("keyword", "BETWEEN"):
            name, queryable = self.as_property(left)
            low = _literal_for(self.operand_literal(), queryable, name)
            self.expect("keyword", "AND")
            high = _literal_for(self.operand_literal(), queryable, name)
            return self.negate(Q(**{f"{queryable.path}__range": (low, high)}), negated, queryable)
        if self.accept("keyword", "IN"):
            name, queryable = self.as_property(left)
            self.expect("operator", "(")
            values = [_literal_for(self.operand_literal(), queryable, name)]
            while self.accept("operator", ","):
                values.append(_literal_for(self.operand_literal(), queryable, name))
            self.expect("operator", ")")
            return self.negate(Q(**{f"{queryable.path}__in": values}), negated, queryable)
        if negated:
            raise invalid(
                "CQL2 text: NOT here must be followed by LIKE, BETWEEN or IN.",
                "ফিল্টারে এখানে NOT-এর পরে LIKE, BETWEEN বা IN থাকার কথা।",
            )
        if self.accept("keyword", "IS"):
            name, queryable = self.as_property(left)
            is_not = self.accept("keyword", "NOT")
            self.expect("keyword", "NULL")
            return Q(**{f"{queryable.path}__isnull": not is_not})
        token = self.peek()
        if not (token and token[0] == "operator" and token[1] in COMPARISONS):
            found = token[1] if token else "the end"
            raise invalid(
                f"CQL2 text: expected a comparison (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL) after "
                f"«{left[1]}», found «{found}».",
                f"ফিল্টারে «{left[1]}»-এর পরে তুলনা (=, <>, <, <=, >, >=, LIKE, BETWEEN, IN, IS NULL) থাকার "
                f"কথা, পাওয়া গেল «{found}»।",
            )
        operator = self.expect("operator")[1]
        right = self.operand()
        if left[0] != "property" and right[0] == "property":
            left, right, operator = right, left, FLIPPED[operator]
        name, queryable = self.as_property(left)
        if right[0] == "property":
            raise invalid(
                "CQL2 text: compare a property with a value, not with another property.",
                "ফিল্টারে একটি বৈশিষ্ট্যকে একটি মানের সঙ্গে তুলনা করুন, অন্য বৈশিষ্ট্যের সঙ্গে নয়।",
            )
        value = _literal_for(right, queryable, name)
        condition = Q(**{f"{queryable.path}__{COMPARISONS[operator]}": value})
        return self.negate(condition, operator == "<>", queryable)

    def negate(self, condition: Q, negated: bool, queryable: Queryable) -> Q:
        """``<>``, NOT LIKE, NOT BETWEEN and NOT IN as in SQL: a null matches none of them (Django's
        negation alone would let nulls through)."""
        if not negated:
            return condition
        return ~condition & Q(**{f"{queryable.path}__isnull": False})

    def like(self, name: str, queryable: Queryable) -> Q:
        kind, pattern = self.operand_literal()
        if kind != "string" or queryable.type != "string" or queryable.format:
            raise invalid(
                f"CQL2 text: LIKE compares a text property with a text pattern ({name} is {queryable.type}).",
                f"ফিল্টারে LIKE কেবল লেখার বৈশিষ্ট্যে লেখার নকশার সঙ্গে চলে ({name})।",
            )
        return Q(**{f"{queryable.path}__regex": like_to_regex(_unquote(pattern))})

    def operand(self) -> tuple[str, str]:
        token = self.peek()
        if token and token[0] in ("identifier", "word"):
            self.position += 1
            name = token[1].strip('"')
            return ("property", name)
        return self.operand_literal()

    def operand_literal(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise invalid("CQL2 text ends too early.", "ফিল্টারটি অসম্পূর্ণ।")
        kind, value = token
        if kind in ("string", "number"):
            self.position += 1
            return (kind, value)
        if kind == "keyword" and value in ("TRUE", "FALSE"):
            self.position += 1
            return ("word", value)
        if kind == "keyword" and value in ("DATE", "TIMESTAMP"):
            self.position += 1
            self.expect("operator", "(")
            text = self.expect("string")[1]
            self.expect("operator", ")")
            return (value.lower(), _unquote(text))
        raise invalid(
            f"CQL2 text: expected a value, found «{value}».",
            f"ফিল্টারে একটি মান থাকার কথা, পাওয়া গেল «{value}»।",
        )

    def as_property(self, operand: tuple[str, str]) -> tuple[str, Queryable]:
        kind, name = operand
        if kind != "property":
            raise invalid(
                f"CQL2 text: «{name}» is a value where a property was expected.",
                f"ফিল্টারে «{name}» একটি মান, কিন্তু এখানে একটি বৈশিষ্ট্যের নাম থাকার কথা।",
            )
        if name not in self.queryables:
            raise invalid(
                f"CQL2 text: {name} is not a queryable; the queryables are {', '.join(self.queryables)}.",
                f"ফিল্টারে {name} দিয়ে খোঁজা যায় না; খোঁজা যায়: {', '.join(self.queryables)}।",
            )
        return name, self.queryables[name]


def _unquote(text: str) -> str:
    return text[1:-1].replace("''", "'") if text.startswith("'") else text


def like_to_regex(pattern: str) -> str:
    """A CQL2 LIKE pattern (``%`` any run, ``_`` one character, ``\\`` escapes) as an anchored regex."""
    parts, escaped = ["^"], False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return "".join(parts) + "$"


def _literal_for(token: tuple[str, str], queryable: Queryable, name: str, *, parameter: str = "filter"):
    """The Python value of a literal compared with ``queryable``; a 400 when its type does not fit."""
    kind, text = token
    value = None
    if queryable.format == "date-time":
        value = _moment(_unquote(text) if kind == "string" else text) if kind != "number" else None
    elif queryable.type == "string":
        value = _unquote(text) if kind == "string" else None
    elif queryable.type == "boolean":
        value = {"TRUE": True, "FALSE": False}.get(text.upper()) if kind == "word" else None
    elif queryable.type in ("integer", "number") and kind == "number":
        try:
            value = int(text) if queryable.type == "integer" else float(text)
        except ValueError:
            value = None
        # An integer column compares as a bigint at most; a float past double precision is infinite.
        if value is not None:
            in_range = abs(value) < BIGINT if queryable.type == "integer" else math.isfinite(value)
            value = value if in_range else None
    if value is None:
        wanted_en, wanted_bn = WANTED[queryable.format or queryable.type]
        shown = _unquote(text)
        raise invalid(
            f"{name} takes {wanted_en}, not «{shown}».",
            f"{name}-এর মান হবে {wanted_bn}, «{shown}» নয়।",
            parameter=parameter,
        )
    if queryable.enum and isinstance(value, str) and value not in queryable.enum:
        raise invalid(
            f"{name}: «{value}» is not one of {', '.join(queryable.enum)}.",
            f"{name}: «{value}» এর মধ্যে নেই: {', '.join(queryable.enum)}।",
            parameter=parameter,
        )
    return value


def _moment(text: str) -> datetime | None:
    try:
        if "T" in text.upper() or " " in text.strip():
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        else:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def filter_condition(params, queryables: dict[str, Queryable]) -> Q:
    """The condition of ``filter`` (with ``filter-lang`` and ``filter-crs``), or Q() without one."""
    language = params.get("filter-lang") or "cql2-text"
    if language != "cql2-text":
        raise invalid(
            f"filter-lang {language} is not supported; use cql2-text.",
            f"filter-lang {language} চলে না; cql2-text ব্যবহার করুন।",
            parameter="filter-lang",
        )
    if params.get("filter-crs") not in (None, "", CRS84):
        raise invalid(f"filter-crs must be {CRS84}.", f"filter-crs হবে {CRS84}।", parameter="filter-crs")
    text = params.get("filter") or ""
    if not text.strip():
        return Q()
    if len(text) > MAX_FILTER_LENGTH:
        raise invalid(
            f"A filter of at most {MAX_FILTER_LENGTH:,} characters.",
            f"ফিল্টার সর্বোচ্চ {MAX_FILTER_LENGTH:,} অক্ষরের হতে পারে।",
        )
    return _Parser(text, queryables).parse()
