"""Runs the last pure-Python WakaTime client (wakatime==13.1.0) as a plugin would.

It predates Python 3.10, which removed the ABC aliases from `collections`
(`collections.Mapping` …); its vendored packages still import them from there. The
aliases are restored here, in the test harness, before the client is imported."""

import collections
import collections.abc
import sys

for _name in ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Set", "MutableSet",
              "Callable", "Iterable", "Iterator", "Hashable", "Sized", "Container"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

from wakatime.main import execute  # noqa: E402

if __name__ == "__main__":
    sys.exit(execute(sys.argv[1:]))
