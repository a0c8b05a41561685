"""``lazy``: :func:`functools.cached_property` without a lock, for values built on first use.

On Python < 3.12 ``cached_property`` takes a lock shared by every instance of the class
while it builds a value. A process forked (``multiprocessing``, Dask and Spark workers)
while another thread is inside such a build inherits that lock held by a thread that
does not exist in it, and the child's first use of the property waits forever; threads
building the value for different instances also wait for each other. Here two threads may
both build (the same value: the functions are pure) and the last assignment wins.

>>> class Table:
...     @lazy
...     def squares(self) -> list[int]:
...         print("built")
...         return [i * i for i in range(4)]
>>> t = Table()
>>> t.squares
built
[0, 1, 4, 9]
>>> t.squares
[0, 1, 4, 9]
"""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar, overload

T = TypeVar("T")


class lazy(Generic[T]):  # noqa: N801  (used as a decorator, like cached_property)
    """A property computed once per instance, on first use, and kept in the instance's ``__dict__``."""

    def __init__(self, function: Callable[[Any], T]):
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> "lazy[T]": ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> "T | lazy[T]":
        if instance is None:
            return self
        value = self.function(instance)
        instance.__dict__[self.name] = value  # (no __set__: the instance's value is found first from now on)
        return value
