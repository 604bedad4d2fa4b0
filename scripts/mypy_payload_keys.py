"""mypy plugin: ``payload.get("key")`` on a TypedDict that does not declare ``key`` is an error.

mypy reports ``payload["missing"]`` but types ``payload.get("missing")`` as ``object`` without a word (a TypedDict
may hold more keys than it declares). The checks read the fact payloads of ``egov_crawl.facts`` with ``.get``,
because a stored run may predate a key; without this plugin, a key renamed on the writing side would leave a
check reading nothing, and reporting NOT_OBSERVED, silently. Enabled in pyproject.toml (``[tool.mypy] plugins``).
"""

from __future__ import annotations

from collections.abc import Callable

from mypy import errorcodes
from mypy.plugin import MethodContext, Plugin
from mypy.plugins.default import typed_dict_get_callback
from mypy.typeops import try_getting_str_literals
from mypy.types import Type, TypedDictType, get_proper_type


def _checked_get(ctx: MethodContext) -> Type:
    typed_dict = get_proper_type(ctx.type)
    if isinstance(typed_dict, TypedDictType) and ctx.args and ctx.args[0] and ctx.arg_types[0]:
        keys = try_getting_str_literals(ctx.args[0][0], ctx.arg_types[0][0]) or []
        name = typed_dict.fallback.type.name
        for key in keys:
            if key not in typed_dict.items:
                ctx.api.fail(f'TypedDict "{name}" has no key "{key}"', ctx.context, code=errorcodes.TYPEDDICT_ITEM)
    # The default plugin still infers the precise value type.
    return typed_dict_get_callback(ctx)


class PayloadKeys(Plugin):
    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        return _checked_get if fullname == "typing.Mapping.get" else None


def plugin(version: str) -> type[Plugin]:
    return PayloadKeys
