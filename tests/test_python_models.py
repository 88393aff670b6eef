"""Python models that keep Clerk ids (CLK722) and their indexes (CLK723), across the ORMs and
model libraries Python services use; each case marks its expected findings inline."""
from __future__ import annotations

import textwrap

import pytest

from expectations import actual, diff_report, expected_in_text
from scan_helpers import scan_snippet

CASES = {
    "flask_sqlalchemy": '''
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        class User(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            clerk_id = db.Column(db.String(64), unique=True, index=True)  # expect: CLK722
            email = db.Column(db.String(320), index=True)
        ''',
    "flask_db_from_app_package": '''
        from app.extensions import db


        class Seat(db.Model):
            clerk_org_id = db.Column(db.String(64))  # expect: CLK722
            plan = db.Column(db.String(16))
        ''',
    "declarative_base": '''
        from sqlalchemy import Column, Index, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Profile(Base):
            __tablename__ = "profiles"
            clerk_user_id = Column(String, primary_key=True)  # expect: CLK722
            handle = Column(String)

        Index("ix_profiles_clerk", Profile.clerk_user_id)  # expect: CLK723
        Index("ix_profiles_clerk_handle", Profile.handle)
        ''',
    "sqlmodel": '''
        from sqlmodel import Field, SQLModel


        class Team(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True)
            clerk_org_id: str = Field(index=True)  # expect: CLK722
            name: str = Field(default="clerk")
        ''',
    "django_meta_indexes": '''
        from django.db import models


        class Membership(models.Model):
            member = models.CharField(max_length=64, db_column="clerk_user_id")  # expect: CLK722
            role = models.CharField("Clerk role label", max_length=32)

            class Meta:
                indexes = [
                    models.Index(fields=["member", "role"]),
                    models.Index(fields=["clerk_user_id"]),  # expect: CLK723
                ]
                constraints = [models.UniqueConstraint(fields=["role"], name="uq_clerk_role")]
        ''',
    "beanie_odmantic": '''
        from beanie import Document, Indexed
        from odmantic import Field, Model


        class Customer(Document):
            clerk_id: Indexed(str, unique=True)  # expect: CLK722
            email: str

            class Settings:
                name = "customers"
                indexes = ["clerk_id"]  # expect: CLK723


        class Workspace(Model):
            owner: str = Field(key_name="clerk_user_id")  # expect: CLK722
        ''',
    "tortoise_peewee_mongoengine": '''
        import peewee
        from mongoengine import Document, StringField
        from tortoise import fields
        from tortoise.models import Model


        class Account(Model):
            clerk_user_id = fields.CharField(max_length=64, unique=True)  # expect: CLK722


        class Legacy(peewee.Model):
            clerk_id = peewee.CharField(index=True)  # expect: CLK722


        class Person(Document):
            clerkUserId = StringField(required=True)  # expect: CLK722
        ''',
    "local_base_classes": '''
        from pydantic import BaseModel


        class Timestamped(BaseModel):
            created_at: str


        class WebhookUser(Timestamped):
            clerk_user_id: str  # expect: CLK722
            first_name: str | None = None
        ''',
}

# Look-alikes: names that are not fields, classes that are not models, words that are not Clerk.
SILENT = '''
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.models import Account


class Base(DeclarativeBase):
    pass


class Rotation(Base):
    __tablename__ = "rotations"
    clerkship_site: Mapped[str] = mapped_column()
    user_id: Mapped[str] = mapped_column(index=True)


@dataclass
class Request:
    clerk_id: str  # a plain dataclass is not a stored model


def find(session, clerk_user_id: str):
    clerk_id = clerk_user_id.strip()
    return session.scalars(select(Account).where(Account.clerk_user_id == clerk_id))
'''


@pytest.mark.parametrize("name", sorted(CASES))
def test_model_fields_and_indexes(tmp_path, name):
    text = textwrap.dedent(CASES[name]).lstrip()
    result = scan_snippet(tmp_path, "models.py", text)
    ours = [f for f in result.findings if f.code in ("CLK722", "CLK723")]
    expected = expected_in_text("models.py", text)
    got = actual(ours)
    assert got == expected, diff_report(expected, got, ours)


def test_look_alikes_stay_silent(tmp_path):
    result = scan_snippet(tmp_path, "rota.py", SILENT)
    assert [f for f in result.findings if f.code in ("CLK722", "CLK723")] == []


def test_field_detail_names_table_column_and_key(tmp_path):
    text = textwrap.dedent(CASES["django_meta_indexes"]).lstrip()
    result = scan_snippet(tmp_path, "models.py", text)
    field = next(f for f in result.findings if f.code == "CLK722")
    details = dict(field.details)
    assert (details["table"], details["field"], details["column"]) == ("Membership", "member", "clerk_user_id")
    assert field.message.startswith("Membership.member (column clerk_user_id), Django field:")
