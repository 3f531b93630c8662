"""What the template families need to know about one language, as data.

Every language's families share a core (:mod:`apr.generate.core`) written over a :class:`Words`
table: how the language writes ``and``/``or``/``not``, which node kinds are operators,
negations and comparisons, its operator tables, how a guard is written, whether blocks are
indented. :data:`PYTHON` is Python's.

Java, JavaScript and C share more than that: the shape of their syntax (``if (c) { ... }``,
``a[i]``, ``f(x)``, ``return e;``), and tree-sitter names most of their nodes alike
(``binary_expression``, ``if_statement``, ``return_statement``). Their other families
(:mod:`apr.generate.brace_templates`) are written once, over a :class:`Syntax` (a
:class:`Words` with more): the node kinds and fields where the grammars differ
(``method_invocation`` / ``call_expression``), the literal forms, the word for null, the
library's method pairs, the families that make sense and their priors. A new language of that
shape is one more :class:`Syntax` value (and a :class:`~apr.generate.brace_site.BraceSite`
subclass that reads its declarations).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Pairs = dict[str, tuple[str, ...]]

ARITHMETIC: Pairs = {
    "+": ("-", "*"), "-": ("+",), "*": ("/", "+", "%"), "/": ("*", "%"), "%": ("/", "*"),
    "<<": (">>",), ">>": ("<<", ">>>"), ">>>": (">>",), "&": ("|", "^"), "|": ("&", "^"),
    "^": ("|", "&"),
}
COMPARISON: Pairs = {
    "<": ("<=", ">", ">=", "!=", "=="), "<=": ("<", ">=", ">", "=="),
    ">": (">=", "<", "<=", "!="), ">=": (">", "<=", "<", "=="),
    "==": ("!=", "<=", ">="), "!=": ("==", "<", ">"),
}
LOGICAL: Pairs = {"&&": ("||",), "||": ("&&",)}
ASSIGNMENT: Pairs = {
    "+=": ("-=", "="), "-=": ("+=", "="), "*=": ("/=", "+="), "/=": ("*=", "%="), "%=": ("/=",),
    "|=": ("&=", "^="), "&=": ("|=",), "^=": ("|=",), "<<=": (">>=",), ">>=": ("<<=", ">>>="),
    ">>>=": (">>=",),
}
NEGATED: dict[str, str] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def _without(pairs: Pairs, *gone: str) -> Pairs:
    """``pairs`` with the operators ``gone`` removed, as keys and as replacements."""
    return {k: tuple(v for v in vs if v not in gone) for k, vs in pairs.items() if k not in gone}


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    """How a language writes what the core families (:mod:`apr.generate.core`) read and write.

    The defaults are the brace languages'; :class:`Syntax` derives ``operators`` and
    ``number_literals`` from its own tables.
    """

    name: str
    # --- structure
    functions: frozenset[str]
    """Function-like nodes (lambdas and closures included): the limit of a loop or scope."""
    methods: frozenset[str]
    """Named functions: the enclosing one gives donors, returns and the return type."""
    classes: frozenset[str]
    """Classes (and what a loop or scope does not look out of, such as anonymous classes)."""
    new: frozenset[str] = frozenset()
    """Constructor calls, whose arguments are mutated like a call's (and which are not the
    enclosing class even when they declare one)."""
    loops: frozenset[str]
    nested: frozenset[str] = frozenset()
    """Nodes whose inside is another function's (lambdas, local classes): their returns are not
    the enclosing function's."""
    not_variable: frozenset[tuple[str, str]] = frozenset()
    """(parent kind, field) where an identifier is a name, not a variable (``""``: any field)."""
    # --- expressions
    and_: str = "&&"
    or_: str = "||"
    not_: str = "!"
    """What negates a primary expression, as written before it (``!``, ``not ``)."""
    logical: str = "binary_expression"
    """The node kind of an ``and``/``or``; its ``operator`` field says which."""
    comparison: str = "binary_expression"
    comparison_field: str = "operator"
    """The field of a comparison holding its operator(s)."""
    negation: str = "unary_expression"
    """The node kind of ``!e`` / ``not e``."""
    unary: str = "unary_expression"
    unary_operand: str
    """The field holding the operand of a unary operator (and of a negation)."""
    dropped_unary: frozenset[str] = frozenset({"!", "-", "~"})
    """Unary operators ``mutate_operator`` drops (never on a number literal)."""
    number_literals: frozenset[str] = frozenset()
    operators: dict[str, tuple[str, Pairs]] = field(default_factory=dict)
    """Per operator node kind: the field holding its operator token(s), and each operator's
    alternatives, most likely first."""
    negated: dict[str, str]
    """Comparison operators and their negations."""
    primary: frozenset[str]
    """Expressions negated as ``!e`` rather than ``!(e)``."""
    loose: frozenset[str]
    """Expressions that bind looser than ``and``/``or`` (parenthesized when combined)."""
    and_under_or: bool = True
    """Whether ``a && b`` is written as an operand of ``||`` without parentheses."""
    strictness_flip: bool = False
    """Whether ``mutate_operator`` also flips every bound of an interval test at once."""
    splats: frozenset[str] = frozenset()
    """Argument kinds that are not positional (never swapped; additions go before them)."""
    indented: bool = False
    """Blocks by indentation: a multi-line value is not moved elsewhere (it may not parse)."""
    empty_block: str = ""
    """The statement a block left empty needs (``pass``; ``""``: none)."""
    guard: str = "{indent}if ({condition}) {{{nl}{indent}{unit}{statement}{nl}{indent}}}{nl}"
    """An inserted guard (fields: indent, unit, nl, condition, statement)."""
    throw: str = "throw_statement"
    """The statement that raises an exception (``raise_statement``; C has none)."""
    guard_shown: str = "if ({condition}) {statement}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Syntax(Words):
    """One brace language's node kinds, words and tables (Java's values are the defaults).

    Node kinds are tree-sitter type names; ``*_fields`` name a node's children. Families use
    only what is here and what the language's site computes (scopes, declared types).
    """

    # --- structure
    blocks: frozenset[str]
    """Nodes whose children are statements (a statement there may be wrapped, moved...)."""
    guarded: frozenset[str]
    """Compound statements that families may wrap in a guard, besides simple statements."""
    not_wrapped: frozenset[str]
    """Statements never moved into an ``if`` block (declarations, returns, throws)."""
    deletable: frozenset[str]
    movable: frozenset[str]
    """Statements swapped with a neighbour (a neighbour may also be an ``if``)."""
    condition_owners: frozenset[str]
    """Nodes with a ``condition`` field (statements and the ternary)."""
    # --- expressions
    call: str
    call_name: str
    """Field of ``call`` holding the callee's name (a member access when qualified in JS)."""
    call_object: str
    """Field of ``call`` holding the receiver (``""``: the language has none)."""
    arguments: str
    """Node kind of an argument list."""
    member: str
    """``a.b`` (``this.f``); fields: ``member_object``, ``member_name``."""
    member_object: str
    member_name: str
    subscript: str
    """``a[i]``; fields: ``subscript_object``, ``index``."""
    subscript_object: str
    assignments: frozenset[str]
    ternary: str
    declarator: str
    """The node declaring one variable with a ``value`` field."""
    # --- literals and words
    integer_literals: frozenset[str]
    float_literals: frozenset[str]
    string_literals: frozenset[str]
    char_literal: str
    null_literal: str
    null: str
    """The null word (``null``, ``NULL``)."""
    boolean_type: str
    """The declared type of booleans (``""``: types are not declared)."""
    string_type: str
    this: str
    """The receiver word of members (``this``; ``""``: none)."""
    literal_barriers: frozenset[str]
    """Parents under which a literal is never mutated (``case`` labels, annotations)."""
    # --- types
    primitives: frozenset[str]
    numeric: frozenset[str]
    type_nodes: frozenset[str]
    """Primitive type nodes that ``mutate_data_type`` rewrites..."""
    type_parents: frozenset[str]
    """...when their parent is one of these."""
    wider: Pairs
    defaults: dict[str, str]
    """A default value per declared type (``""``: a bare ``return;``)."""
    # --- library
    binary: Pairs
    assignment: Pairs
    method_pairs: Pairs
    index_methods: frozenset[str]
    """Methods whose first arguments are indices (``get``, ``charAt``)."""
    math: str
    """The object holding ``max``/``min`` (``Math``; ``""``: no running extremes)."""
    decimal_literal: str = "decimal_integer_literal"
    """The node kind of decimal integers (``+/- 1`` applies to those that are plain digits)."""
    integer_division: bool = True
    """Whether ``9 / 5`` truncates (``9.0 / 5`` is then proposed)."""
    int_type: str = "int"
    """The type of an integer expression (``number`` in JavaScript)."""
    function_declarations: frozenset[str] = frozenset({"method_declaration"})
    """Declared functions whose name and arity make call donors."""
    bounded: dict[str, str] = field(default_factory=dict)
    """Functions whose counterpart takes one more argument, a length, last (``strcmp`` ->
    ``strncmp``): ``mutate_call`` proposes the counterpart with a length in scope."""
    truthy: bool = False
    """Whether a value is tested by itself (``v && cond``, ``!v || cond``: JavaScript's empty
    strings and zeros are false as well as null and undefined)."""
    member_donors: bool = False
    """Whether ``mutate_variable`` swaps a property read ``o.p`` for other properties the file
    reads (languages whose fields are not declared where the site can see them)."""
    families: tuple[str, ...] = field(default=())
    """The families that apply, in order (priors in :data:`apr.generate.brace_templates.PRIORS`)."""
    literals: frozenset[str] = field(init=False)
    """Every literal kind (numbers, strings, characters, booleans, null), derived once: the
    families test it on every node of a hunk."""

    def __post_init__(self) -> None:
        kinds = (self.integer_literals | self.float_literals | self.string_literals
                 | {"true", "false", self.null_literal, self.char_literal}) - {""}
        object.__setattr__(self, "literals", kinds)
        object.__setattr__(self, "number_literals", self.integer_literals)
        operators = {"binary_expression": ("operator", self.binary)}
        operators.update((kind, ("operator", self.assignment)) for kind in self.assignments)
        object.__setattr__(self, "operators", operators)


ALL_FAMILIES = (
    "mutate_operator", "mutate_literal", "mutate_condition", "insert_null_check", "mutate_range",
    "mutate_variable", "mutate_call", "sibling_call", "mutate_return", "insert_range_check",
    "mutate_data_type", "mask_byte", "insert_cast_check", "mutate_arguments", "insert_call",
    "return_for_throw", "insert_throw_guard", "delete_statement", "move_statement",
)

JAVA = Syntax(
    name="java",
    functions=frozenset({"method_declaration", "constructor_declaration",
                         "compact_constructor_declaration", "lambda_expression"}),
    methods=frozenset({"method_declaration", "constructor_declaration",
                       "compact_constructor_declaration"}),
    classes=frozenset({"class_declaration", "enum_declaration", "record_declaration",
                       "interface_declaration", "object_creation_expression"}),
    loops=frozenset({"for_statement", "enhanced_for_statement", "while_statement",
                     "do_statement"}),
    blocks=frozenset({"block", "constructor_body", "switch_block_statement_group"}),
    guarded=frozenset({"if_statement", "for_statement", "enhanced_for_statement",
                       "while_statement"}),
    not_wrapped=frozenset({"local_variable_declaration", "return_statement", "throw_statement",
                           "switch_label", "field_declaration"}),
    deletable=frozenset({"expression_statement", "break_statement", "continue_statement",
                         "throw_statement"}),
    movable=frozenset({"expression_statement", "break_statement", "continue_statement",
                       "throw_statement", "local_variable_declaration", "return_statement"}),
    condition_owners=frozenset({"if_statement", "while_statement", "do_statement",
                                "for_statement", "ternary_expression"}),
    call="method_invocation", call_name="name", call_object="object",
    arguments="argument_list", new=frozenset({"object_creation_expression"}),
    member="field_access", member_object="object", member_name="field",
    subscript="array_access", subscript_object="array", unary_operand="operand",
    assignments=frozenset({"assignment_expression"}), ternary="ternary_expression",
    declarator="variable_declarator",
    loose=frozenset({"ternary_expression", "assignment_expression", "lambda_expression"}),
    primary=frozenset({"identifier", "method_invocation", "field_access", "array_access",
                       "parenthesized_expression", "true", "false"}),
    integer_literals=frozenset({"decimal_integer_literal", "hex_integer_literal",
                                "octal_integer_literal", "binary_integer_literal"}),
    float_literals=frozenset({"decimal_floating_point_literal", "hex_floating_point_literal"}),
    string_literals=frozenset({"string_literal", "text_block"}),
    char_literal="character_literal", null_literal="null_literal", null="null",
    boolean_type="boolean", string_type="String", this="this",
    literal_barriers=frozenset({"switch_label", "annotation_argument_list",
                                "element_value_pair"}),
    primitives=frozenset({"int", "long", "short", "byte", "char", "float", "double",
                          "boolean"}),
    numeric=frozenset({"int", "long", "short", "byte", "char", "float", "double"}),
    type_nodes=frozenset({"integral_type", "floating_point_type"}),
    type_parents=frozenset({"local_variable_declaration", "cast_expression",
                            "field_declaration", "formal_parameter", "method_declaration",
                            "array_type"}),
    wider={"int": ("long", "double"), "long": ("int", "double"), "float": ("double",),
           "double": ("float", "int", "long"), "short": ("int",), "byte": ("int",),
           "char": ("int",)},
    defaults={"boolean": "false", "int": "0", "long": "0L", "short": "0", "byte": "0",
              "char": "'\\0'", "float": "0f", "double": "0.0", "void": ""},
    binary={**ARITHMETIC, **COMPARISON, **LOGICAL},
    assignment=ASSIGNMENT,
    negated=NEGATED,
    method_pairs={
        "min": ("max",), "max": ("min",), "floor": ("ceil", "round"),
        "ceil": ("floor", "round"), "round": ("floor", "ceil"), "add": ("addAll", "remove"),
        "addAll": ("add",), "remove": ("add", "removeAll"), "startsWith": ("endsWith",),
        "endsWith": ("startsWith",), "indexOf": ("lastIndexOf",),
        "lastIndexOf": ("indexOf",), "toLowerCase": ("toUpperCase",),
        "toUpperCase": ("toLowerCase",), "isEmpty": ("isBlank",),
        "equals": ("equalsIgnoreCase",), "equalsIgnoreCase": ("equals",),
        "containsKey": ("containsValue",), "containsValue": ("containsKey",),
        "put": ("putIfAbsent",), "push": ("add", "offer"), "pop": ("poll", "remove"),
        "poll": ("pop", "peek"), "peek": ("poll", "pop"), "offer": ("push", "add"),
        "first": ("last",), "last": ("first",), "getFirst": ("getLast",),
        "getLast": ("getFirst",), "removeFirst": ("removeLast",),
        "removeLast": ("removeFirst",), "addFirst": ("addLast",), "addLast": ("addFirst",),
        "abs": ("negateExact",), "trim": ("strip",), "keySet": ("values",),
        "values": ("keySet",), "get": ("getOrDefault",),
    },
    index_methods=frozenset({"get", "charAt", "substring", "subList", "set", "remove",
                             "codePointAt", "deleteCharAt", "insert"}),
    math="Math",
    not_variable=frozenset({
        ("method_invocation", "name"), ("field_access", "field"), ("variable_declarator", "name"),
        ("formal_parameter", "name"), ("catch_formal_parameter", "name"),
        ("method_declaration", "name"), ("constructor_declaration", "name"),
        ("class_declaration", "name"), ("interface_declaration", "name"),
        ("enum_declaration", "name"), ("record_declaration", "name"),
        ("enhanced_for_statement", "name"),
        ("labeled_statement", ""), ("break_statement", ""), ("continue_statement", ""),
        ("scoped_identifier", ""), ("scoped_type_identifier", ""), ("import_declaration", ""),
        ("package_declaration", ""), ("enum_constant", "name"), ("method_reference", ""),
        ("annotation", ""), ("marker_annotation", ""), ("inferred_parameters", ""),
        ("lambda_expression", "parameters"),
    }),
    nested=frozenset({"lambda_expression", "class_body"}),
    families=ALL_FAMILIES,
)

_FUNCTIONS_JS = frozenset({"function_declaration", "function_expression", "arrow_function",
                           "method_definition", "generator_function_declaration",
                           "generator_function"})
_DELETABLE_JS = frozenset({"expression_statement", "break_statement", "continue_statement",
                           "throw_statement"})

JAVASCRIPT = Syntax(
    name="javascript",
    truthy=True,
    functions=_FUNCTIONS_JS,
    methods=_FUNCTIONS_JS,
    classes=frozenset({"class_declaration", "class"}),
    loops=frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"}),
    blocks=frozenset({"statement_block", "switch_case", "switch_default"}),
    guarded=frozenset({"if_statement", "for_statement", "for_in_statement", "while_statement"}),
    not_wrapped=frozenset({"lexical_declaration", "variable_declaration", "return_statement",
                           "throw_statement"}),
    deletable=_DELETABLE_JS,
    movable=_DELETABLE_JS | {"lexical_declaration", "variable_declaration", "return_statement"},
    condition_owners=frozenset({"if_statement", "while_statement", "do_statement",
                                "for_statement", "ternary_expression"}),
    call="call_expression", call_name="function", call_object="",
    arguments="arguments", new=frozenset({"new_expression"}),
    member="member_expression", member_object="object", member_name="property",
    subscript="subscript_expression", subscript_object="object", unary_operand="argument",
    assignments=frozenset({"assignment_expression", "augmented_assignment_expression"}),
    ternary="ternary_expression", declarator="variable_declarator",
    loose=frozenset({"ternary_expression", "assignment_expression",
                     "augmented_assignment_expression", "arrow_function",
                     "sequence_expression"}),
    primary=frozenset({"identifier", "call_expression", "member_expression",
                       "subscript_expression", "parenthesized_expression", "true", "false"}),
    integer_literals=frozenset({"number"}), float_literals=frozenset(),
    string_literals=frozenset({"string"}), char_literal="", null_literal="null", null="null",
    boolean_type="boolean", string_type="string", this="this",
    literal_barriers=frozenset({"switch_case"}),
    primitives=frozenset({"number", "string", "boolean"}), numeric=frozenset({"number"}),
    type_nodes=frozenset(), type_parents=frozenset(), wider={}, defaults={},
    binary={**ARITHMETIC, "**": ("*",),
            "<": ("<=", ">", ">=", "!==", "==="), "<=": ("<", ">=", ">", "==="),
            ">": (">=", "<", "<=", "!=="), ">=": (">", "<=", "<", "==="),
            "===": ("!==", "<=", ">="), "!==": ("===", "<", ">"),
            "==": ("!=", "<=", ">="), "!=": ("==", "<", ">"),
            "&&": ("||",), "||": ("&&", "??"), "??": ("||",)},
    assignment={**ASSIGNMENT, "??=": ("||=",), "||=": ("??=", "&&="), "&&=": ("||=",)},
    negated={**NEGATED, "===": "!==", "!==": "==="},
    method_pairs={
        "min": ("max",), "max": ("min",), "floor": ("ceil", "round", "trunc"),
        "ceil": ("floor", "round"), "round": ("floor", "ceil"), "trunc": ("floor",),
        "push": ("unshift",), "unshift": ("push",), "pop": ("shift",), "shift": ("pop",),
        "slice": ("substring", "splice"), "substring": ("slice",), "splice": ("slice",),
        "indexOf": ("lastIndexOf", "includes"), "lastIndexOf": ("indexOf",),
        "includes": ("startsWith", "endsWith"), "startsWith": ("endsWith", "includes"),
        "endsWith": ("startsWith", "includes"), "toLowerCase": ("toUpperCase",),
        "toUpperCase": ("toLowerCase",), "some": ("every",), "every": ("some",),
        "find": ("findLast", "filter"), "findLast": ("find",), "filter": ("find",),
        "findIndex": ("findLastIndex", "indexOf"), "findLastIndex": ("findIndex",),
        "map": ("flatMap", "forEach"), "flatMap": ("map",), "forEach": ("map",),
        "padStart": ("padEnd",), "padEnd": ("padStart",), "trimStart": ("trimEnd", "trim"),
        "trimEnd": ("trimStart", "trim"), "trim": ("trimStart", "trimEnd"),
        "keys": ("values", "entries"), "values": ("keys", "entries"),
        "entries": ("keys", "values"), "parseInt": ("parseFloat", "Number"),
        "parseFloat": ("parseInt", "Number"), "add": ("delete",), "delete": ("add",),
        "get": ("has",), "has": ("get",), "reduce": ("reduceRight",),
        "reduceRight": ("reduce",), "sort": ("reverse",), "concat": ("push",),
        "replace": ("replaceAll",), "replaceAll": ("replace",),
    },
    index_methods=frozenset({"at", "charAt", "charCodeAt", "codePointAt", "slice", "substring",
                             "splice"}),
    math="Math",
    not_variable=frozenset({
        ("variable_declarator", "name"), ("function_declaration", "name"),
        ("function_expression", "name"), ("generator_function_declaration", "name"),
        ("class_declaration", "name"), ("class", "name"), ("method_definition", "name"),
        ("formal_parameters", ""), ("assignment_pattern", "left"), ("rest_pattern", ""),
        ("for_in_statement", "left"), ("catch_clause", "parameter"),
        ("arrow_function", "parameter"), ("call_expression", "function"),
        ("new_expression", "constructor"), ("labeled_statement", ""),
        ("break_statement", ""), ("continue_statement", ""), ("import_specifier", ""),
        ("import_clause", ""), ("namespace_import", ""), ("export_specifier", ""),
    }),
    nested=_FUNCTIONS_JS | {"class_body"},
    decimal_literal="number",
    integer_division=False,
    int_type="number",
    function_declarations=frozenset({"function_declaration", "method_definition"}),
    member_donors=True,
    families=tuple(f for f in ALL_FAMILIES
                   if f not in ("mutate_data_type", "mask_byte", "insert_cast_check",
                                "insert_call")),
)

_DELETABLE_C = frozenset({"expression_statement", "break_statement", "continue_statement"})

C = Syntax(
    name="c",
    functions=frozenset({"function_definition"}),
    methods=frozenset({"function_definition"}),
    classes=frozenset(),
    loops=frozenset({"for_statement", "while_statement", "do_statement"}),
    blocks=frozenset({"compound_statement", "case_statement"}),
    guarded=frozenset({"if_statement", "for_statement", "while_statement"}),
    not_wrapped=frozenset({"declaration", "return_statement", "case_statement"}),
    deletable=_DELETABLE_C,
    movable=_DELETABLE_C | {"declaration", "return_statement"},
    condition_owners=frozenset({"if_statement", "while_statement", "do_statement",
                                "for_statement", "conditional_expression"}),
    call="call_expression", call_name="function", call_object="",
    arguments="argument_list", new=frozenset(),
    member="field_expression", member_object="argument", member_name="field",
    subscript="subscript_expression", subscript_object="argument", unary_operand="argument",
    assignments=frozenset({"assignment_expression"}), ternary="conditional_expression",
    declarator="init_declarator",
    loose=frozenset({"conditional_expression", "assignment_expression", "comma_expression"}),
    primary=frozenset({"identifier", "call_expression", "field_expression",
                       "subscript_expression", "parenthesized_expression", "true", "false"}),
    integer_literals=frozenset({"number_literal"}), float_literals=frozenset(),
    string_literals=frozenset({"string_literal", "concatenated_string"}),
    char_literal="char_literal", null_literal="null", null="NULL",
    boolean_type="bool", string_type="", this="",
    literal_barriers=frozenset({"case_statement", "enumerator"}),
    primitives=frozenset({"int", "long", "short", "char", "float", "double", "bool", "size_t",
                          "unsigned", "signed", "ssize_t", "int8_t", "int16_t", "int32_t",
                          "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t"}),
    numeric=frozenset({"int", "long", "short", "char", "float", "double", "size_t",
                       "unsigned", "signed", "ssize_t", "int8_t", "int16_t", "int32_t",
                       "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t"}),
    type_nodes=frozenset({"primitive_type"}),
    type_parents=frozenset({"declaration", "parameter_declaration", "type_descriptor",
                            "function_definition", "field_declaration"}),
    wider={"int": ("long", "double"), "long": ("int", "double"), "float": ("double",),
           "double": ("float", "int", "long"), "short": ("int",), "char": ("int",)},
    defaults={"bool": "false", "int": "0", "long": "0", "short": "0", "char": "0",
              "float": "0", "double": "0.0", "size_t": "0", "unsigned": "0", "void": ""},
    binary=_without({**ARITHMETIC, **COMPARISON, **LOGICAL}, ">>>"),
    assignment=_without(ASSIGNMENT, ">>>="),
    negated=NEGATED,
    method_pairs={
        "strcmp": ("strcasecmp",), "strcasecmp": ("strcmp",), "strchr": ("strrchr",),
        "strrchr": ("strchr",), "strstr": ("strchr",), "isupper": ("islower",),
        "islower": ("isupper",), "isdigit": ("isalpha", "isalnum", "isxdigit"),
        "isalpha": ("isalnum", "isdigit"), "isalnum": ("isalpha", "isdigit"),
        "isspace": ("isblank",), "toupper": ("tolower",), "tolower": ("toupper",),
        "floor": ("ceil", "round"), "ceil": ("floor", "round"), "round": ("floor", "ceil"),
        "abs": ("labs", "fabs"), "fabs": ("abs",), "fmin": ("fmax",), "fmax": ("fmin",),
        "min": ("max",), "max": ("min",), "MIN": ("MAX",), "MAX": ("MIN",),
        "memcpy": ("memmove",), "memmove": ("memcpy",), "atoi": ("atol", "atof"),
        "strtol": ("strtoul",), "strtoul": ("strtol",), "putchar": ("puts",),
    },
    index_methods=frozenset(),
    math="",
    bounded={"strcmp": "strncmp", "strcasecmp": "strncasecmp", "strcpy": "strncpy",
             "strcat": "strncat"},
    not_variable=frozenset({
        ("call_expression", "function"), ("function_declarator", "declarator"),
        ("init_declarator", "declarator"), ("pointer_declarator", "declarator"),
        ("array_declarator", "declarator"), ("declaration", "declarator"),
        ("parameter_declaration", "declarator"), ("labeled_statement", "label"),
        ("goto_statement", ""), ("preproc_def", ""), ("preproc_function_def", ""),
        ("preproc_params", ""), ("preproc_defined", ""), ("field_declaration", ""),
    }),
    nested=frozenset(),
    decimal_literal="number_literal",
    integer_division=True,
    int_type="int",
    function_declarations=frozenset({"function_definition"}),
    member_donors=True,
    families=tuple(f for f in ALL_FAMILIES if f not in ("insert_cast_check", "insert_call",
                                                     "sibling_call", "mask_byte",
                                                     "return_for_throw",
                                                     "insert_throw_guard")),
)

# --- Python ------------------------------------------------------------------------------------
# Each operator's alternatives, most likely first (TBar mutates within an operator's class; the
# order puts the classic slips first: + vs -, * vs /, < vs <=, & vs |).
PY_ARITHMETIC: Pairs = {
    "+": ("-", "*", "/", "//", "%"), "-": ("+", "*", "//", "/", "%"),
    "*": ("/", "//", "+", "**", "-", "%"), "/": ("//", "*", "%", "+", "-"),
    "//": ("/", "%", "*", "-", "+"), "%": ("//", "/", "*", "-", "+"), "**": ("*", "//", "+"),
    "<<": (">>", "*"), ">>": ("<<", "//"),
    "&": ("|", "^", "and"), "|": ("&", "^", "or"), "^": ("&", "|"),
}
PY_COMPARISON: Pairs = {
    "<": ("<=", ">", ">=", "!=", "=="), "<=": ("<", ">=", ">", "==", "!="),
    ">": (">=", "<", "<=", "!=", "=="), ">=": (">", "<=", "<", "==", "!="),
    "==": ("!=", "<=", ">=", "is", "<", ">"), "!=": ("==", "is not", "<", ">", "<=", ">="),
    "is": ("is not", "=="), "is not": ("is", "!="), "in": ("not in",), "not in": ("in",),
}
PY_BOOLEAN: Pairs = {"and": ("or",), "or": ("and",)}
PY_AUGMENTED: Pairs = {
    "+=": ("-=", "=", "*="), "-=": ("+=", "=", "//="), "*=": ("/=", "//=", "+=", "="),
    "/=": ("//=", "*=", "="), "//=": ("/=", "%=", "*=", "="), "%=": ("//=", "="),
    "**=": ("*=",), "|=": ("&=", "^=", "="), "&=": ("|=", "^=", "="), "^=": ("&=", "|=", "="),
    "<<=": (">>=",), ">>=": ("<<=",),
}

PYTHON = Words(
    name="python",
    functions=frozenset({"function_definition", "lambda"}),
    methods=frozenset({"function_definition"}),
    classes=frozenset({"class_definition"}),
    loops=frozenset({"for_statement", "while_statement"}),
    not_variable=frozenset({
        ("attribute", "attribute"), ("call", "function"), ("keyword_argument", "name"),
        ("function_definition", "name"), ("class_definition", "name"), ("parameters", ""),
        ("lambda_parameters", ""), ("default_parameter", "name"), ("typed_parameter", ""),
        ("typed_default_parameter", "name"), ("dotted_name", ""), ("aliased_import", "alias"),
        ("global_statement", ""), ("nonlocal_statement", ""), ("type", ""), ("decorator", ""),
    }),
    nested=frozenset({"function_definition", "class_definition", "lambda", "list_comprehension",
                      "set_comprehension", "dictionary_comprehension", "generator_expression"}),
    and_="and", or_="or", not_="not ",
    logical="boolean_operator",
    comparison="comparison_operator", comparison_field="operators",
    negation="not_operator",
    unary="unary_operator", unary_operand="argument", dropped_unary=frozenset({"-", "~"}),
    number_literals=frozenset({"integer", "float"}),
    operators={"binary_operator": ("operator", PY_ARITHMETIC),
               "boolean_operator": ("operator", PY_BOOLEAN),
               "augmented_assignment": ("operator", PY_AUGMENTED),
               "comparison_operator": ("operators", PY_COMPARISON)},
    negated={**NEGATED, "is": "is not", "is not": "is", "in": "not in", "not in": "in"},
    primary=frozenset({"identifier", "call", "attribute", "subscript", "parenthesized_expression",
                       "true", "false", "none", "integer", "string", "list", "tuple",
                       "dictionary", "set"}),
    loose=frozenset({"conditional_expression", "lambda", "named_expression"}),
    and_under_or=False,  # `a and b or c` is right, but the candidates have always had `(a and b)`
    strictness_flip=True,
    splats=frozenset({"list_splat", "dictionary_splat", "keyword_argument"}),
    indented=True,
    empty_block="pass",
    guard="{indent}if {condition}:{nl}{indent}{unit}{statement}{nl}",
    throw="raise_statement",
    guard_shown="if {condition}: {statement}",
)
