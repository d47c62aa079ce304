"""Inert stand-ins for plotting/vision packages the course helpers import.

Only used when the real package is not importable: any attribute is another stub,
and calling a stub returns a stub, so `import matplotlib.pyplot as plt; plt.plot(...)`
at module level cannot break grading.
"""
import importlib.abc
import importlib.machinery
import sys
import types

STUBBED = ('matplotlib', 'torchvision', 'cv2', 'PIL', 'IPython', 'google', 'tqdm', 'seaborn', 'imageio')


class Stub(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)
        child = Stub('%s.%s' % (self.__name__, name))
        setattr(self, name, child)
        return child

    def __call__(self, *args, **kwargs):
        return Stub(self.__name__ + '()')

    def __iter__(self):
        return iter(())

    def __getitem__(self, key):
        return Stub('%s[]' % self.__name__)

    def __setitem__(self, key, value):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: answers only for STUBBED names the real finders missed."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split('.')[0] in STUBBED:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = Stub(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def install():
    sys.meta_path.append(StubFinder())
