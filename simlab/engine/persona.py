"""Seeded personas: who a simulated participant pretends to be.

One ``faker.Faker`` per run is re-seeded for each persona, which gives the same
persona for the same seed while avoiding the cost of building a Faker per bot
(thousands of bots would pay it thousands of times).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from faker import Faker


@dataclass(frozen=True, slots=True)
class Persona:
    """A simulated participant's identity."""

    name: str
    age: int
    country: str
    email: str

    def as_dict(self) -> dict[str, object]:
        """Return the persona as a JSON-ready dict."""
        return asdict(self)


class PersonaFactory:
    """Makes personas from seeds with one shared, re-seeded Faker.

    Args:
        locale: a Faker locale such as ``"en_US"`` or ``"de_DE"``.
        ages: the inclusive age range.
    """

    def __init__(self, locale: str = "en_US", ages: tuple[int, int] = (18, 80)) -> None:
        self._faker = Faker(locale)
        self.ages = ages

    def make(self, seed: int) -> Persona:
        """Return the persona for ``seed`` (the same seed gives the same persona)."""
        fake = self._faker
        fake.seed_instance(seed)
        return Persona(
            name=fake.name(),
            age=fake.random_int(self.ages[0], self.ages[1]),
            country=fake.country(),
            email=fake.email(),
        )
