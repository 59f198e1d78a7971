"""The compile pass that puts designer code on its budget (``engine.budget``).

RestrictedPython's policy checks and rewrites the code first; then this pass adds:

* ``_tick_()`` at the top of every ``while`` and ``for`` body and every function body,
  as a first condition of every comprehension, and before every lambda's result, so
  every loop iteration, call and element counts and checks the deadline;
* ``_mul_``, ``_pow_``, ``_lshift_``, ``_add_`` and ``_mod_`` in place of ``*``, ``**``,
  ``<<``, ``+`` and ``%``, and ``_fmtspec_`` around an f-string's format spec, so a value
  is sized before it is built (``engine.script_guards``).

The injected names start with ``_``, which RestrictedPython forbids in the source: a
script cannot call or replace them.
"""

from __future__ import annotations

import ast

from RestrictedPython.transformer import RestrictingNodeTransformer

TICK = "_tick_"
BINARY_GUARDS: dict[type[ast.operator], str] = {
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Add: "_add_",
    ast.Mod: "_mod_",
}
FORMAT_SPEC = "_fmtspec_"


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


def _located(new: ast.AST, old: ast.AST) -> ast.AST:
    return ast.fix_missing_locations(ast.copy_location(new, old))


def _tick_statement(near: ast.AST) -> ast.stmt:
    return _located(ast.Expr(_call(TICK)), near)  # type: ignore[return-value]


class BudgetTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy plus the budget's ticks and size guards."""

    def visit_While(self, node: ast.While) -> ast.AST:
        node = super().visit_While(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        node = super().visit_For(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node = super().visit_comprehension(node)
        node.ifs.insert(0, _located(_call(TICK), node.iter))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        node.body = _located(ast.BoolOp(op=ast.And(), values=[_call(TICK), node.body]), node.body)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = super().visit_BinOp(node)
        guard = BINARY_GUARDS.get(type(node.op))
        if guard is None:
            return node
        return _located(_call(guard, node.left, node.right), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = super().visit_FormattedValue(node)
        if node.format_spec is not None:
            spec = node.format_spec
            wrapped = ast.FormattedValue(value=_call(FORMAT_SPEC, spec), conversion=-1)
            node.format_spec = _located(ast.JoinedStr(values=[wrapped]), spec)
        return node
