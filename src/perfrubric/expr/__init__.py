"""Safe measure expressions: the library's own tokenizer, parser and compiler.

Rubric measures are small formulas over the department data, such as
``staffing.on_post / staffing.authorized``.  :func:`parse_expression` reads
one once, at load, and compiles it into nested Python closures, so that
:meth:`Expression.evaluate` does no parsing.  User text never reaches
``eval``, ``exec``, ``compile`` or :mod:`ast`, and no attribute of a Python
object can be reached: a dotted name is only ever a key handed to the
``resolve`` function the engine passes in, and the only calls are the
whitelisted functions below.

Grammar (lowest precedence first)::

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER ["%"] | STRING | "true" | "false" | NAME
             | FUNCTION "(" [expr ("," expr)*] ")" | "(" expr ")"

Comparisons do not chain (``a < b < c`` is an error).  ``and`` and ``or``
stop early.  All arithmetic is :class:`~decimal.Decimal` in a context of 34
significant digits, whatever the caller's :mod:`decimal` context; amounts of
:class:`~perfrubric.units.Money` use Money's own operators.
"""

from .expression import Expression, parse_expression
from .values import Value

__all__ = ["Expression", "Value", "parse_expression"]
