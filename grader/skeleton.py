"""A course's skeleton file (its handout), read with ast and never run: what it imports, whether a profile's
sandbox serves all of it, and its boilerplate (the code outside the TODO blocks, which students do not write).

The file comes from an instructor of any course: its size is bounded before it is parsed, every walk over it
is iterative, and its names are cut and escaped before they are shown.
"""
import ast
import bisect
import functools
import io
import sys
import sysconfig
import tokenize
from dataclasses import dataclass
from importlib.machinery import PathFinder

from .runner.stubs import STUBBED
from .shims import SUBMODULE_SOURCE, SUBMODULES, bundle_source
from .text import one_line

MAX_BYTES = 256 * 1024          # real skeletons are 45-75 kB
MAX_IMPORTED = 1000             # modules and names a skeleton may import (real ones: about 10)
MAX_SHOWN = 20                  # problems listed in a refusal
NAME_SHOWN = 80                 # characters of a name shown
IMPORT_ERRORS = ('ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException')


class SkeletonError(ValueError):
    """Why a skeleton is refused: unreadable, or importing what the grader cannot serve."""


@dataclass(frozen=True)
class Need:
    """One import of the skeleton: the module, the names taken from it ('*': all), its line, its dots."""
    module: str
    names: tuple
    line: int
    level: int = 0


@dataclass(frozen=True)
class Problem:
    """One module or name the sandbox cannot serve, and why."""
    line: int
    what: str
    why: str

    def __str__(self):
        return 'line %d: %s: %s' % (self.line, self.what, self.why)


@dataclass(frozen=True)
class Skeleton:
    needs: tuple
    boilerplate: tuple          # (first line, last line) spans of code outside the TODO blocks


def shown(name):
    return one_line(name, NAME_SHOWN)


def parse(data):
    """(text, ast.Module) of a skeleton given as bytes or str; SkeletonError when too large or not Python."""
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogatepass')
    if len(data) > MAX_BYTES:
        raise SkeletonError('the skeleton is larger than %d bytes (%d)' % (MAX_BYTES, len(data)))
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        raise SkeletonError('the skeleton is not UTF-8 text (byte %d)' % exc.start) from None
    try:
        return text, ast.parse(text)
    except SyntaxError as exc:
        raise SkeletonError('the skeleton is not valid Python: line %s: %s' % (exc.lineno, shown(exc.msg))) from None
    except (ValueError, RecursionError, MemoryError) as exc:      # NUL bytes; nesting too deep to parse
        raise SkeletonError('the skeleton is not valid Python: %s' % (shown(exc) or 'nested too deeply')) from None


def _guards_imports(node):
    """A try whose handlers catch a failed import: what its body imports is optional."""
    for handler in node.handlers:
        kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if handler.type is None or any(isinstance(k, ast.Name) and k.id in IMPORT_ERRORS for k in kinds):
            return True
    return False


def needs(tree):
    """Every import the skeleton makes (anywhere, functions included), in line order; optional ones left out."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            found += [Need(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(Need(node.module or '', tuple(a.name for a in node.names), node.lineno, node.level))
        elif isinstance(node, (ast.Try, ast.TryStar)) and _guards_imports(node):
            stack += node.handlers + node.orelse + node.finalbody
        else:
            stack.extend(ast.iter_child_nodes(node))
    if len(found) + sum(len(n.names) for n in found) > MAX_IMPORTED:
        raise SkeletonError('the skeleton imports more than %d modules and names' % MAX_IMPORTED)
    return tuple(sorted(found, key=lambda n: (n.line, n.module)))


def boilerplate(text):
    """(first, last) lines of each stretch of code between the TODO blocks (a block: from a `# TODO` comment to
    the next `# END OF YOUR CODE`; a TODO with no end after it marks nothing)."""
    todo, blocks, code = None, [], set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                if todo is None and 'TODO' in tok.string:
                    todo = tok.start[0]
                elif todo is not None and 'END OF YOUR CODE' in tok.string.upper():
                    blocks.append((todo, tok.start[0]))
                    todo = None
            elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                  tokenize.ENDMARKER):
                code.update(range(tok.start[0], tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    ends, spans = [last for _, last in blocks], {}
    for line in sorted(code):
        segment = bisect.bisect_left(ends, line)          # the blocks that ended before this line
        if segment < len(blocks) and blocks[segment][0] <= line:
            continue                                      # inside a TODO block
        first, _ = spans.get(segment, (line, line))
        spans[segment] = (first, line)
    return tuple(spans.values())


def read(data):
    """The skeleton's imports and boilerplate; SkeletonError when it cannot be read."""
    text, tree = parse(data)
    return Skeleton(needs(tree), boilerplate(text))


def defined(source, star=frozenset()):
    """Names a module's top level binds (its defs, classes, assignments, imports); `from . import *` adds star."""
    names, stack = set(), list(ast.parse(source).body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names |= set(star) if alias.name == '*' else {alias.asname or alias.name.split('.')[0]}
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


@functools.lru_cache(maxsize=16)
def served(shims):
    """{module: names it defines} for a profile's shims (module file, kind) pairs, from their sources."""
    modules = {}
    for name, kind in shims:
        if kind == 'package':
            own = defined(bundle_source(name))
            modules[name] = own | set(SUBMODULES)
            public = frozenset(n for n in own if not n.startswith('_'))
            for sub in SUBMODULES:
                modules['%s.%s' % (name, sub)] = defined(SUBMODULE_SOURCE, public) | public
        else:
            modules[name[:-3]] = defined(bundle_source(name))
    return modules


def _installed(top):
    """Whether a top-level module is installed in the environment the sandbox mounts (found, not imported)."""
    paths = sorted({sysconfig.get_paths()[k] for k in ('purelib', 'platlib')})
    try:
        return PathFinder.find_spec(top, paths) is not None
    except (ImportError, ValueError, OSError):
        return False


def problems(skeleton_needs, profile):
    """What of the skeleton's imports the profile's sandbox cannot serve: shims (names checked), the runner's
    stubs, the standard library or the installed packages (module only)."""
    shims = served(profile.shims)
    out = []
    for need in skeleton_needs:
        module, top = need.module, need.module.split('.')[0]
        if need.level:
            out.append(Problem(need.line, 'from %s%s import' % ('.' * need.level, shown(module)),
                               'a relative import: the graded file is not in a package'))
        elif module in shims:
            out += [Problem(need.line, '%s.%s' % (shown(module), shown(name)),
                            'the grader\'s %s does not define %s' % (shown(module), shown(name)))
                    for name in need.names if name != '*' and name not in shims[module]]
        elif top in shims:
            subs = sorted(m.split('.', 1)[1] for m in shims if m.startswith(top + '.'))
            out.append(Problem(need.line, 'module %s' % shown(module),
                               'the grader\'s package %s has no such submodule (it has %s)' % (top, ', '.join(subs))
                               if subs else 'the grader\'s %s is a module, not a package' % top))
        elif not (top in STUBBED or top in sys.stdlib_module_names or _installed(top)):
            out.append(Problem(need.line, 'module %s' % shown(module), 'no such module in the sandbox (not one '
                               'the profile serves, not in the standard library, not installed)'))
    return out


def refusal(found, profile):
    """The sentence that refuses a skeleton for these problems."""
    listed = '; '.join(str(p) for p in found[:MAX_SHOWN])
    more = ' (and %d more)' % (len(found) - MAX_SHOWN) if len(found) > MAX_SHOWN else ''
    modules = ', '.join(sorted(m for m in served(profile.shims) if '.' not in m))
    return ('profile %s cannot serve what this skeleton imports: %s%s. The profile serves %s.'
            % (profile.name, listed, more, modules or 'no course modules'))


def check(data, profile):
    """The skeleton, if the profile serves everything it imports; else SkeletonError listing what and why."""
    skeleton = read(data)
    found = problems(skeleton.needs, profile)
    if found:
        raise SkeletonError(refusal(found, profile))
    return skeleton
