"""The plants' seeded random numbers: SplitMix64, whose whole state is one 64-bit integer.

A live sandbox stores its plant's state in the cache after every step. ``random.Random``'s
Mersenne Twister state is 625 integers (about 3.7 KB of a 4.5 KB snapshot, most of each
step's serialisation cost) although a plant draws a few numbers per second. SplitMix64
(Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the
generator of Java's ``SplittableRandom``) advances a counter by a fixed odd constant and
mixes it: its state is a single integer, so a snapshot stores one number and restoring it
continues the exact same sequence. The sequence depends only on the seed and the number of
draws, which keeps every plant run reproducible. It is not for cryptography.
"""

from __future__ import annotations

_MASK = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_TO_UNIT = 1.0 / (1 << 53)


class SeededRandom:
    """The subset of ``random.Random`` the plants use (``random``, ``randint``), snapshot-cheap.

    ``state`` is a plain ``int`` in [0, 2**64): store it and give it back to
    :meth:`from_state` to continue the same sequence.
    """

    __slots__ = ("state",)

    def __init__(self, seed: int = 0) -> None:
        # the seed goes through the mixer once so that seeds 0, 1, 2... start far apart
        self.state = _mix(int(seed) & _MASK)

    @classmethod
    def from_state(cls, state: int) -> SeededRandom:
        """A generator continuing from ``state`` (as read from :attr:`state`)."""
        if isinstance(state, bool) or not isinstance(state, int) or not 0 <= state <= _MASK:
            raise ValueError("a SeededRandom state is an integer in [0, 2**64)")
        rng = cls.__new__(cls)
        rng.state = state
        return rng

    def next64(self) -> int:
        """The next 64 random bits."""
        self.state = state = (self.state + _GAMMA) & _MASK
        return _mix(state)

    def random(self) -> float:
        """A float in [0.0, 1.0) with 53 random bits, like ``random.Random.random``."""
        return (self.next64() >> 11) * _TO_UNIT

    def randint(self, a: int, b: int) -> int:
        """An integer in [a, b], both included.

        Maps 64 random bits onto the range by multiplication (Lemire's method without the
        rejection step): the bias is below (b - a + 1) / 2**64, far under anything a plant
        could show.
        """
        span = b - a + 1
        if span <= 0:
            raise ValueError(f"empty range for randint({a}, {b})")
        return a + ((self.next64() * span) >> 64)


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)
