"""Builds the optional C fast paths (text importer, ring-buffer page walk); the rest is in pyproject.toml.

If no C compiler is available the build still succeeds and the importer and the binary decoder use
their pure-Python reference paths (same rows, slower).
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    def run(self):
        try:
            super().run()
        except Exception as exc:  # no compiler: the pure-Python path still works
            print(f"warning: C fast path not built ({exc}); text import will be slower")

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"warning: C fast path not built ({exc}); text import will be slower")


setup(
    ext_modules=[Extension("tmigr_trace.importers._ftrace_text", ["tmigr_trace/importers/_ftrace_text.c"],
                           extra_compile_args=["-O2"], optional=True),
                 Extension("tmigr_trace.collectors._ringbuffer", ["collectors/_ringbuffer.c"],
                           extra_compile_args=["-O2"], optional=True)],
    cmdclass={"build_ext": OptionalBuildExt},
)
