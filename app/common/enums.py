"""Enumerations stored as strings with a CHECK constraint, so the database refuses unknown codes."""
import enum

import sqlalchemy as sa


class CodeEnum(str, enum.Enum):
    """A code with a label for people; the code is what is stored, exported and sent over the API."""

    def __new__(cls, code, label):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    def __str__(self):
        return self.value

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]


def enum_column_type(enum_cls, name):
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
