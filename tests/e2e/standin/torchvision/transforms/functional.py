from .._inert import inert_getattr

__getattr__ = inert_getattr(__name__)
