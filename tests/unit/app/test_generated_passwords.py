"""Passwords the service makes up (rosters, resets) are hashed cheaply, as their 72 random bits allow, and still
sign in; passwords people choose keep argon2's full cost. An instructor's roster of thousands of lines once cost
~0.15 s and 64 MiB per line in the web process."""
from argon2 import extract_parameters
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.accounts.security import hash_generated, hash_password, random_password, verify_password
from app.core.models import Base
from app.courses import roster


def test_a_generated_password_is_hashed_cheaply_and_signs_in():
    password = random_password()
    stored = hash_generated(password)
    assert extract_parameters(stored).memory_cost == 1024 and extract_parameters(stored).time_cost == 1
    assert verify_password(stored, password) and not verify_password(stored, password + 'x')
    assert extract_parameters(hash_password('chosen by a person')).memory_cost == 65536


def test_roster_accounts_get_the_cheap_hash():
    engine = create_engine('sqlite://')
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        user, password = roster.account(session, 'new@uni.edu', 'New Student')
        assert password and verify_password(user.password_hash, password)
        assert extract_parameters(user.password_hash).memory_cost == 1024
