"""Builds the `scicov` Python package (python/scicov + the extension scicov._scicov) with CMake.

Offline on Debian 12 with Debian's packages only (tools/install-deps installs them), into a venv
that sees them (PEP 668 keeps pip out of Debian's own site-packages):

    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation --no-index .

The extension links the static library `scicov` (built here with CMake, ccache when present).
SCICOV_BUILD_DIR=build/release reuses a tree configured by tools/build instead of configuring
anew (for the same interpreter); CMAKE_BUILD_PARALLEL_LEVEL sets the jobs (default 2).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = self._configured_tree()
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(["cmake", "--build", str(build), "--target", "scicov_python", "-j", jobs], check=True)
        built = sorted((build / "python" / "scicov").glob("_scicov*.so"))
        if not built:
            raise RuntimeError(f"CMake built no extension in {build}/python/scicov (is pybind11-dev installed?)")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)

    def _configured_tree(self):
        reuse = os.environ.get("SCICOV_BUILD_DIR")
        if reuse:
            return Path(reuse).resolve()
        build = Path(self.build_temp).resolve() / "cmake"
        if not (build / "CMakeCache.txt").exists():
            args = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                    "-DSCICOV_BUILD_TESTS=OFF", f"-DPython_EXECUTABLE={sys.executable}"]
            if shutil.which("ninja"):
                args += ["-G", "Ninja"]
            if shutil.which("ccache"):
                args.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
            subprocess.run(args, check=True)
        return build


setup(
    packages=["scicov"],
    package_dir={"": "python"},
    ext_modules=[Extension("scicov._scicov", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
)
