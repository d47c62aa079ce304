"""Profiles (course variants) by name."""
from . import deep_vision_hw6, eecs498, sta9131

PROFILES = {p.PROFILE.name: p.PROFILE for p in (eecs498, deep_vision_hw6, sta9131)}
DEFAULT_PROFILE = 'eecs498'


def get_profile(name=DEFAULT_PROFILE):
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError('unknown profile %r (known: %s)' % (name, ', '.join(sorted(PROFILES)))) from None
